package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// Messages is what the message routes ask of the graph: sending, the mailboxes and threads, and
// answering InMails and message requests.
type Messages interface {
	Send(ctx context.Context, caller string, d graph.Draft, key string) (graph.Sent, error)
	Mailbox(ctx context.Context, caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest) (graph.Page[graph.Envelope], error)
	Message(ctx context.Context, caller, id string) (graph.Message, error)
	Thread(ctx context.Context, caller, threadID string, page graph.PageRequest) (graph.Page[graph.Message], error)
	Decline(ctx context.Context, caller, id, note string) (graph.Message, error)
	Accept(ctx context.Context, caller, id string) (graph.Message, error)
	DeleteMessage(ctx context.Context, caller, id string) error
}

// Attachment limits.
const (
	maxAttachmentName = 255
	maxContentType    = 255
	maxAttachmentURL  = 2048
	maxAttachmentSize = 1 << 30
	maxIdempotencyKey = 255
)

// sendRequest holds the attachments undecoded, so that a refusal inside one names it by position,
// as the validation of its values does.
type sendRequest struct {
	To          string            `json:"to"`
	Subject     string            `json:"subject"`
	Body        *string           `json:"body"`
	Attachments []json.RawMessage `json:"attachments"`
}

// send sends a message under the messaging rules; an Idempotency-Key makes retries safe.
func (h *handlers) send(c echo.Context) error {
	key := c.Request().Header.Get("Idempotency-Key")
	_, keySent := c.Request().Header["Idempotency-Key"]
	if (keySent && key == "") || len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return invalid("Idempotency-Key", "Idempotency-Key must be 1 to %d visible ASCII characters", maxIdempotencyKey)
	}
	var req sendRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	attachments, err := req.validate()
	if err != nil {
		return err
	}
	draft := graph.Draft{To: req.To, Subject: req.Subject, Body: *req.Body, Attachments: attachments}
	sent, err := h.Messages.Send(c.Request().Context(), callerOf(c).id, draft, key)
	var domErr *graph.Error
	if errors.As(err, &domErr) && domErr.Reason != "" {
		h.metrics.refusedMessage(domErr.Reason)
	}
	if err != nil {
		return err
	}
	if !sent.Replayed { // a retry's message was counted when first sent
		h.metrics.sentMessage(sent)
	}
	return c.JSON(http.StatusCreated, sentView{ID: sent.ID, ThreadID: sent.ThreadID, ConversationID: sent.ThreadID, Kind: sent.Kind, Cost: sent.Cost,
		InMailCredits: sent.InMailCredits})
}

// validate checks the request and returns its attachments, decoded.
func (r sendRequest) validate() ([]graph.Attachment, error) {
	switch {
	case r.To == "":
		return nil, invalid("to", "to is required")
	case !graph.ValidMemberID(r.To):
		return nil, invalid("to", "to must be a member id: 1 to 64 letters, digits, '_' or '-'")
	case r.Body == nil || strings.TrimSpace(*r.Body) == "":
		return nil, invalid("body", "body is required")
	case len(r.Attachments) > graph.MaxAttachments:
		return nil, invalid("attachments", "at most %d attachments are allowed", graph.MaxAttachments)
	}
	if err := checkLength("body", *r.Body, graph.MaxBodyLength); err != nil {
		return nil, err
	}
	if err := checkLength("subject", r.Subject, graph.MaxSubjectLength); err != nil {
		return nil, err
	}
	return decodeAttachments(r.Attachments)
}

// decodeAttachments decodes and checks each attachment, naming the one at fault by position.
func decodeAttachments(raw []json.RawMessage) ([]graph.Attachment, error) {
	if raw == nil {
		return nil, nil
	}
	out := make([]graph.Attachment, len(raw))
	for i, r := range raw {
		if err := decodeElement("attachments", i, r, &out[i]); err != nil {
			return nil, err
		}
		if err := checkAttachment("attachments["+strconv.Itoa(i)+"].", out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkAttachment checks the values of one attachment, whose fields are named after prefix.
func checkAttachment(prefix string, a graph.Attachment) error {
	field := func(name string) string { return prefix + name }
	switch {
	case strings.TrimSpace(a.Name) == "" || len([]rune(a.Name)) > maxAttachmentName:
		return invalid(field("name"), "%s must be 1 to %d characters", field("name"), maxAttachmentName)
	case !validContentType(a.ContentType):
		return invalid(field("contentType"), "%s must be a media type such as application/pdf", field("contentType"))
	case a.Size < 0 || a.Size > maxAttachmentSize:
		return invalid(field("size"), "%s must be from 0 to %d bytes", field("size"), maxAttachmentSize)
	case !validURL(a.URL):
		return invalid(field("url"), "%s must be an absolute http or https URL of at most %d characters", field("url"), maxAttachmentURL)
	}
	return nil
}

func validContentType(ct string) bool {
	typ, sub, ok := strings.Cut(ct, "/")
	return ok && typ != "" && sub != "" && len(ct) <= maxContentType && !strings.ContainsAny(ct, " \t\r\n")
}

func validURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && len(raw) <= maxAttachmentURL && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// mailbox serves the inbox (incoming) or the sent box.
func (h *handlers) mailbox(incoming bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		page, err := pageParams(c)
		if err != nil {
			return err
		}
		var filter graph.MailboxFilter
		switch kind := graph.MessageKind(c.QueryParam("kind")); kind {
		case "", graph.KindInMail, graph.KindMessage, graph.KindRequest:
			filter.Kind = kind
		default:
			return invalid("kind", "kind must be inmail, message or request, not %q", kind)
		}
		if incoming {
			switch box := c.QueryParam("box"); box {
			case "", "inbox":
			case "requests":
				filter.Requests = true
			default:
				return invalid("box", "box must be inbox or requests, not %q", box)
			}
		}
		switch u := c.QueryParam("unread"); u {
		case "", "false":
		case "true":
			filter.UnreadOnly = true
		default:
			return invalid("unread", "unread must be true or false, not %q", u)
		}
		p, err := h.Messages.Mailbox(c.Request().Context(), callerOf(c).id, incoming, filter, page)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toList(p, false, func(e graph.Envelope) envelopeView {
			return toEnvelopeView(e, incoming)
		}))
	}
}

func (h *handlers) message(c echo.Context) error {
	id, err := idParam(c, "id", "a message")
	if err != nil {
		return err
	}
	m, err := h.Messages.Message(c.Request().Context(), callerOf(c).id, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMessageView(m))
}

func (h *handlers) thread(c echo.Context) error {
	id, err := idParam(c, "threadId", "a thread")
	if err != nil {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := h.Messages.Thread(c.Request().Context(), callerOf(c).id, id, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, false, toMessageView))
}

type declineRequest struct {
	Note string `json:"note"`
}

func (h *handlers) declineInMail(c echo.Context) error {
	id, err := idParam(c, "id", "a message")
	if err != nil {
		return err
	}
	var req declineRequest
	if err := bindOptionalJSON(c, &req); err != nil {
		return err
	}
	if err := checkLength("note", req.Note, graph.MaxNoteLength); err != nil {
		return err
	}
	m, err := h.Messages.Decline(c.Request().Context(), callerOf(c).id, id, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMessageView(m))
}

// acceptRequest lets the recipient of a message request accept it.
func (h *handlers) acceptRequest(c echo.Context) error {
	id, err := idParam(c, "id", "a message")
	if err != nil {
		return err
	}
	m, err := h.Messages.Accept(c.Request().Context(), callerOf(c).id, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMessageView(m))
}

func (h *handlers) deleteMessage(c echo.Context) error {
	id, err := idParam(c, "id", "a message")
	if err != nil {
		return err
	}
	if err := h.Messages.DeleteMessage(c.Request().Context(), callerOf(c).id, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
