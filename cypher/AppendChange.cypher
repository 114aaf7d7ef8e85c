// AppendChange records, as the last statement of a write transaction, what it changed of the
// state every reach replica keeps in memory (graph/projection/projection.go): one Change in each
// shard of the log the write touched. Its parameters are the fields of one map, $append ($keys
// below stands for $append.keys, and so on; why a map, below).
// It first takes those shards' next numbers: the shard of each key in $keys (a hash of each
// member, organisation and group the write touched, both members of each pair: key % the log's
// shard count), or shard 0 alone when $keys is empty (a bulk import). It takes them in shard
// order, so that two writes never wait for each other in a cycle, and the aggregation makes every
// one be taken before anything after it reads. The transaction that takes number n of a shard
// holds that shard's head until it commits, so it commits before any other takes n+1 there. It
// answers, beside the heads, how long it waited for those locks and how long after the statement
// began it held them, in nanoseconds, for the metrics of lock waits and holds. No row when the database has no
// change log yet (EnsureChangeLog makes one).
// Every write that changes a member, or a pair, holds the shard of that member, or of both, so the
// facts below, read under those locks, are exact as of this commit: any other write that changes
// them commits after it, with a later number in a shard held here. Each change also records every
// shard's head as this transaction reads it (heads: its own numbers, and the other shards' latest
// commits, read without locks): a replica applies the write once it has applied those, and so
// holds every write committed before this one read them.
// Each write's changes carry one id (id), a random UUID drawn here: a database restored from a
// backup, or replaced, numbers its next changes as the lost ones were numbered, but never draws
// their ids, so a replica that finds another id at a position it applied knows that the history
// it holds has forked from the database's (graph/changelog/fork.go).
// It may follow a write's own last statement in one round trip (AppendedTo in cypher.go), whose
// parameters are beside its own: its own are inside $append, which no statement's parameter is
// named. Inside a map, lists of any length share one plan: Neo4j plans a statement anew for each order of magnitude of a list
// parameter's length, and the lists here grow with the sends gathered into one transaction.
// For each member in $members: whether they exist and the facts the messaging decision needs of
// them. For each pair in $pairs ([a, b, the id of their conversation]), as bits: 1 connected, 2 a blocks b, 4 b blocks a,
// 8 a wrote to b, 16 b wrote to a, 32 a's InMail or request to b awaits an answer, 64 b's to a
// does, 128 b declined a's InMail or request, 256 a declined b's, 512 b accepted a's request,
// 1024 a accepted b's (the bits of messages from the two sides of their conversation, which keep
// them, not from the messages). For each member, too, their name and headline (names, headlines, which
// mutual-connections pages show from memory), and their affiliations, as
// rows of flat lists (a Change's properties cannot nest lists): heldBy[i] (the member's position
// in $members) held a position at heldOrg[i], current (to absent) when heldCurrent[i]; and
// memberOfBy[i] is in group memberOf[i]. For each organisation in $organisations and group in
// $groups: whether it exists, its name and kind. $reload says that too much changed to list
// (a bulk import): replicas read everything again. $events are what the write did that concerns
// members, for their event streams (graph.Event as JSON), and $eventTo their members: $keys hold
// those members' keys, so every copy, the one in each event's member's shard included, records them.
// For each side in $sides ([a member, a conversation]: those the write named, and both sides of
// each pair's conversation), what a page of the member's conversations shows of it (sideOf,
// sideIn, and the rest as columns by side): whether it was found, the other member's id ('' for a FormerMember), the
// conversation's kind, the side's unread count, box, archived, muted and activity key ('' when
// the side lists no message: in no box), and its last message: id, kind,
// whether the member sent it, the beginning of its body (162 characters hold
// graph.PreviewLength code points and the one past them, however the string is counted), its
// time in nanoseconds, whether it was read, and what allowed a message request.
// Cost: a unique-index seek and a lock per shard touched, the shards' heads (a handful), an index
// seek per member, with their positions and group memberships (a handful each), two per pair and
// their relationships between them but messages (a unique-index seek on their conversation instead), one per organisation and group;
// per side, a unique-index seek on the conversation (the hint: from the member, Neo4j would
// expand every conversation they have), its two sides, and a relationship-index seek on
// MESSAGED(id) for the last message;
// the events are stored as given (a send's one, an excerpt of its body), nothing read for them.
MATCH (log:ChangeLog {id: 'main'})
WHERE log.shards IS NOT NULL
CALL (log) {
  WITH log, datetime.realtime() AS asked
  UNWIND CASE WHEN size($append.keys) = 0 THEN [0] ELSE [k IN $append.keys | k % log.shards] END AS shard
  WITH DISTINCT asked, shard
  ORDER BY shard
  MATCH (head:LogHead {shard: shard})
  SET head.seq = head.seq + 1
  WITH asked, collect(shard) AS shards, collect(head.seq) AS seqs
  WITH asked, shards, seqs, datetime.realtime() AS locked
  WITH shards, seqs, [t IN [asked, locked, datetime.statement()] | t.epochSeconds * 1000000000 + t.nanosecond] AS at
  RETURN shards, seqs, at[1] - at[0] AS lockWait, at[1] - at[2] AS lockedAfter
}
CALL () {
  UNWIND $append.members AS id
  OPTIONAL MATCH (m:Member {id: id})
  RETURN collect(id) AS ids, collect(m IS NOT NULL) AS present,
         collect(coalesce(m.inmail, 'anyone')) AS inmail,
         collect(coalesce(m.openProfile, false)) AS openProfile,
         collect(coalesce(m.restricted, false)) AS restricted,
         collect(coalesce(m.plan, 'free')) AS plan,
         collect(coalesce(m.inmailCredits, 0)) AS credits,
         collect(coalesce(m.planGrantedAt.epochMillis, 0)) AS grantedAt,
         collect(coalesce(m.messageRequests, true)) AS messageRequests,
         collect(coalesce(m.requestsMonth, 0)) AS requestsMonth,
         collect(coalesce(m.requestsSent, 0)) AS requestsSent,
         collect(coalesce(m.name, '')) AS names, collect(coalesce(m.headline, '')) AS headlines
}
CALL () {
  UNWIND $append.pairs AS pair
  OPTIONAL MATCH (a:Member {id: pair[0]})
  OPTIONAL MATCH (b:Member {id: pair[1]})
  OPTIONAL MATCH (a)-[sa:IN]->(:Conversation {id: pair[2]})<-[sb:IN]-(b)
  RETURN collect(pair[0]) AS pairA, collect(pair[1]) AS pairB, collect(
           CASE WHEN a IS NULL OR b IS NULL THEN 0 ELSE
             CASE WHEN EXISTS { (a)-[:CONNECTED_TO]-(b) } THEN 1 ELSE 0 END +
             CASE WHEN EXISTS { (a)-[:BLOCKED]->(b) } THEN 2 ELSE 0 END +
             CASE WHEN EXISTS { (b)-[:BLOCKED]->(a) } THEN 4 ELSE 0 END +
             CASE WHEN coalesce(sa.wrote, false) THEN 8 ELSE 0 END +
             CASE WHEN coalesce(sb.wrote, false) THEN 16 ELSE 0 END +
             CASE WHEN coalesce(sa.pending, 0) > 0 THEN 32 ELSE 0 END +
             CASE WHEN coalesce(sb.pending, 0) > 0 THEN 64 ELSE 0 END +
             CASE WHEN EXISTS { (b)-[:DECLINED]->(a) } THEN 128 ELSE 0 END +
             CASE WHEN EXISTS { (a)-[:DECLINED]->(b) } THEN 256 ELSE 0 END +
             CASE WHEN coalesce(sa.accepted, false) THEN 512 ELSE 0 END +
             CASE WHEN coalesce(sb.accepted, false) THEN 1024 ELSE 0 END
           END) AS bits
}
CALL () {
  UNWIND $append.sides AS side
  OPTIONAL MATCH (me:Member {id: side[0]})-[s:IN]->(c:Conversation {id: side[1]})<-[:IN]-(other)
    USING INDEX c:Conversation(id)
  WHERE other <> me
  OPTIONAL MATCH (x)-[m:MESSAGED {id: s.lastId}]->()
  RETURN collect(side[0]) AS sideOf, collect(side[1]) AS sideIn, collect(s IS NOT NULL) AS sideFound,
         collect(coalesce(other.id, '')) AS sideWith,
         collect(coalesce(c.kind, '')) AS sideKind, collect(coalesce(s.unread, 0)) AS sideUnread,
         collect(coalesce(s.filed, '')) AS sideFiled, collect(coalesce(s.archived, false)) AS sideArchived,
         collect(coalesce(s.muted, false)) AS sideMuted, collect(coalesce(s.activity, '')) AS sideActivity,
         collect(coalesce(m.id, '')) AS lastId, collect(coalesce(m.kind, '')) AS lastKind,
         collect(coalesce(x = me, false)) AS lastMine, collect(left(coalesce(m.body, ''), 162)) AS lastText,
         collect(coalesce(m.sentAt.epochSeconds * 1000000000 + m.sentAt.nanosecond, 0)) AS lastAt,
         collect(m.readAt IS NOT NULL) AS lastRead, collect(coalesce(m.viaKind, '')) AS lastViaKind,
         collect(coalesce(m.viaId, '')) AS lastViaId, collect(coalesce(m.viaName, '')) AS lastViaName
}
CALL () {
  UNWIND range(0, size($append.members) - 1) AS i
  MATCH (:Member {id: $append.members[i]})-[p:HELD]->(o:Organisation)
  WITH i, o.id AS org, max(CASE WHEN p.to IS NULL THEN 1 ELSE 0 END) AS current
  ORDER BY i, org
  RETURN collect(i) AS heldBy, collect(org) AS heldOrg, collect(current = 1) AS heldCurrent
}
CALL () {
  UNWIND range(0, size($append.members) - 1) AS i
  MATCH (:Member {id: $append.members[i]})-[:MEMBER_OF]->(g:Group)
  WITH i, g.id AS group
  ORDER BY i, group
  RETURN collect(i) AS memberOfBy, collect(group) AS memberOf
}
CALL () {
  UNWIND $append.organisations AS id
  OPTIONAL MATCH (o:Organisation {id: id})
  RETURN collect(id) AS orgs, collect(o IS NOT NULL) AS orgPresent,
         collect(coalesce(o.name, '')) AS orgNames, collect(coalesce(o.kind, '')) AS orgKinds
}
CALL () {
  UNWIND $append.groups AS id
  OPTIONAL MATCH (g:Group {id: id})
  RETURN collect(id) AS groups, collect(g IS NOT NULL) AS groupPresent,
         collect(coalesce(g.name, '')) AS groupNames
}
CALL () {
  MATCH (head:LogHead)
  WITH head
  ORDER BY head.shard
  RETURN collect(head.seq) AS heads
}
WITH *, randomUUID() AS change
UNWIND range(0, size(shards) - 1) AS i
CREATE (:Change {
  id: change, shard: shards[i], seq: seqs[i], heads: heads, shards: shards, at: datetime.statement(), reload: $append.reload,
  members: ids, present: present, inmail: inmail, openProfile: openProfile, restricted: restricted,
  plan: plan, credits: credits, grantedAt: grantedAt,
  messageRequests: messageRequests, requestsMonth: requestsMonth, requestsSent: requestsSent,
  names: names, headlines: headlines,
  pairA: pairA, pairB: pairB, pairBits: bits,
  sideOf: sideOf, sideIn: sideIn, sideFound: sideFound, sideWith: sideWith, sideKind: sideKind, sideUnread: sideUnread, sideFiled: sideFiled,
  sideArchived: sideArchived, sideMuted: sideMuted, sideActivity: sideActivity,
  lastId: lastId, lastKind: lastKind, lastMine: lastMine, lastText: lastText, lastAt: lastAt, lastRead: lastRead,
  lastViaKind: lastViaKind, lastViaId: lastViaId, lastViaName: lastViaName,
  heldBy: heldBy, heldOrg: heldOrg, heldCurrent: heldCurrent, memberOfBy: memberOfBy, memberOf: memberOf,
  orgs: orgs, orgPresent: orgPresent, orgNames: orgNames, orgKinds: orgKinds,
  groups: groups, groupPresent: groupPresent, groupNames: groupNames,
  events: $append.events, eventTo: $append.eventTo
})
WITH log, heads, lockWait, lockedAfter
LIMIT 1
RETURN log.epoch AS epoch, heads, lockWait, lockedAfter
