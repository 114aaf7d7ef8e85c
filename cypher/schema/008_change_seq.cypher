// Replicas read the change log from the number they have applied onwards (ChangesSince).
CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE
