// ChangesSince reads the change log from the change after $after, in order, at most $limit changes,
// with the log's head: its epoch (new with each database) and the number of the latest change.
// Changes past the head read here are left for the next read, so that what is answered is a
// whole prefix of the log (AppendChange numbers changes in commit order).
// Cost: the head node and a range seek on the change numbers.
OPTIONAL MATCH (log:ChangeLog {id: 'main'})
WITH coalesce(log.epoch, '') AS epoch, coalesce(log.seq, 0) AS head
OPTIONAL MATCH (c:Change)
  WHERE c.seq > $after AND c.seq <= head
WITH epoch, head, c
ORDER BY c.seq
LIMIT $limit
RETURN epoch, head, collect(c {.*}) AS changes
