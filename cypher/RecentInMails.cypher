// RecentInMails answers, for the abuse limits, how many InMails the caller sent since $since and
// when the oldest of them was sent, and to how many members other than $to the caller sent an
// InMail with the same folded body ($bodyHash) since then. InMails to members who have since closed
// their account (now to a FormerMember) count too.
// Cost: the caller's sent messages (the index-backed sentAt filter keeps the rest out of the sort).
MATCH (me:Member {id: $caller})-[m:MESSAGED {kind: 'inmail'}]->(to)
WHERE m.sentAt > $since
RETURN count(m) AS sent,
       min(m.sentAt) AS oldest,
       count(DISTINCT CASE WHEN m.bodyHash = $bodyHash AND (to.id IS NULL OR to.id <> $to) THEN to END) AS sameBody
