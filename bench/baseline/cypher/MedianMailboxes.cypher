// MedianMailboxes answers the median number of conversations among members who have any, and the
// ids of up to $n members, drawn at random, with exactly that many.
// Cost: two scans of every member counting its conversation sides, once per benchmark run.
MATCH (m:Member)
WITH COUNT { (m)-[:IN]->(:Conversation) } AS conversations
WHERE conversations > 0
WITH percentileDisc(conversations, 0.5) AS median
MATCH (m:Member)
WHERE COUNT { (m)-[:IN]->(:Conversation) } = median
WITH median, m.id AS id, rand() AS r
ORDER BY r
LIMIT $n
RETURN median, collect(id) AS ids
