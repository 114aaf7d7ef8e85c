// ImportSides sets what each member chose of their side of a conversation (archived, muted, filed
// in Other), making the Conversation and the side when the conversation's messages are not loaded
// yet. The import builds the rest of each side from its messages (RebuildConversations), which
// keeps these three; an offline import leaves Conversations without a kind to Store.Migrate,
// which builds them likewise. Counts the rows whose two members exist.
// Cost: per row, two unique-index seeks on Member(id), and a MERGE on Conversation(id) and on the
// member's side.
UNWIND $batch.sides AS row
MATCH (me:Member {id: row.member})
MATCH (:Member {id: row.with})
MERGE (c:Conversation {id: row.thread})
MERGE (me)-[s:IN]->(c)
  ON CREATE SET s.filed = ''
SET s.archived = row.archived, s.muted = row.muted,
    s.filed = CASE WHEN row.other THEN 'other' WHEN s.filed = 'other' THEN '' ELSE s.filed END
RETURN count(s) AS created
