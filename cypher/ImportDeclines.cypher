// ImportDeclines records, for each row in $batch.declines, that member `by` declined the InMail or
// message request `messageId` from `sender` at `at`, as the DECLINED relationship DeclineMessage
// writes (which refuses the sender's InMails and requests from then on). The message itself is
// imported with status 'declined'. Answers how many declines were created.
// Cost: two unique-index seeks per row.
UNWIND $batch.declines AS d
MATCH (by:Member {id: d.by})
MATCH (sender:Member {id: d.sender})
CREATE (by)-[:DECLINED {at: d.at, messageId: d.messageId}]->(sender)
RETURN count(*) AS created
