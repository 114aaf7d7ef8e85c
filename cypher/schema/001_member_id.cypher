// Every member is found by the id its platform gave it; the constraint also backs the index
// that every member-scoped statement starts from.
CREATE CONSTRAINT member_id IF NOT EXISTS FOR (m:Member) REQUIRE m.id IS UNIQUE
