// BaselineSettings answers the InMail settings of the member to be messaged.
// Cost: one index seek.
MATCH (b:Member {id: $member})
RETURN b.inmail AS inmail, b.openProfile AS openProfile
