// LargestMailboxes answers the ids of the $n members with the most conversations, whose pages the
// benchmark asks for beside the median member's.
// Cost: a scan of every member counting its conversation sides, once per benchmark run.
MATCH (m:Member)
WITH m.id AS id, COUNT { (m)-[:IN]->(:Conversation) } AS conversations
ORDER BY conversations DESC, id
LIMIT $n
RETURN collect(id) AS ids
