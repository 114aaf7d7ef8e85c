// ExportNetwork answers everything stored about the members in $batch.ids that reachability and the
// messaging rules read, and what passed among them, one row per member: the member's properties
// (message requests among them); the connections (each once, from the end it starts at), blocks,
// messages (with what a request went through) and declines from that member to another member of
// $batch.ids; and the member's positions and groups, each with its organisation or group, so that a
// copy can tell who shares a group or a current employer. It copies a small network elsewhere,
// such as into the benchmark's PostgreSQL peer for a test; the service never runs it.
// Cost: one index seek per member and a walk of each one's relationships; meant for a few
// hundred members, not a whole graph.
UNWIND $batch.ids AS id
MATCH (m:Member {id: id})
RETURN m {
         .id, .name, .headline, .company, .inmailCredits, .plan, .planGrantedAt, .restricted,
         .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable, .createdAt,
         .messageRequests, .requestsMonth, .requestsSent
       } AS member,
       [(m)-[c:CONNECTED_TO]->(x:Member) WHERE x.id IN $batch.ids | {to: x.id, at: c.since}] AS connections,
       [(m)-[b:BLOCKED]->(x:Member) WHERE x.id IN $batch.ids | {to: x.id, at: b.at}] AS blocks,
       [(m)-[s:MESSAGED]->(x:Member) WHERE x.id IN $batch.ids |
         s {.id, .channel, .cost, .subject, .body, .sentAt, .readAt, .status, .refunded,
            .deletedBySender, .deletedByRecipient, .creditsAfter, .viaKind, .viaId, .viaName,
            to: x.id}] AS messages,
       [(m)-[d:DECLINED]->(x:Member) WHERE x.id IN $batch.ids | {to: x.id, at: d.at, messageId: d.messageId}] AS declines,
       // a position's own end year is `until`: `to` names the organisation, as in the other lists
       [(m)-[p:HELD]->(o:Organisation) |
         {to: o.id, org: o {.id, .name, .kind}, title: p.title, from: p.from, until: p.to}] AS positions,
       [(m)-[r:MEMBER_OF]->(g:Group) | {to: g.id, at: r.since, group: g {.id, .name}}] AS memberships
