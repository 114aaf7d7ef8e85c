-- Inbox answers one page of the messages the caller ($1) received, newest first (ties broken by
-- id), leaving out those the caller deleted and any from a member in a block relation with the
-- caller, each with the sender's id, name and headline. Message requests not accepted are kept
-- apart: with $2 set, only the pending requests are listed (the requests box); without it,
-- requests are listed once accepted. $3 (a kind, '' for any) and $4 (unread only) narrow it. The
-- page starts after the message sent at $5 with id $6 (for the first page, a time after every
-- message and '') and holds up to $7 + 1 rows, so that the caller can tell whether another page
-- follows.
-- Cost: one unique-index seek (the caller's key, a value the scan starts from, so that its order
-- is the page's); one range of messages_inbox from the cursor on, in its order (no
-- sort), read until $7 + 1 rows pass the filters; per row, the sender by primary key and two
-- probes of blocks.
SELECT m.id, m.thread_id, m.kind, coalesce(m.subject, ''), m.body, coalesce(m.attachments, ''), m.sent_at,
       m.read_at IS NOT NULL, coalesce(m.status, ''), m.cost, coalesce(m.via_kind, ''), coalesce(m.via_id, ''),
       coalesce(m.via_name, ''), o.id, o.name, o.headline
FROM messages m
JOIN members o ON o.key = m.sender
WHERE m.recipient = (SELECT key FROM members WHERE id = $1)
  AND m.sent_at <= $5 AND (m.sent_at < $5 OR m.id > $6)
  AND NOT m.deleted_by_recipient
  AND ($3 = '' OR m.kind = $3)
  AND CASE
        WHEN $2 THEN m.kind = 'request' AND m.status = 'pending'
        WHEN m.kind = 'request' THEN m.status = 'accepted'
        ELSE true
      END
  AND (NOT $4 OR m.read_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = m.recipient AND b.blocked = o.key)
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = o.key AND b.blocked = m.recipient)
ORDER BY m.sent_at DESC, m.id
LIMIT $7 + 1
