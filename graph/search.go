package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/reach-network/reach/cypher"
)

// searchCap bounds how many name matches outside the caller's 1st and 2nd degree are ranked.
const searchCap = 500

// MaxQueryLength is the longest search prefix, in characters.
const MaxQueryLength = 100

// Found is one search result: a member and how the caller stands to them.
type Found struct {
	Member      MemberSummary
	Degree      Degree
	MutualCount int
}

// rankKey orders search results: 1st, 2nd, 3rd degree, then everyone else; within a degree by
// more mutual connections, then name, then id.
type rankKey struct {
	Rank   int    `json:"r"`
	Mutual int    `json:"m"`
	Name   string `json:"n"`
	ID     string `json:"i"`
}

func (k *rankKey) valid() bool { return k.ID != "" }

func (k rankKey) compare(o rankKey) int {
	return cmp.Or(cmp.Compare(k.Rank, o.Rank), cmp.Compare(o.Mutual, k.Mutual),
		cmp.Compare(k.Name, o.Name), cmp.Compare(k.ID, o.ID))
}

func keyOf(f Found) rankKey {
	rank := int(f.Degree)
	if f.Degree == OutOfNetwork {
		rank = 4
	}
	return rankKey{Rank: rank, Mutual: f.MutualCount, Name: f.Member.Name, ID: f.Member.ID}
}

// Search finds members whose name starts with query, case-insensitively, ranked by how close they
// are to the caller. Every match in the caller's 1st and 2nd degree is ranked, and the first
// searchCap matches of the whole network; members who are not searchable are found only by their
// connections, and members in a block relation with the caller never.
func (s *Store) Search(ctx context.Context, caller, query string, page PageRequest) (_ Page[Found], err error) {
	defer wrap(&err, "Search(%q, %q)", caller, query)
	var after rankKey
	hasAfter, err := decodeCursor(page.After, &after)
	if err != nil {
		return Page[Found]{}, err
	}
	recs, err := s.read(ctx, cypher.SearchMembers, map[string]any{
		"caller": caller, "prefix": strings.ToLower(query), "cap": int64(searchCap),
	})
	if err != nil {
		return Page[Found]{}, err
	}
	if len(recs) == 0 {
		return Page[Found]{}, memberNotFound(caller)
	}
	ids, err := value[[]any](recs[0], "ids")
	if err != nil {
		return Page[Found]{}, err
	}
	candidates := make([]string, 0, len(ids))
	for _, id := range ids {
		if s, ok := id.(string); ok {
			candidates = append(candidates, s)
		}
	}
	relations, err := s.Relations(ctx, caller, candidates)
	if err != nil {
		return Page[Found]{}, err
	}
	found := make([]Found, 0, len(relations))
	for _, r := range relations {
		f := Found{
			Member: MemberSummary{ID: r.Member.ID, Name: r.Member.Name, Headline: r.Member.Headline},
			Degree: r.Degree, MutualCount: r.MutualCount,
		}
		if !hasAfter || keyOf(f).compare(after) > 0 {
			found = append(found, f)
		}
	}
	slices.SortFunc(found, func(a, b Found) int { return keyOf(a).compare(keyOf(b)) })
	return pageOf(found, page.Limit, func(f Found) any { return keyOf(f) }), nil
}
