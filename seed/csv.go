package seed

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/graph"
)

// The CSV files of a network, in the layout `neo4j-admin database import full` reads: RFC 4180
// with a header row of typed columns, datetimes in ISO 8601 UTC, an empty field for a property
// left out. No field holds a line break, so the importer needs no --multiline-fields.
var csvFiles = [...]struct{ name, header string }{
	{"members.csv", "id:ID(Member),:LABEL,name,nameLower,headline,company,inmailCredits:long,plan,planGrantedAt:datetime,restricted:boolean,inmail,openProfile:boolean,profileVisibility,connectionsVisibility,searchable:boolean,createdAt:datetime,connectionsVersion:long"},
	{"connections.csv", ":START_ID(Member),:END_ID(Member),:TYPE,since:datetime"},
	{"blocks.csv", ":START_ID(Member),:END_ID(Member),:TYPE,at:datetime"},
	{"invitations.csv", ":START_ID(Member),:END_ID(Member),:TYPE,id,note,sentAt:datetime"},
	{"messages.csv", ":START_ID(Member),:END_ID(Member),:TYPE,id,threadId,kind,channel,cost:long,subject,body,bodyHash,attachments,sentAt:datetime,readAt:datetime,status,refunded:boolean,deletedBySender:boolean,deletedByRecipient:boolean,creditsAfter:long,inboxKey,requestKey,sentKey"},
	{"declines.csv", ":START_ID(Member),:END_ID(Member),:TYPE,at:datetime,messageId"},
	{"reports.csv", ":START_ID(Member),:END_ID(Member),:TYPE,reason,at:datetime"},
	{"conversations.csv", "id:ID(Conversation),:LABEL"},
	{"sides.csv", ":START_ID(Member),:END_ID(Conversation),:TYPE,archived:boolean,muted:boolean,filed"},
	{"organisations.csv", "id:ID(Organisation),:LABEL,name,kind"},
	{"groups.csv", "id:ID(Group),:LABEL,name"},
	{"positions.csv", ":START_ID(Member),:END_ID(Organisation),:TYPE,title,from:long,to:long"},
	{"memberships.csv", ":START_ID(Member),:END_ID(Group),:TYPE,since:datetime"},
}

// File is one CSV file written: its name, data rows and size in bytes.
type File struct {
	Name  string
	Rows  int
	Bytes int64
}

// WriteCSV writes the network into dir, which it creates if needed, as the CSV files
// `neo4j-admin database import full` reads; it overwrites files of the same names. The rows are
// the ones Member, Connection, Block, Invitation, Message, Side, Decline and Report return, so a
// network imported from the files equals one loaded through the store once Store.Migrate has built
// the conversations of the sides (conversations.csv holds only their ids).
func (g *Generated) WriteCSV(dir string, progress Progress) ([]File, error) {
	if progress == nil {
		progress = silent{}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f := csvFormat{g: g, days: g.dayTable(), versions: g.versionBase()}
	counts := g.Counts()
	f.conversations = g.sideConversations()
	rows := [len(csvFiles)]int{counts.Members, counts.Connections, counts.Blocks, counts.Invitations, counts.Messages, counts.Declines, counts.Reports,
		len(f.conversations), counts.Sides, counts.Organisations, counts.Groups, counts.Positions, counts.Memberships}
	formats := [len(csvFiles)]func([]byte, int) []byte{f.member, f.connection, f.block, f.invitation, f.message, f.decline, f.report,
		f.conversation, f.side, f.organisation, f.group, f.position, f.membership}
	var out []File
	for i, file := range csvFiles {
		progress.Start("write "+file.name, int64(rows[i]))
		size, err := writeCSV(filepath.Join(dir, file.name), file.header, rows[i], formats[i], progress)
		progress.Done()
		if err != nil {
			return out, err
		}
		out = append(out, File{Name: file.name, Rows: rows[i], Bytes: size})
	}
	return out, nil
}

// writeCSV writes a header and rows to a new file at path. Pieces of rows are formatted on
// every CPU and written in order.
func writeCSV(path, header string, rows int, format func([]byte, int) []byte, progress Progress) (size int64, err error) {
	file, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(file, 1<<20)
	if _, err := w.WriteString(header + "\n"); err != nil {
		return 0, err
	}

	const piece = 1 << 14
	pieces := (rows + piece - 1) / piece
	workers := runtime.GOMAXPROCS(0)
	results := make([]chan []byte, pieces)
	for p := range results {
		results[p] = make(chan []byte, 1)
	}
	// A worker takes a slot before it takes the next piece, so the lowest piece not yet written
	// always holds one: the writer never waits on a piece that waits on a slot.
	slots := make(chan struct{}, 2*workers)
	free := make(chan []byte, 2*workers) // buffers written out, for reuse
	var next atomic.Int64
	quit := make(chan struct{})
	defer close(quit)
	for range min(workers, pieces) {
		go func() {
			for {
				select {
				case slots <- struct{}{}:
				case <-quit:
					return
				}
				p := int(next.Add(1) - 1)
				if p >= pieces {
					<-slots
					return
				}
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				buf = buf[:0]
				for k := p * piece; k < min(rows, (p+1)*piece); k++ {
					buf = format(buf, k)
				}
				results[p] <- buf
			}
		}()
	}
	for p := range pieces {
		buf := <-results[p]
		if _, err := w.Write(buf); err != nil {
			return 0, err
		}
		select {
		case free <- buf:
		default:
		}
		<-slots
		progress.Add(int64(min(piece, rows-p*piece)))
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	info, err := file.Stat()
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// csvFormat appends the rows of each file.
type csvFormat struct {
	g             *Generated
	days          []string // "2026-11-01T" for each day since the origin
	versions      uint64   // where the members' connections versions are drawn from (versionBase)
	conversations []int    // the conversations of the sides, as the index of their first side
}

// versionBase seeds the connections versions the files give members. A connections version
// stamps cached connection lists (graph/neo4jstore/neighbours.go) and must never name two lists of one
// member, even across databases: the same network always gets the same versions, any other
// network (another seed or size) others, 53 bits apart at random, as the store draws them.
func (g *Generated) versionBase() uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%#v", g.spec)
	return h.Sum64()
}

// connectionsVersion is member i's connections version in the files.
func (f *csvFormat) connectionsVersion(i int) int64 {
	return int64(mix(f.versions+uint64(i)) & (1<<53 - 1))
}

// dayTable formats every day of the network's history once, so a datetime takes no formatting.
func (g *Generated) dayTable() []string {
	days := make([]string, g.now/day+1)
	for d := range days {
		days[d] = g.origin.AddDate(0, 0, d).Format("2006-01-02T")
	}
	return days
}

// stamp appends a time of the network as 2026-11-25T17:00:00Z.
func (f *csvFormat) stamp(b []byte, s stamp) []byte {
	b = append(b, f.days[s/day]...)
	sec := int(s % day)
	h, m, x := sec/3600, sec/60%60, sec%60
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+x/10), byte('0'+x%10), 'Z')
}

// time appends a time that is one of the network's, or nothing for the zero time.
func (f *csvFormat) time(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return f.stamp(b, stamp(t.Unix()-f.g.origin.Unix()))
}

// field appends a text field, quoted when it holds a comma or a quote.
func field(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := range len(s) {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func (f *csvFormat) member(b []byte, i int) []byte {
	m := f.g.Member(i)
	b = append(b, m.ID...)
	b = append(b, ",Member,"...)
	b = append(field(b, m.Name), ',')
	b = append(field(b, strings.ToLower(m.Name)), ',')
	b = append(field(b, m.Headline), ',')
	b = append(field(b, m.Company), ',')
	b = append(strconv.AppendInt(b, int64(m.InMailCredits), 10), ',')
	b = append(b, m.Plan...)
	b = append(f.time(append(b, ','), m.PlanGrantedAt), ',')
	b = append(strconv.AppendBool(b, m.Restricted), ',')
	b = append(append(b, m.Settings.InMail...), ',')
	b = append(strconv.AppendBool(b, m.Settings.OpenProfile), ',')
	b = append(append(b, m.Settings.ProfileVisibility...), ',')
	b = append(append(b, m.Settings.ConnectionsVisibility...), ',')
	b = append(strconv.AppendBool(b, m.Settings.Searchable), ',')
	b = append(f.time(b, m.CreatedAt), ',')
	return append(strconv.AppendInt(b, f.connectionsVersion(i), 10), '\n')
}

// connection appends the k-th connection without building its strings: there are tens of
// millions. The ends go in id order, as Connection returns them.
func (f *csvFormat) connection(b []byte, k int) []byte {
	g := f.g
	key := g.edges[k]
	lo, hi := unpair(key)
	start := len(b)
	b = g.appendID(b, lo)
	mid := len(b)
	b = g.appendID(append(b, ','), hi)
	if bytes.Compare(b[start:mid], b[mid+1:]) > 0 {
		b = g.appendID(append(g.appendID(b[:start], hi), ','), lo)
	}
	b = append(b, ",CONNECTED_TO,"...)
	return append(f.stamp(b, g.since(key)), '\n')
}

func (g *Generated) appendID(b []byte, i uint32) []byte {
	b = append(b, g.spec.IDPrefix...)
	return strconv.AppendUint(append(b, 'm'), uint64(i), 10)
}

func (f *csvFormat) organisation(b []byte, k int) []byte {
	o := f.g.Organisation(k)
	b = append(append(b, o.ID...), ",Organisation,"...)
	b = append(field(b, o.Name), ',')
	return append(append(b, o.Kind...), '\n')
}

func (f *csvFormat) group(b []byte, k int) []byte {
	g := f.g.Group(k)
	b = append(append(b, g.ID...), ",Group,"...)
	return append(field(b, g.Name), '\n')
}

func (f *csvFormat) position(b []byte, k int) []byte {
	p := f.g.Position(k)
	b = append(append(b, p.Member...), ',')
	b = append(append(b, p.Org...), ",HELD,"...)
	b = append(field(b, p.Title), ',')
	b = append(strconv.AppendInt(b, int64(p.From), 10), ',')
	if p.To != nil {
		b = strconv.AppendInt(b, int64(*p.To), 10)
	}
	return append(b, '\n')
}

func (f *csvFormat) membership(b []byte, k int) []byte {
	m := f.g.Membership(k)
	b = append(append(b, m.Member...), ',')
	b = append(append(b, m.Group...), ",MEMBER_OF,"...)
	return append(f.time(b, m.Since), '\n')
}

func (f *csvFormat) block(b []byte, k int) []byte {
	x := f.g.Block(k)
	b = append(append(b, x.By...), ',')
	b = append(append(b, x.Member...), ",BLOCKED,"...)
	return append(f.time(b, x.At), '\n')
}

func (f *csvFormat) report(b []byte, k int) []byte {
	x := f.g.Report(k)
	b = append(append(b, x.By...), ',')
	b = append(append(b, x.Member...), ",REPORTED,"...)
	b = append(append(b, x.Reason...), ',')
	return append(f.time(b, x.At), '\n')
}

func (f *csvFormat) invitation(b []byte, k int) []byte {
	x := f.g.Invitation(k)
	b = append(append(b, x.From...), ',')
	b = append(append(b, x.To...), ",INVITED,"...)
	b = append(append(b, x.ID...), ',')
	b = append(field(b, x.Note), ',')
	return append(f.time(b, x.SentAt), '\n')
}

func (f *csvFormat) message(b []byte, k int) []byte {
	x := f.g.Message(k)
	attachments, err := json.Marshal(x.Attachments)
	if err != nil {
		panic(fmt.Sprintf("seed: attachments of %s: %v", x.ID, err)) // plain structs always marshal
	}
	b = append(append(b, x.From...), ',')
	b = append(append(b, x.To...), ",MESSAGED,"...)
	b = append(append(b, x.ID...), ',')
	b = append(append(b, graph.ThreadID(x.From, x.To)...), ',')
	b = append(append(b, x.Channel.Kind()...), ',')
	b = append(append(b, x.Channel...), ',')
	b = append(strconv.AppendInt(b, int64(x.Cost), 10), ',')
	b = append(field(b, x.Subject), ',')
	b = append(field(b, x.Body), ',')
	b = append(append(b, graph.BodyHash(x.Body)...), ',')
	b = append(field(b, string(attachments)), ',')
	b = append(f.time(b, x.SentAt), ',')
	b = append(f.time(b, x.ReadAt), ',')
	b = append(append(b, x.Status...), ',')
	b = append(strconv.AppendBool(b, x.Refunded), ',')
	b = append(strconv.AppendBool(b, x.DeletedBySender), ',')
	b = append(strconv.AppendBool(b, x.DeletedByRecipient), ',')
	b = append(strconv.AppendInt(b, int64(x.CreditsAfter), 10), ',')
	sentAt := time.Unix(x.SentAt.Unix(), 0) // as the file has it, to the second
	inbox, requests := graph.RecipientKeys(x.To, x.Channel.Kind(), x.Status, x.DeletedByRecipient, sentAt, x.ID)
	b = append(append(append(append(b, inbox...), ','), requests...), ',')
	if !x.DeletedBySender {
		b = append(b, graph.MailboxKey(x.From, sentAt, x.ID)...)
	}
	return append(b, '\n')
}

func (f *csvFormat) decline(b []byte, k int) []byte {
	x := f.g.Decline(k)
	b = append(append(b, x.By...), ',')
	b = append(append(b, x.Sender...), ",DECLINED,"...)
	b = append(f.time(b, x.At), ',')
	return append(append(b, x.MessageID...), '\n')
}

// conversation appends the k-th conversation a member chose something of: its id alone, which
// Store.Migrate finds without a kind and builds from its messages, keeping the sides' choices.
func (f *csvFormat) conversation(b []byte, k int) []byte {
	x := f.g.Side(f.conversations[k])
	return append(append(b, graph.ThreadID(x.Member, x.With)...), ",Conversation\n"...)
}

func (f *csvFormat) side(b []byte, k int) []byte {
	x := f.g.Side(k)
	b = append(append(b, x.Member...), ',')
	b = append(append(b, graph.ThreadID(x.Member, x.With)...), ",IN,"...)
	b = append(strconv.AppendBool(b, x.Archived), ',')
	b = append(strconv.AppendBool(b, x.Muted), ',')
	if x.Other {
		b = append(b, graph.BoxOther...)
	}
	return append(b, '\n')
}
