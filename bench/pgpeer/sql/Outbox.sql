-- Outbox answers one page of the messages the caller ($1) sent, newest first (ties broken by id),
-- leaving out those the caller deleted and any to a member in a block relation with the caller,
-- each with the recipient's id, name and headline. $2 (a kind, '' for any) and $3 (unread by the
-- recipient only) narrow it. The page starts after the message sent at $4 with id $5 (for the
-- first page, a time after every message and '') and holds up to $6 + 1 rows, so that the caller
-- can tell whether another page follows.
-- Cost: one unique-index seek (the caller's key, a value the scan starts from, so that its order
-- is the page's); one range of messages_outbox from the cursor on, in its order (no
-- sort), read until $6 + 1 rows pass the filters; per row, the recipient by primary key and two
-- probes of blocks.
SELECT m.id, m.thread_id, m.kind, coalesce(m.subject, ''), m.body, coalesce(m.attachments, ''), m.sent_at,
       m.read_at IS NOT NULL, coalesce(m.status, ''), m.cost, coalesce(m.via_kind, ''), coalesce(m.via_id, ''),
       coalesce(m.via_name, ''), o.id, o.name, o.headline
FROM messages m
JOIN members o ON o.key = m.recipient
WHERE m.sender = (SELECT key FROM members WHERE id = $1)
  AND m.sent_at <= $4 AND (m.sent_at < $4 OR m.id > $5)
  AND NOT m.deleted_by_sender
  AND ($2 = '' OR m.kind = $2)
  AND (NOT $3 OR m.read_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = m.sender AND b.blocked = o.key)
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = o.key AND b.blocked = m.sender)
ORDER BY m.sent_at DESC, m.id
LIMIT $6 + 1
