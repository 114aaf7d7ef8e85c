package seed

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// The layout agreed with the importer, copied from the agreement word for word.
var wantHeaders = map[string]string{
	"members.csv":       "id:ID(Member),:LABEL,name,nameLower,headline,company,inmailCredits:long,plan,planGrantedAt:datetime,restricted:boolean,inmail,openProfile:boolean,profileVisibility,connectionsVisibility,searchable:boolean,createdAt:datetime,connectionsVersion:long",
	"connections.csv":   ":START_ID(Member),:END_ID(Member),:TYPE,since:datetime",
	"blocks.csv":        ":START_ID(Member),:END_ID(Member),:TYPE,at:datetime",
	"invitations.csv":   ":START_ID(Member),:END_ID(Member),:TYPE,id,note,sentAt:datetime",
	"messages.csv":      ":START_ID(Member),:END_ID(Member),:TYPE,id,threadId,kind,channel,cost:long,subject,body,bodyHash,attachments,sentAt:datetime,readAt:datetime,status,refunded:boolean,deletedBySender:boolean,deletedByRecipient:boolean,creditsAfter:long,inboxKey,requestKey,sentKey",
	"declines.csv":      ":START_ID(Member),:END_ID(Member),:TYPE,at:datetime,messageId",
	"reports.csv":       ":START_ID(Member),:END_ID(Member),:TYPE,reason,at:datetime",
	"organisations.csv": "id:ID(Organisation),:LABEL,name,kind",
	"groups.csv":        "id:ID(Group),:LABEL,name",
	"conversations.csv": "id:ID(Conversation),:LABEL",
	"sides.csv":         ":START_ID(Member),:END_ID(Conversation),:TYPE,archived:boolean,muted:boolean,filed",
	"positions.csv":     ":START_ID(Member),:END_ID(Organisation),:TYPE,title,from:long,to:long",
	"memberships.csv":   ":START_ID(Member),:END_ID(Group),:TYPE,since:datetime",
}

// TestCSVLayout writes a network and reads every file back as RFC 4180: the agreed headers,
// values of the declared types, one record per line, and the same rows the store is given.
func TestCSVLayout(t *testing.T) {
	g := generate(t, Spec{Members: 3000, AvgDegree: 20, Seed: 5, IDPrefix: "c_"})
	dir := t.TempDir()
	files, err := g.WriteCSV(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(wantHeaders) {
		t.Fatalf("wrote %d files, want %d", len(files), len(wantHeaders))
	}
	records := map[string][][]string{}
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(raw)) != f.Bytes {
			t.Errorf("%s: reported %d bytes, holds %d", f.Name, f.Bytes, len(raw))
		}
		if header, _, _ := strings.Cut(string(raw), "\n"); header != wantHeaders[f.Name] {
			t.Errorf("%s header:\n got %s\nwant %s", f.Name, header, wantHeaders[f.Name])
		}
		r := csv.NewReader(strings.NewReader(string(raw)))
		all, err := r.ReadAll() // also checks that every record has the header's field count
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if lines := strings.Count(string(raw), "\n"); lines != len(all) || len(all)-1 != f.Rows {
			t.Errorf("%s: %d lines, %d records, %d rows reported: a field spans lines", f.Name, lines, len(all), f.Rows)
		}
		records[f.Name] = all
		checkTypes(t, f.Name, all)
	}

	ids := map[string]bool{}
	for _, rec := range records["members.csv"][1:] {
		if ids[rec[0]] || rec[1] != "Member" || rec[3] != strings.ToLower(rec[2]) {
			t.Errorf("member row %v: repeated id, wrong label or nameLower", rec)
		}
		ids[rec[0]] = true
	}
	types := map[string]string{"connections.csv": "CONNECTED_TO", "blocks.csv": "BLOCKED", "invitations.csv": "INVITED",
		"messages.csv": "MESSAGED", "declines.csv": "DECLINED", "reports.csv": "REPORTED"}
	for name, typ := range types {
		for _, rec := range records[name][1:] {
			if !ids[rec[0]] || !ids[rec[1]] || rec[2] != typ {
				t.Fatalf("%s row %v: unknown member or type other than %s", name, rec, typ)
			}
			if name == "connections.csv" && rec[0] >= rec[1] {
				t.Fatalf("connection %s, %s: START not before END", rec[0], rec[1])
			}
		}
	}
	for k, rec := range records["messages.csv"][1:] {
		m := g.Message(k)
		if rec[3] != m.ID || rec[4] != graph.ThreadID(rec[0], rec[1]) || rec[9] != m.Body || rec[10] != graph.BodyHash(m.Body) {
			t.Fatalf("message row %v: id, threadId, body or bodyHash do not match %+v", rec, m)
		}
		var attachments []graph.Attachment
		if err := json.Unmarshal([]byte(rec[11]), &attachments); err != nil || len(attachments) != len(m.Attachments) {
			t.Fatalf("message %s attachments %q: %v", m.ID, rec[11], err)
		}
		if rec[5] != string(m.Channel.Kind()) || (rec[5] == "inmail") != (rec[14] != "") {
			t.Errorf("message %s: kind %q, status %q", m.ID, rec[5], rec[14])
		}
		sentAt := m.SentAt.Truncate(time.Second)
		inbox, requests := graph.RecipientKeys(m.To, m.Channel.Kind(), m.Status, m.DeletedByRecipient, sentAt, m.ID)
		sent := graph.MailboxKey(m.From, sentAt, m.ID)
		if m.DeletedBySender {
			sent = ""
		}
		if rec[19] != inbox || rec[20] != requests || rec[21] != sent {
			t.Errorf("message %s: mailbox keys %q, %q, %q, want %q, %q, %q", m.ID, rec[19], rec[20], rec[21], inbox, requests, sent)
		}
	}
	checkSides(t, g, ids, records["conversations.csv"], records["sides.csv"])
	ends := map[string]map[string]bool{"Organisation": {}, "Group": {}}
	for _, name := range []string{"organisations.csv", "groups.csv"} {
		for _, rec := range records[name][1:] {
			ends[rec[1]][rec[0]] = true
		}
	}
	for name, end := range map[string]string{"positions.csv": "Organisation", "memberships.csv": "Group"} {
		typ := map[string]string{"Organisation": "HELD", "Group": "MEMBER_OF"}[end]
		for _, rec := range records[name][1:] {
			if !ids[rec[0]] || !ends[end][rec[1]] || rec[2] != typ {
				t.Fatalf("%s row %v: unknown member or %s, or type other than %s", name, rec, end, typ)
			}
		}
	}
	for k, rec := range records["connections.csv"][1:] {
		c := g.Connection(k)
		if rec[0] != c.A || rec[1] != c.B || rec[3] != c.Since.UTC().Format(time.RFC3339) {
			t.Fatalf("connection row %v, want %+v", rec, c)
		}
	}
}

// checkSides checks the conversations and sides files against the sides the store is given: each
// side in a conversation of the file, of its member and the member it is with, each conversation
// once and with a side.
func checkSides(t *testing.T, g *Generated, members map[string]bool, conversations, sides [][]string) {
	t.Helper()
	listed := map[string]bool{}
	for _, rec := range conversations[1:] {
		if listed[rec[0]] || rec[1] != "Conversation" {
			t.Fatalf("conversation row %v: repeated id or wrong label", rec)
		}
		listed[rec[0]] = true
	}
	with := map[string]bool{}
	for k, rec := range sides[1:] {
		x := g.Side(k)
		thread := graph.ThreadID(x.Member, x.With)
		if rec[0] != x.Member || rec[1] != thread || rec[2] != "IN" || !members[rec[0]] || !listed[thread] ||
			rec[3] != strconv.FormatBool(x.Archived) || rec[4] != strconv.FormatBool(x.Muted) || (rec[5] == "other") != x.Other {
			t.Fatalf("side row %v, want %+v in a listed conversation", rec, x)
		}
		with[thread] = true
	}
	if len(with) != len(listed) || len(sides) < 2 {
		t.Errorf("%d conversations listed, %d with a side", len(listed), len(with))
	}
}

// checkTypes checks that each value of a typed column parses as its type.
func checkTypes(t *testing.T, name string, records [][]string) {
	t.Helper()
	header := records[0]
	for _, rec := range records[1:] {
		for i, v := range rec {
			if v == "" {
				continue
			}
			_, typ, _ := strings.Cut(header[i], ":")
			var err error
			switch typ {
			case "datetime":
				var at time.Time
				at, err = time.Parse(time.RFC3339, v)
				if err == nil && (!strings.HasSuffix(v, "Z") || at.Nanosecond() != 0) {
					err = strconv.ErrSyntax
				}
			case "long":
				_, err = strconv.ParseInt(v, 10, 64)
			case "boolean":
				if v != "true" && v != "false" {
					err = strconv.ErrSyntax
				}
			}
			if err != nil {
				t.Fatalf("%s: %s = %q: %v", name, header[i], v, err)
			}
		}
	}
}

// TestOfflineImportChecksKinds runs the offline import's check of a CSV directory
// (launcher/common.sh, import_plan) on the files WriteCSV writes, which it takes, and on an
// organisation of an unknown kind and one of none, which it refuses, naming their lines and kinds.
func TestOfflineImportChecksKinds(t *testing.T) {
	for _, tool := range []string{"bash", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
	}
	dir := t.TempDir()
	if _, err := generate(t, Spec{Members: 500, AvgDegree: 10, Seed: 5}).WriteCSV(dir, nil); err != nil {
		t.Fatal(err)
	}
	plan := func() (string, error) {
		script := `say() { echo "$*" >&2; }; die() { say "error: $*"; exit 1; }; . launcher/common.sh; import_plan "$1" /import`
		cmd := exec.Command("bash", "-c", script, "bash", dir)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := plan(); err != nil {
		t.Fatalf("the generated files were refused: %v\n%s", err, out)
	}
	orgs := filepath.Join(dir, "organisations.csv")
	raw, err := os.ReadFile(orgs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(raw), "\n")
	raw = append(raw, "x1,Organisation,\"Club, the\",club\nx2,Organisation,Nameless,\n"...)
	if err := os.WriteFile(orgs, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := plan()
	for _, want := range []string{
		fmt.Sprintf(`line %d: organisation x1 has kind "club"`, lines+1),
		fmt.Sprintf(`line %d: organisation x2 has kind ""`, lines+2),
	} {
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("unknown kinds: %v, output does not say %q:\n%s", err, want, out)
		}
	}
}
