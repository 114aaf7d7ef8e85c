// AcceptRequest accepts a pending message request for its recipient, the caller: from then on
// the two may write to each other freely (thread_reply), and the request leaves the requests box
// for the inbox: its requestKey becomes its inboxKey.
// Cost: one relationship-index seek on MESSAGED(id).
MATCH (:Member)-[m:MESSAGED {id: $id, kind: 'request', status: 'pending'}]->(:Member {id: $caller})
SET m.status = 'accepted', m.answeredAt = $now, m.inboxKey = m.requestKey, m.requestKey = null
RETURN m.id AS id
