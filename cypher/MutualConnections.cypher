// MutualConnections answers one page of the mutual connections in $batch.members (which the store has
// found from connection lists, leaving out members in a block relation with the caller), as
// MutualPage (cypher.go) reads it.
WITH $batch.members AS mutuals
