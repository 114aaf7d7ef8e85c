// EndImport takes away the change log's mark of an online import (MarkImport), in the
// transaction that appends the import's one reload change.
// Cost: one unique-index seek.
MATCH (log:ChangeLog {id: 'main'})
REMOVE log.importing
