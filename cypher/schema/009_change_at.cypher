// Old changes are pruned by the time they were made (PruneChanges).
CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at)
