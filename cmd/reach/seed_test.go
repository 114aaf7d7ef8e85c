package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeedOut runs `reach seed --out` end to end on a small network: the CSV files the offline
// importer reads, with their headers, and a summary of rows per second.
func TestSeedOut(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"seed", "--members", "3000", "--avg-degree", "20", "--seed", "7", "--out", dir}
	if err := run(context.Background(), args, &out, func(string) string { return "" }); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, name := range []string{"members", "connections", "blocks", "invitations", "messages", "declines"} {
		f, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s.csv: %v", name, err)
		}
		if len(rows) < 2 || !strings.Contains(strings.Join(rows[0], ","), ":") {
			t.Errorf("%s.csv: %d rows, header %v", name, len(rows), rows[0])
		}
		if name == "members" && len(rows) != 3001 {
			t.Errorf("members.csv has %d members, want 3000", len(rows)-1)
		}
	}
	if !strings.Contains(out.String(), "total") {
		t.Errorf("no summary in the output:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"seed", "--seed", "3"}, &out, func(string) string { return "" }); err == nil {
		t.Error("--seed without --members was accepted")
	}
}
