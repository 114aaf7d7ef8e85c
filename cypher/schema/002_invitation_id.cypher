// Invitations are INVITED relationships looked up by their id on accept, decline and withdraw.
CREATE CONSTRAINT invitation_id IF NOT EXISTS FOR ()-[i:INVITED]-() REQUIRE i.id IS UNIQUE
