// LockChangeLog takes the next number of the change log, making its head first in a database
// that has none. It runs in a write transaction just before AppendChange, in a statement of its
// own so that the head's lock is held before AppendChange reads anything: the transaction that
// takes number n holds the lock until it commits, so it commits before any other takes n+1.
// Cost: one unique-index seek and the head's lock.
MERGE (log:ChangeLog {id: 'main'})
  ON CREATE SET log.seq = 0, log.epoch = randomUUID()
SET log.seq = log.seq + 1
RETURN log.seq AS seq, log.epoch AS epoch
