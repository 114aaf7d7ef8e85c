-- SendMessage writes one message from the sender ($1) to the recipient ($2), both keys and both
-- locked by LockMembers; sets the sender's credits (after any monthly grant and this message's
-- cost, $17), plan grant ($18) and message requests sent this month ($19, $20); and, since a
-- message to someone answers every InMail and request they sent you, marks the recipient's
-- pending requests to the sender accepted and their pending InMails replied, giving back the
-- credit of each sent on or after $21, once. Empty texts are stored as null.
-- Cost: one insert into messages and its indexes; one primary-key update of each member; the
-- recipient's messages to the sender, one range of messages_pair.
WITH refund AS (
  SELECT coalesce(sum(cost), 0) AS credits FROM messages
  WHERE sender = $2 AND recipient = $1 AND kind = 'inmail' AND status = 'pending'
    AND cost > 0 AND NOT refunded AND sent_at >= $21
), sent AS (
  INSERT INTO messages (id, thread_id, sender, recipient, kind, channel, cost, subject, body, sent_at, status,
                        refunded, deleted_by_sender, deleted_by_recipient, via_kind, via_id, via_name, body_hash,
                        attachments, idempotency_key, request_hash, credits_after)
  VALUES ($3, $4, $1, $2, $5, $6, $7, $8, $9, $10, nullif($11, ''), false, false, false,
          nullif($12, ''), nullif($13, ''), nullif($14, ''), $15, $16, nullif($22, ''), $23, $17)
), sender AS (
  UPDATE members SET inmail_credits = $17, plan_granted_at = $18, requests_month = $19, requests_sent = $20
  WHERE key = $1
), accepted AS (
  UPDATE messages SET status = 'accepted', answered_at = $10
  WHERE sender = $2 AND recipient = $1 AND kind = 'request' AND status = 'pending'
), replied AS (
  UPDATE messages SET status = 'replied', answered_at = $10,
                      refunded = refunded OR (cost > 0 AND sent_at >= $21)
  WHERE sender = $2 AND recipient = $1 AND kind = 'inmail' AND status = 'pending'
)
UPDATE members SET inmail_credits = inmail_credits + (SELECT credits FROM refund)
WHERE key = $2 AND (SELECT credits FROM refund) > 0
