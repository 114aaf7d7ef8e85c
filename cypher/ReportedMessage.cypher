// ReportedMessage answers the message $id if $member sent it to the caller and the caller has not
// deleted it. Unlike Message, it ignores blocks: a member may report a message from a member they
// block.
// Cost: one relationship-index seek on MESSAGED(id).
MATCH (:Member {id: $member})-[m:MESSAGED {id: $id}]->(:Member {id: $caller})
WHERE NOT m.deletedByRecipient
RETURN m.id AS id
