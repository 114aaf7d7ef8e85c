-- Mailbox answers one page of the caller's ($1) mailbox, newest first (ties broken by id): the
-- messages received ($2 true) or sent, leaving out those the caller deleted and any exchanged
-- with a member in a block relation with the caller, each with the other member's id, name and
-- headline. Message requests not accepted are kept apart from the received messages: with $3
-- set, only the pending requests are listed (the requests box); without it, received requests are
-- listed once accepted. $4 (a kind, '' for any) and $5 (unread only) narrow it. The page starts
-- after ($6, $7) when $7 is not '' and holds up to $8 + 1 rows, so that the caller can tell
-- whether another page follows.
-- Cost: one unique-index seek; one range of messages_inbox or messages_outbox from the cursor on,
-- read until $8 + 1 rows pass the filters; per row, the other member by primary key and two
-- probes of blocks.
WITH me AS (SELECT key FROM members WHERE id = $1)
SELECT m.id, m.thread_id, m.kind, coalesce(m.subject, ''), m.body, coalesce(m.attachments, ''), m.sent_at,
       m.read_at IS NOT NULL, coalesce(m.status, ''), m.cost, coalesce(m.via_kind, ''), coalesce(m.via_id, ''),
       coalesce(m.via_name, ''), o.id, o.name, o.headline
FROM me
CROSS JOIN LATERAL (
  SELECT * FROM messages r
  WHERE $2 AND r.recipient = me.key AND NOT r.deleted_by_recipient
    AND ($7 = '' OR r.sent_at < $6 OR (r.sent_at = $6 AND r.id > $7))
  UNION ALL
  SELECT * FROM messages s
  WHERE NOT $2 AND s.sender = me.key AND NOT s.deleted_by_sender
    AND ($7 = '' OR s.sent_at < $6 OR (s.sent_at = $6 AND s.id > $7))
) m
JOIN members o ON o.key = CASE WHEN $2 THEN m.sender ELSE m.recipient END
WHERE ($4 = '' OR m.kind = $4)
  AND CASE
        WHEN $3 THEN m.kind = 'request' AND m.status = 'pending'
        WHEN $2 AND m.kind = 'request' THEN m.status = 'accepted'
        ELSE true
      END
  AND (NOT $5 OR m.read_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = me.key AND b.blocked = o.key)
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = o.key AND b.blocked = me.key)
ORDER BY m.sent_at DESC, m.id
LIMIT $8 + 1
