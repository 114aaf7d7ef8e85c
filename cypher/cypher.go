// Package cypher holds every Cypher statement the service can run, one statement per file,
// embedded at build time so the text a reader sees is the text Neo4j receives, less its comments
// and indentation (compact.go). Statements take
// parameters only; nothing is ever pasted into them. A list comes inside a map parameter
// ($batch.members), never as a parameter of its own, which Neo4j would plan again for each order
// of magnitude of its length (graph/bolt refuses one). The benchmark's own statements live in
// bench/baseline, outside the service.
package cypher

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
)

//go:embed *.cypher schema/*.cypher
var files embed.FS

// refileSide ends the statements that take a message out of a member's mailbox; lockPair opens
// those that read or write only once both members' locks are held.
var (
	refileSide = load("RefileSide.cypher")
	lockPair   = load("LockPair.cypher")
)

// Statements that read or write the graph, named after the store method that runs them.
var (
	Member           = load("Member.cypher")
	MemberExists     = load("MemberExists.cypher")
	RehearsalPair    = load("RehearsalPair.cypher")
	UpsertMembers    = load("UpsertMembers.cypher")
	UpdateSettings   = load("UpdateSettings.cypher")
	CountMembers     = load("CountMembers.cypher")
	LockMembers      = load("LockMembers.cypher")
	PairState        = load("PairState.cypher")
	Connect          = load("Connect.cypher")
	Disconnect       = load("Disconnect.cypher")
	Connections      = load("Connections.cypher")
	Invitation       = load("Invitation.cypher")
	CreateInvitation = load("CreateInvitation.cypher")
	DeleteInvitation = load("DeleteInvitation.cypher")
	Invitations      = load("Invitations.cypher")
	Relations        = load("Relations.cypher")
	ConnectionLists  = load("ConnectionLists.cypher")
	// ConnectionVersions confirms, after ConnectionLists, the versions the lists are cached as of.
	ConnectionVersions = load("ConnectionVersions.cypher")
	// LockedRelations is Relations run after the locks of LockPair, for a send: the decision it
	// feeds holds until the message is written, and the message sent before with the send's
	// idempotency key comes back in the same round trip.
	LockedRelations = compose("LockedRelations", lockPair, Relations)
	// MutualConnections and CachedMutualConnections say who the mutual connections are, the
	// first from the store's list, the second only if the store's cached connection lists are
	// current; MutualPage reads the page of them.
	MutualConnections       = compose("MutualConnections", load("MutualConnections.cypher"), load("MutualPage.cypher"))
	CachedMutualConnections = compose("CachedMutualConnections", load("CachedMutualConnections.cypher"), load("MutualPage.cypher"))
	Path                    = load("Path.cypher")
	SearchMembers           = load("SearchMembers.cypher")
	SendMessage             = load("SendMessage.cypher")
	// GuardedSend is SendMessage for sends between connected members, each decided from a
	// Relations read without locks: it takes the members' locks (LockPair) and writes only if
	// SendGuard finds that what every decision was made from still holds.
	GuardedSend                = compose("GuardedSend", lockPair, load("SendGuard.cypher"), SendMessage)
	MessageByKey               = load("MessageByKey.cypher")
	SenderSignals              = load("SenderSignals.cypher")
	Message                    = load("Message.cypher")
	Inbox                      = load("Inbox.cypher")
	Requests                   = load("Requests.cypher")
	Sent                       = load("Sent.cypher")
	BackfillMailboxKeys        = load("BackfillMailboxKeys.cypher")
	RebuildConversations       = load("RebuildConversations.cypher")
	Conversations              = load("Conversations.cypher")
	Conversation               = load("Conversation.cypher")
	ConversationMessages       = load("ConversationMessages.cypher")
	UpdateConversation         = load("UpdateConversation.cypher")
	ThreadsWithoutConversation = load("ThreadsWithoutConversation.cypher")
	Thread                     = load("Thread.cypher")
	DeclineMessage             = compose("DeclineMessage", load("DeclineMessage.cypher"), refileSide)
	AcceptRequest              = load("AcceptRequest.cypher")
	DeleteMessage              = compose("DeleteMessage", load("DeleteMessage.cypher"), refileSide)
	Block                      = load("Block.cypher")
	Unblock                    = load("Unblock.cypher")
	Blocks                     = load("Blocks.cypher")
	Report                     = load("Report.cypher")
	ReportedMessage            = load("ReportedMessage.cypher")
	AppendChange               = load("AppendChange.cypher")
	ChangesSince               = load("ChangesSince.cypher")
	EventsSince                = load("EventsSince.cypher")
	PruneChanges               = load("PruneChanges.cypher")
	EnsureChangeLog            = load("EnsureChangeLog.cypher")
	ChangeLogHead              = load("ChangeLogHead.cypher")
	Neo4jStarted               = load("Neo4jStarted.cypher")
	ProjectionRange            = load("ProjectionRange.cypher")
	ProjectionMembers          = load("ProjectionMembers.cypher")
	ProjectionConnections      = load("ProjectionConnections.cypher")
	ProjectionPairs            = load("ProjectionPairs.cypher")
	ProjectionSides            = load("ProjectionSides.cypher")
	ProjectionNames            = load("ProjectionNames.cypher")
	PutOrganisation            = load("PutOrganisation.cypher")
	PutGroup                   = load("PutGroup.cypher")
	MissingOrganisations       = load("MissingOrganisations.cypher")
	SetPositions               = load("SetPositions.cypher")
	JoinGroup                  = load("JoinGroup.cypher")
	LeaveGroup                 = load("LeaveGroup.cypher")
	GroupMembers               = load("GroupMembers.cypher")
	MemberGroups               = load("MemberGroups.cypher")
	SharedAffiliations         = load("SharedAffiliations.cypher")
	LiftRestriction            = load("LiftRestriction.cypher")
	ClosingMember              = load("ClosingMember.cypher")
	CloseMessages              = load("CloseMessages.cypher")
	CloseMember                = load("CloseMember.cypher")
	ExportConnections          = load("ExportConnections.cypher")
	ExportInvitations          = load("ExportInvitations.cypher")
	ExportMessages             = load("ExportMessages.cypher")
	ExportConversations        = load("ExportConversations.cypher")
	ExportBlocks               = load("ExportBlocks.cypher")
	ExportReports              = load("ExportReports.cypher")
	ExportPositions            = load("ExportPositions.cypher")
	ExportGroups               = load("ExportGroups.cypher")
	ImportMembers              = load("ImportMembers.cypher")
	ImportConnections          = load("ImportConnections.cypher")
	ImportBlocks               = load("ImportBlocks.cypher")
	ImportInvitations          = load("ImportInvitations.cypher")
	ImportMessages             = load("ImportMessages.cypher")
	ImportSides                = load("ImportSides.cypher")
	ImportDeclines             = load("ImportDeclines.cypher")
	ImportReports              = load("ImportReports.cypher")
	ImportOrganisations        = load("ImportOrganisations.cypher")
	ImportGroups               = load("ImportGroups.cypher")
	ImportPositions            = load("ImportPositions.cypher")
	ImportMemberships          = load("ImportMemberships.cypher")
	MarkImport                 = load("MarkImport.cypher")
	EndImport                  = load("EndImport.cypher")
	AbandonedImport            = load("AbandonedImport.cypher")
)

// appended holds, for each statement a write may end with, that statement followed by
// AppendChange, so that the write's last statement and the change log's append go to Neo4j in
// one round trip. The aggregation between them makes the write's changes all be made before the
// log reads the facts they changed.
var appended = map[string]string{
	SendMessage: compose("SendMessageAndAppendChange", SendMessage, "WITH count(*) AS written", AppendChange),
	// A guard that passed nothing on wrote nothing: nor does the append.
	GuardedSend: compose("GuardedSendAndAppendChange", GuardedSend, "WITH count(*) AS written\nWHERE written > 0", AppendChange),
}

// AppendedTo returns statement followed by AppendChange, run as one; ok is false for a statement
// that has no such composition.
func AppendedTo(statement string) (text string, ok bool) {
	text, ok = appended[statement]
	return text, ok
}

// LogSchema are the schema statements that keep the change log's node and each shard's head
// single (their uniqueness constraints, which Schema holds too): EnsureChangeLog's MERGE makes
// one node only where they exist, and two MERGEs at once without them can make two.
var LogSchema = []string{load("schema/007_change_log.cypher"), load("schema/013_log_head.cypher")}

// Schema returns the schema statements (constraints and indexes) in the order they are applied.
// Each is idempotent (IF NOT EXISTS), so applying them on every start is safe.
func Schema() []string { return slices.Clone(schema) }

// schema holds Schema's statements, read once: reading a statement records its name, which
// Migrates running at once must not do together.
var schema = loadSchema()

// loadSchema reads the schema statements in the order they are applied.
func loadSchema() []string {
	names, err := fs.Glob(files, "schema/*.cypher")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, load(n))
	}
	return out
}

// names maps each statement's text to its name: its file's name without .cypher, or the name of
// the statement composed of several files. Traces name statements by it.
var names = map[string]string{}

// Name returns the name of a statement this package holds, such as "Relations" for the text of
// Relations.cypher, or "" for a text it does not hold.
func Name(statement string) string { return names[statement] }

// load reads one embedded statement, compacted. A missing file is a build mistake, caught by the
// package test.
func load(file string) string {
	text := compact(source(file))
	names[text] = strings.TrimSuffix(path.Base(file), ".cypher")
	return text
}

// source is a statement's file as written, comments and all.
func source(file string) string {
	b, err := files.ReadFile(file)
	if err != nil {
		panic(fmt.Sprintf("cypher: %v", err))
	}
	return string(b)
}

// compose joins statements read by load into one, run as one, under a name of its own.
func compose(name string, parts ...string) string {
	text := strings.Join(parts, "\n")
	names[text] = name
	return text
}
