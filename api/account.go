package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// This file serves account closure (DELETE /v1/me, DELETE /v1/admin/members/{id}) and the
// account's export (GET /v1/me/export).

// Accounts is what closing and exporting an account ask of the graph.
type Accounts interface {
	CloseAccount(ctx context.Context, id string) (closed bool, err error)
	ReadAccount(ctx context.Context, id string, read func(graph.Account) error) error
}

const (
	// exportRoute is the export's route: it streams, so it has a longer deadline than other reads.
	exportRoute = "/v1/me/export"
	// exportTimeout bounds an export: its read transaction and the writing of the answer.
	exportTimeout = 2 * time.Minute
)

// closeMe closes the caller's own account: 204. The token's member is gone afterwards, so the
// same token is answered 401 from then on, this route included.
func (h *handlers) closeMe(c echo.Context) error {
	return h.closeAccount(c, callerOf(c).id)
}

// closeMember closes a member's account for an administrator: 204, also when there is no such
// account (closed already, or never created), since the outcome is the same.
func (h *handlers) closeMember(c echo.Context) error {
	id, err := memberParam(c, "id")
	if err != nil {
		return err
	}
	return h.closeAccount(c, id)
}

// closeAccount closes id's account, forgets that the member exists and ends their event streams.
func (h *handlers) closeAccount(c echo.Context, id string) error {
	if _, err := h.Accounts.CloseAccount(c.Request().Context(), id); err != nil {
		return err
	}
	h.known.forget(id)
	h.events.end(id)
	return c.NoContent(http.StatusNoContent)
}

// export streams everything reach holds about the caller as one JSON object, one section after
// another, each item encoded on its own: an account of any size is written with the memory of a
// batch of rows. A failure before the first byte is answered as a problem; one after it cuts the
// answer short, which leaves the JSON unterminated, so a client can tell.
func (h *handlers) export(c echo.Context) error {
	_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(exportTimeout + 10*time.Second))
	return h.Accounts.ReadAccount(c.Request().Context(), callerOf(c).id, func(a graph.Account) error {
		res := c.Response()
		res.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		res.Header().Set(echo.HeaderCacheControl, "no-store")
		res.WriteHeader(http.StatusOK)
		return writeExport(res, a)
	})
}

// exportSection writes one key of the export document.
type exportSection struct {
	key   string
	write func(w *exportWriter, a graph.Account) error
}

// exportSections are the export's keys, in order. A new kind of data the member owns is one more
// section: a function writing one value or one list.
var exportSections = []exportSection{
	{"profile", exportProfile},
	{"settings", exportSettings},
	{"plan", exportPlan},
	{"connections", exportConnections},
	{"positions", exportPositions},
	{"groups", exportGroups},
	{"invitationsSent", exportInvitations(graph.BoxSent)},
	{"invitationsReceived", exportInvitations(graph.BoxReceived)},
	{"messagesSent", exportMessages(false)},
	{"messagesReceived", exportMessages(true)},
	{"conversations", exportConversations},
	{"blocks", exportBlocks},
	{"reports", exportReports},
}

// writeExport writes the whole document: {"exportedAt": ..., then one key per section}.
func writeExport(out io.Writer, a graph.Account) error {
	w := newExportWriter(out)
	w.raw("{")
	w.key("exportedAt")
	w.value(time.Now().UTC())
	for _, s := range exportSections {
		w.raw(",")
		w.key(s.key)
		if err := s.write(w, a); err != nil {
			return fmt.Errorf("export %s: %w", s.key, err)
		}
	}
	w.raw("}\n")
	return w.err
}

func exportProfile(w *exportWriter, a graph.Account) error {
	m := a.Member()
	w.value(exportProfileView{ID: m.ID, Name: m.Name, Headline: m.Headline, Company: m.Company, Restricted: m.Restricted})
	return w.err
}

func exportSettings(w *exportWriter, a graph.Account) error {
	w.value(toMeView(a.Member()).Settings)
	return w.err
}

func exportPlan(w *exportWriter, a graph.Account) error {
	m := a.Member()
	w.value(exportPlanView{Plan: m.Plan, InMailCredits: m.InMailCredits})
	return w.err
}

func exportConnections(w *exportWriter, a graph.Account) error {
	return w.list(func(item func(any)) error {
		return a.Connections(func(c graph.Connection) error {
			item(exportConnectionView{ID: c.Member.ID, Name: c.Member.Name, Headline: c.Member.Headline, Since: c.Since})
			return w.err
		})
	})
}

func exportInvitations(box graph.Box) func(*exportWriter, graph.Account) error {
	return func(w *exportWriter, a graph.Account) error {
		return w.list(func(item func(any)) error {
			return a.Invitations(box, func(i graph.Invitation) error {
				item(toInvitationView(i))
				return w.err
			})
		})
	}
}

func exportMessages(incoming bool) func(*exportWriter, graph.Account) error {
	return func(w *exportWriter, a graph.Account) error {
		return w.list(func(item func(any)) error {
			return a.Messages(incoming, func(m graph.AccountMessage) error {
				item(toExportMessageView(m))
				return w.err
			})
		})
	}
}

// exportConversationView is the member's side of a conversation in the export.
type exportConversationView struct {
	ID            string                 `json:"id"`
	With          partyView              `json:"with"`
	Kind          graph.ConversationKind `json:"kind"`
	Box           graph.ConversationBox  `json:"box"`
	Archived      bool                   `json:"archived"`
	Muted         bool                   `json:"muted"`
	UnreadCount   int                    `json:"unreadCount"`
	LastMessageID *string                `json:"lastMessageId"`
	LastAt        *time.Time             `json:"lastActivityAt"`
}

func exportConversations(w *exportWriter, a graph.Account) error {
	return w.list(func(item func(any)) error {
		return a.Conversations(func(c graph.AccountConversation) error {
			v := exportConversationView{ID: c.ID, With: toPartyView(c.With), Kind: c.Kind, Box: c.Box,
				Archived: c.Archived, Muted: c.Muted, UnreadCount: c.UnreadCount}
			if c.LastMessageID != "" {
				v.LastMessageID, v.LastAt = &c.LastMessageID, &c.LastAt
			}
			item(v)
			return w.err
		})
	})
}

func exportPositions(w *exportWriter, a graph.Account) error {
	return w.list(func(item func(any)) error {
		return a.Positions(func(p graph.HeldPosition) error {
			item(exportPositionView{Org: organisationView{ID: p.Org.ID, Name: p.Org.Name, Kind: p.Org.Kind},
				Title: p.Title, From: p.From, To: p.To})
			return w.err
		})
	})
}

func exportGroups(w *exportWriter, a graph.Account) error {
	return w.list(func(item func(any)) error {
		return a.Groups(func(m graph.Membership) error {
			item(exportGroupView{ID: m.Group.ID, Name: m.Group.Name, Joined: m.Joined})
			return w.err
		})
	})
}

func exportBlocks(w *exportWriter, a graph.Account) error {
	return w.list(func(item func(any)) error {
		return a.Blocks(func(b graph.BlockedMember) error {
			item(blockedView{ID: b.Member.ID, Name: b.Member.Name, Headline: b.Member.Headline, BlockedAt: b.BlockedAt})
			return w.err
		})
	})
}

func exportReports(w *exportWriter, a graph.Account) error {
	return w.list(func(item func(any)) error {
		return a.Reports(func(r graph.FiledReport) error {
			item(exportReportView{Member: r.Member, Reason: r.Reason, Message: optionalString(r.MessageID), At: r.At})
			return w.err
		})
	})
}

// exportWriter writes a JSON document piece by piece; the first failure sticks in err and makes
// every later write a no-op.
type exportWriter struct {
	out io.Writer
	enc *json.Encoder
	err error
}

func newExportWriter(out io.Writer) *exportWriter {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return &exportWriter{out: out, enc: enc}
}

func (w *exportWriter) raw(s string) {
	if w.err == nil {
		_, w.err = io.WriteString(w.out, s)
	}
}

func (w *exportWriter) key(k string) {
	w.value(k)
	w.raw(":")
}

func (w *exportWriter) value(v any) {
	if w.err == nil {
		w.err = w.enc.Encode(v)
	}
}

// list writes a JSON array of the items fill hands to item.
func (w *exportWriter) list(fill func(item func(any)) error) error {
	w.raw("[")
	first := true
	err := fill(func(v any) {
		if !first {
			w.raw(",")
		}
		first = false
		w.value(v)
	})
	w.raw("]")
	if err != nil {
		return err
	}
	return w.err
}

type exportProfileView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Headline   string `json:"headline"`
	Company    string `json:"company"`
	Restricted bool   `json:"restricted"`
}

type exportPlanView struct {
	Plan          graph.Plan `json:"plan"`
	InMailCredits int        `json:"inmailCredits"`
}

type exportConnectionView struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Headline string    `json:"headline"`
	Since    time.Time `json:"since"`
}

type exportPositionView struct {
	Org   organisationView `json:"org"`
	Title string           `json:"title"`
	From  int              `json:"from"`
	To    *int             `json:"to"`
}

type exportGroupView struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Joined time.Time `json:"joined"`
}

type exportReportView struct {
	Member  string             `json:"member"`
	Reason  graph.ReportReason `json:"reason"`
	Message *string            `json:"message"`
	At      time.Time          `json:"at"`
}

// exportMessageView is a message with everything reach holds of it for the account's member.
type exportMessageView struct {
	messageView
	Channel     graph.Channel `json:"channel"`
	Cost        int           `json:"cost"`
	ReadAt      *time.Time    `json:"readAt"`
	AnsweredAt  *time.Time    `json:"answeredAt"`
	DeclineNote *string       `json:"declineNote"`
	Deleted     bool          `json:"deleted"`
}

func toExportMessageView(m graph.AccountMessage) exportMessageView {
	return exportMessageView{
		messageView: toMessageView(m.Message), Channel: m.Channel, Cost: m.Cost,
		ReadAt: optionalTime(m.ReadAt), AnsweredAt: optionalTime(m.AnsweredAt),
		DeclineNote: optionalString(m.DeclineNote), Deleted: m.Deleted,
	}
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
