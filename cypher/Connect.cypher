// Connect connects each pair in $pairs ([low, high] with low < high, so a pair has one relationship
// in one direction) and clears any invitations between them. Pairs already connected are left
// as they are. Answers how many pairs were found.
// Cost: two index seeks per pair and the relationships between the pair.
UNWIND $pairs AS pair
MATCH (low:Member {id: pair[0]})
MATCH (high:Member {id: pair[1]})
MERGE (low)-[c:CONNECTED_TO]->(high)
  ON CREATE SET c.since = $now
WITH low, high
OPTIONAL MATCH (low)-[i:INVITED]-(high)
DELETE i
RETURN count(DISTINCT [low, high]) AS pairs
