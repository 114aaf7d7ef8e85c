package graph

// FormerMemberName is the name messages from and to a closed account are shown with: a member
// with no profile behind the name, whose id is empty.
const FormerMemberName = "Former member"

// formerMember is the other side of a message exchanged with a closed account.
var FormerMember = MemberSummary{Name: FormerMemberName}

// IsFormer reports whether s stands for a closed account rather than a member.
func (s MemberSummary) IsFormer() bool { return s.ID == "" }
