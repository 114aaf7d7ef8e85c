// TopConnected answers the ids of the $n members with the most connections, the hubs the
// benchmark makes sure to ask about.
// Cost: a scan of every member reading its stored degree, once per benchmark run.
MATCH (m:Member)
WITH m.id AS id, COUNT { (m)-[:CONNECTED_TO]-() } AS connections
ORDER BY connections DESC
LIMIT $n
RETURN collect(id) AS ids
