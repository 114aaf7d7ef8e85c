-- LockMembers locks the members $1 names (a send's caller and recipient) for the rest of the
-- transaction, in id order, so that two transactions locking the same two never wait on each
-- other in a cycle; it answers each one's key and name. A missing id has no row.
-- Cost: one unique-index seek per id.
SELECT id, key, name FROM members WHERE id = ANY($1) ORDER BY id FOR UPDATE
