// SendGuard follows LockPair in GuardedSend (cypher.go): under every member's lock, it passes one
// row on only if what each send of $guard.sends, a free message between connected members, was
// decided from, known before without the locks (a replica's memory), still holds, and no row
// otherwise, so that nothing after it writes (the sends have no member in common):
// - the change log exists (AppendChange, after the messages, must record them);
// - the send's caller and recipient (to) exist, are connected, and neither blocks the other (the
//   decision: a free message, graph.Decide's first case);
// - the caller's quota, which the send writes back (credits after any monthly grant, the
//   month's requests), is the send's quota (neo4jstore's quotaOf): each missing property as the
//   store reads it, and as AppendChange records it, so that a send writing it down as it was
//   read changes nothing; the grant's time to the millisecond, as memory holds it;
// - the recipient has not muted the conversation (thread; memory does not know; the send tells
//   the recipient's streams);
// - with a key not '', the caller has sent nothing with that idempotency key.
// It counts the sends that pass, not their rows, so that no send's extra row can stand for
// another's missing one. $guard.rehearsal passes nothing on: a rehearsal plans the statement and writes nothing.
// Cost, per send: two index seeks, a relationship check each way, the caller's sent messages by
// key (a relationship-index seek), and the conversation's two sides; and one unique-index seek
// on the log.
MATCH (log:ChangeLog {id: 'main'})
WHERE log.shards IS NOT NULL AND NOT $guard.rehearsal
UNWIND $guard.sends AS send
MATCH (me:Member {id: send.caller})
MATCH (them:Member {id: send.to})
WHERE me <> them
  AND EXISTS { (me)-[:CONNECTED_TO]-(them) }
  AND NOT EXISTS { (me)-[:BLOCKED]-(them) }
  AND [coalesce(me.inmailCredits, 0), coalesce(me.plan, 'free'), coalesce(me.planGrantedAt.epochMillis, 0),
       coalesce(me.requestsMonth, 0), coalesce(me.requestsSent, 0)] = send.quota
  AND (send.key = '' OR NOT EXISTS { (me)-[:MESSAGED {idempotencyKey: send.key}]->() })
OPTIONAL MATCH (me)-[:IN]->(:Conversation {id: send.thread})<-[theirs:IN]-(them)
WITH send, theirs
WHERE NOT coalesce(theirs.muted, false)
WITH count(DISTINCT send) AS guarded
WHERE guarded = size($guard.sends)
