// MarkImport marks the change log as taking an online import's batches, with when the latest
// batch wrote, by Neo4j's clock: the batches record no change of their own, and the import's end
// (EndImport) has replicas read everything again once. A mark that no batch renews for long is
// an import whose process ended without saying so (AbandonedImport).
// Cost: one unique-index seek and the log node's lock until the batch commits.
MATCH (log:ChangeLog {id: 'main'})
SET log.importing = datetime.realtime()
