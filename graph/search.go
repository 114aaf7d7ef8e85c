package graph

import (
	"cmp"
	"slices"
)

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

// RankAfter is the key a page of search results follows, as its cursor names it: nil for the
// first page. Returns ErrInvalidCursor for a cursor a search did not give out.
func RankAfter(cursor string) (*RankKey, error) {
	var key RankKey
	ok, err := DecodeCursor(cursor, &key)
	if !ok || err != nil {
		return nil, err
	}
	return &key, nil
}

// RankPage ranks the members found by how the caller stands to each (reaches, by member id; a
// member missing from it is left out) and answers a page of at most limit of them: those after
// the key after (from the page's cursor; nil for the first page), in RankKey order.
func RankPage(found []MemberSummary, reaches map[string]Reach, limit int, after *RankKey) Page[Found] {
	ranked := make([]Found, 0, len(found))
	for _, m := range found {
		r, ok := reaches[m.ID]
		if !ok {
			continue
		}
		f := Found{Member: m, Degree: r.Degree, MutualCount: r.MutualCount}
		if after == nil || KeyOf(f).Compare(*after) > 0 {
			ranked = append(ranked, f)
		}
	}
	slices.SortFunc(ranked, func(a, b Found) int { return KeyOf(a).Compare(KeyOf(b)) })
	return PageOf(ranked, limit, func(f Found) any { return KeyOf(f) })
}
