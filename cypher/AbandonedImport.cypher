// AbandonedImport tells whether an online import marked the change log (MarkImport) and no batch
// of it has written for $idleMillis milliseconds, by Neo4j's clock: its process ended without
// ending the import, and the rows it wrote have reached no replica yet.
// Cost: one unique-index seek.
MATCH (log:ChangeLog {id: 'main'})
WHERE log.importing < datetime.realtime() - duration({milliseconds: $idleMillis})
RETURN count(log) AS abandoned
