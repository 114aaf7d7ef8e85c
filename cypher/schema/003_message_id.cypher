// Messages are MESSAGED relationships looked up by their id to read, decline and delete them.
CREATE CONSTRAINT message_id IF NOT EXISTS FOR ()-[m:MESSAGED]-() REQUIRE m.id IS UNIQUE
