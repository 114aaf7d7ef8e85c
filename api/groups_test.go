package api

import (
	"encoding/json"
	"testing"
)

// TestPositionsAreCheckedByField checks that each bad position is refused naming the field at
// fault, by position in the list, and that positions left out stay nil.
func TestPositionsAreCheckedByField(t *testing.T) {
	if got, err := toPositions(nil); got != nil || err != nil {
		t.Errorf("no positions: %v, %v; want nil, nil", got, err)
	}
	for body, field := range map[string]string{
		`[{"org": "acme"}]`:                               "positions[0].from",
		`[{"org": "acme", "from": 1899}]`:                 "positions[0].from",
		`[{"org": "acme", "from": 2020, "to": 2019}]`:     "positions[0].to",
		`[{"org": "acme", "from": 2020, "to": 2101}]`:     "positions[0].to",
		`[{"org": "acme", "from": 2020}, {"from": 2020}]`: "positions[1].org",
		`[{"org": "a b", "from": 2020}]`:                  "positions[0].org",
		`[{"org": "acme", "from": "2020"}]`:               "positions[0].from",
		`[{"org": "acme", "from": 2020, "to": null}]`:     "positions[0].to",
		`[{"org": "acme", "from": 2020, "since": 2020}]`:  "positions[0].since",
		`[null]`: "positions[0]",
		`[{"org": "acme", "from": 2020, "title": 7}]`:    "positions[0].title",
		`[{"org": "acme", "from": 2020.5}]`:              "positions[0].from",
		`[{"org": "acme", "from": 2020, "to": 2020}, 3]`: "positions[1]",
	} {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(body), &raw); err != nil {
			t.Fatal(err)
		}
		_, err := toPositions(&raw)
		p, _ := toProblem(err)
		if err == nil || p.Field != field || p.Status != 400 {
			t.Errorf("%s: %v (field %q, status %d), want 400 naming %s", body, err, p.Field, p.Status, field)
		}
	}
	raw := []json.RawMessage{json.RawMessage(`{"org": "acme", "title": "CTO", "from": 2019}`), json.RawMessage(`{"org": "mit", "from": 2010, "to": 2014}`)}
	got, err := toPositions(&raw)
	if err != nil || len(*got) != 2 || (*got)[0].To != nil || *(*got)[1].To != 2014 {
		t.Errorf("good positions: %+v, %v", got, err)
	}
}
