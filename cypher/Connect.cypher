// Connect connects two members ($low < $high, so each pair has one relationship in one direction)
// and clears any invitations between them. Connecting members already connected changes nothing.
// Cost: two index seeks and the relationships between the pair.
MATCH (low:Member {id: $low})
MATCH (high:Member {id: $high})
MERGE (low)-[c:CONNECTED_TO]->(high)
  ON CREATE SET c.since = datetime.transaction()
WITH low, high
OPTIONAL MATCH (low)-[i:INVITED]-(high)
DELETE i
