package graph

import "cmp"

// MaxQueryLength is the longest search prefix, in characters.
const MaxQueryLength = 100

// Found is one search result: a member and how the caller stands to them.
type Found struct {
	Member      MemberSummary
	Degree      Degree
	MutualCount int
}

// RankKey orders search results: 1st, 2nd, 3rd degree, then everyone else; within a degree by
// more mutual connections, then name, then id.
type RankKey struct {
	Rank   int    `json:"r"`
	Mutual int    `json:"m"`
	Name   string `json:"n"`
	ID     string `json:"i"`
}

// Valid reports whether k came from a cursor of a search page.
func (k *RankKey) Valid() bool { return k.ID != "" }

// Compare orders k before o (-1), after it (1), or as the same result (0).
func (k RankKey) Compare(o RankKey) int {
	return cmp.Or(cmp.Compare(k.Rank, o.Rank), cmp.Compare(o.Mutual, k.Mutual),
		cmp.Compare(k.Name, o.Name), cmp.Compare(k.ID, o.ID))
}

// KeyOf is a result's place in the order.
func KeyOf(f Found) RankKey {
	rank := int(f.Degree)
	if f.Degree == OutOfNetwork {
		rank = 4
	}
	return RankKey{Rank: rank, Mutual: f.MutualCount, Name: f.Member.Name, ID: f.Member.ID}
}
