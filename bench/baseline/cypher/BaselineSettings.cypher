// BaselineSettings answers the InMail and message request settings of the member to be messaged.
// Cost: one index seek.
MATCH (b:Member {id: $member})
RETURN b.inmail AS inmail, b.openProfile AS openProfile, coalesce(b.messageRequests, true) AS messageRequests
