package graph

import "fmt"

// OrgKind says whether an organisation is a company or a school.
type OrgKind string

// The kinds of organisation.
const (
	Company OrgKind = "company"
	School  OrgKind = "school"
)

// Valid reports whether k is one of the kinds of organisation.
func (k OrgKind) Valid() bool { return k == Company || k == School }

// Organisation is a company or a school members hold positions at.
type Organisation struct {
	ID   string
	Name string
	Kind OrgKind
}

// Group is a group members join and leave.
type Group struct {
	ID   string
	Name string
}

// Position is a member's position at an organisation, from one year to another; To is nil while
// the position is current.
type Position struct {
	Org   string
	Title string
	From  int
	To    *int
}

// The years a position may start and end in.
const (
	FirstYear = 1900
	LastYear  = 2100
)

// ValidID reports whether id has the form every id reach is given takes (members,
// organisations, groups): 1 to 64 letters, digits, '_' or '-'.
func ValidID(id string) bool { return ValidMemberID(id) }

// Check fails with ErrUnprocessable, naming the field kind, unless k is one of the kinds: the
// stores refuse any other, so that every rule reads the same kinds (a coworker is at a company).
func (k OrgKind) Check() error {
	if k.Valid() {
		return nil
	}
	return &Error{Kind: ErrUnprocessable, Field: "kind",
		Detail: fmt.Sprintf("an organisation's kind is %q or %q, not %q", Company, School, k)}
}
