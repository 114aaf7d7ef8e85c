// SenderSignals answers, in one pass over the caller's InMails and message requests of the last
// 30 days, what the rules read of the caller as one more of theirs goes to $to with the folded
// body $bodyHash. For the abuse limits (graph.Limits.CheckInMail), of their InMails since $day:
// how many (inmails), when the oldest went (oldest, null for none), and to how many members other
// than $to one went with the same body (sameInMailBody). For the Other box's rule
// (graph.Limits.Blasting): their InMails and requests since $month (sent), how many of those were
// declined, the members other than $to who got one with the same body since $day (sameBody), and
// the reports against them since $month. Messages to members who have since closed their account
// (now to a FormerMember) count too.
// Cost: the caller's sent messages (the index-backed sentAt filter keeps out those older than
// $month), and the reports against them.
MATCH (me:Member {id: $caller})
OPTIONAL MATCH (me)-[m:MESSAGED]->(to)
WHERE m.kind IN ['inmail', 'request'] AND m.sentAt > $month
WITH me, m, to, m.sentAt > $day AS today,
     m.sentAt > $day AND m.bodyHash = $bodyHash AND (to.id IS NULL OR to.id <> $to) AS alike
RETURN count(m) AS sent,
       count(CASE WHEN m.status = 'declined' THEN 1 END) AS declined,
       count(DISTINCT CASE WHEN alike THEN to END) AS sameBody,
       count(CASE WHEN today AND m.kind = 'inmail' THEN 1 END) AS inmails,
       min(CASE WHEN today AND m.kind = 'inmail' THEN m.sentAt END) AS oldest,
       count(DISTINCT CASE WHEN alike AND m.kind = 'inmail' THEN to END) AS sameInMailBody,
       COUNT { (:Member)-[r:REPORTED]->(me) WHERE r.at > $month } AS reported
