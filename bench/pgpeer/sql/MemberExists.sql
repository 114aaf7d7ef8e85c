-- MemberExists answers whether $1 names a member, for the token check of the peer's HTTP server.
-- Cost: one unique-index seek.
SELECT EXISTS (SELECT 1 FROM members WHERE id = $1)
