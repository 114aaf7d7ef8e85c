-- MessageByKey answers the message the sender ($1, a key) already sent with an idempotency key
-- ($2), if any, so that a retried send returns the first answer instead of sending again.
-- Cost: one probe of the partial unique index messages_key.
SELECT id, thread_id, kind, cost, coalesce(credits_after, 0), coalesce(request_hash, '')
FROM messages WHERE sender = $1 AND idempotency_key = $2
