// Organisations (companies and schools) are found by the id the platform gave them.
CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (o:Organisation) REQUIRE o.id IS UNIQUE
