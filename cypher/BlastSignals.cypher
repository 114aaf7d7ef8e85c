// BlastSignals answers what the Other box's rule (graph.Limits.Blasting) reads of the caller as an
// InMail or message request of theirs goes to $to: the InMails and requests they sent since $month
// and how many of those were declined, the members other than $to who got one with the same
// folded body ($bodyHash) since $day, and the reports against them since $month.
// Cost: the caller's sent messages, and the reports against them.
MATCH (me:Member {id: $caller})
OPTIONAL MATCH (me)-[m:MESSAGED]->(to)
WHERE m.kind IN ['inmail', 'request'] AND m.sentAt > $month
WITH me, count(m) AS sent, count(CASE WHEN m.status = 'declined' THEN 1 END) AS declined,
     count(DISTINCT CASE WHEN m.sentAt > $day AND m.bodyHash = $bodyHash AND (to.id IS NULL OR to.id <> $to) THEN to END) AS sameBody
RETURN sent, declined, sameBody, COUNT { (:Member)-[r:REPORTED]->(me) WHERE r.at > $month } AS reported
