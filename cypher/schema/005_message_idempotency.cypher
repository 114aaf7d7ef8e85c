// A retried send finds the first answer by the idempotency key it carried.
CREATE INDEX message_idempotency IF NOT EXISTS FOR ()-[m:MESSAGED]-() ON (m.idempotencyKey)
