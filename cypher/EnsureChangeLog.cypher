// EnsureChangeLog makes the change log's head, with a new epoch, in a database that has none yet:
// a database that was replaced, or loaded by the offline importer, starts a new log, and replicas
// that held the old one read everything again.
// Cost: one unique-index seek.
MERGE (log:ChangeLog {id: 'main'})
  ON CREATE SET log.seq = 0, log.epoch = randomUUID()
RETURN log.epoch AS epoch, log.seq AS head
