// MemberExists answers whether a member has this id; authentication asks it for the member a
// token names.
// Cost: one unique-index seek on :Member(id), nothing read from the node.
RETURN EXISTS { MATCH (:Member {id: $id}) } AS exists
