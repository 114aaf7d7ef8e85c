// ChangeLogHead reads the change log's epoch and the number of its latest committed change: a
// fully consistent read answers from a projection that has applied at least that change
// (graph/answer/memory.go), which holds every write committed before the read began. No row's epoch
// is null in a database without a log yet.
// Cost: one unique-index seek.
OPTIONAL MATCH (log:ChangeLog {id: 'main'})
RETURN log.epoch AS epoch, coalesce(log.seq, 0) AS head
