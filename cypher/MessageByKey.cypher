// MessageByKey answers the message a member sent with an idempotency key, if any, so that a
// retried send returns the first answer instead of sending again, even once the recipient has
// closed their account (the message then goes to a FormerMember).
// Cost: one relationship-index seek on MESSAGED(idempotencyKey).
MATCH (me:Member {id: $caller})-[m:MESSAGED {idempotencyKey: $key}]->(to)
RETURN m {.*} AS message, me.id AS from, to.id AS to
