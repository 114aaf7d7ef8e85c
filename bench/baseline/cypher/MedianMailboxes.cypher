// MedianMailboxes answers the median number of conversations in the inbox among members whose
// inbox fills at least a page of $page, and the ids of up to $n members, drawn at random, with a
// page or more and at most the median. A page of theirs then holds as many rows as a page of the
// largest mailbox, so the two compare mailboxes' sizes, not pages' sizes. (The generated graph
// has few such members: most have one or two conversations, the busiest tens of thousands.)
// Cost: two scans of every member counting its inbox's conversation sides, once per benchmark run.
MATCH (m:Member)
WITH COUNT { (m)-[s:IN]->(:Conversation) WHERE s.boxKey STARTS WITH m.id + ' inbox ' } AS conversations
WHERE conversations >= $page
WITH percentileDisc(conversations, 0.5) AS median
MATCH (m:Member)
WITH median, m, COUNT { (m)-[s:IN]->(:Conversation) WHERE s.boxKey STARTS WITH m.id + ' inbox ' } AS conversations
WHERE $page <= conversations <= median
WITH median, m.id AS id, rand() AS r
ORDER BY r
LIMIT $n
RETURN median, collect(id) AS ids
