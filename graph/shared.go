package graph

import (
	"cmp"
	"slices"
)

// SharedItems is the most items each list of Shared holds; Total counts them all.
const SharedItems = 5

// Affiliate is an organisation or a group, as a list of what two members share shows it.
type Affiliate struct {
	ID   string
	Name string
}

// SharedList is what two members share of one kind: how many, and up to SharedItems of them,
// ordered by name, then id.
type SharedList struct {
	Total int
	Items []Affiliate
}

// Shared is what two members share: the companies and schools at which both have held a
// position (at any time), and the groups both are in.
type Shared struct {
	Companies SharedList
	Schools   SharedList
	Groups    SharedList
}

// sharedList counts items and keeps the first SharedItems by name, then id.
func NewSharedList(items []Affiliate) SharedList {
	slices.SortFunc(items, func(a, b Affiliate) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return SharedList{Total: len(items), Items: items[:min(len(items), SharedItems)]}
}
