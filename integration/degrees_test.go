package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
)

// TestDegreesAgreeWithRelations checks the batched degrees that mailbox pages use against the
// per-pair answer of reachability, on a random sparse network with a block in it, for every pair.
func TestDegreesAgreeWithRelations(t *testing.T) {
	id := ids(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 30
	var edges [][2]string
	for i := 1; i < n; i++ {
		edges = append(edges, [2]string{fmt.Sprintf("p%d", i), fmt.Sprintf("p%d", rng.IntN(i))})
		if rng.IntN(3) == 0 {
			edges = append(edges, [2]string{fmt.Sprintf("p%d", i), fmt.Sprintf("p%d", rng.IntN(n))})
		}
	}
	var clean [][2]string
	for _, e := range edges {
		if e[0] != e[1] {
			clean = append(clean, e)
		}
	}
	network(t, id, clean...)
	as(t, id("p3")).do(http.MethodPut, "/v1/blocks/"+id("p1"), nil).expect(http.StatusNoContent)
	ctx := context.Background()
	all := make([]string, n)
	for i := range all {
		all[i] = id(fmt.Sprintf("p%d", i))
	}
	for _, caller := range all {
		degrees, err := env.store.Degrees(ctx, caller, all)
		if err != nil {
			t.Fatal(err)
		}
		relations, err := env.store.Relations(ctx, caller, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(degrees) != len(relations) {
			t.Fatalf("%s: %d degrees, %d relations", caller, len(degrees), len(relations))
		}
		for member, r := range relations {
			if degrees[member] != r.Degree {
				t.Errorf("%s → %s: Degrees says %d, Relations %d", caller, member, degrees[member], r.Degree)
			}
		}
	}
}
