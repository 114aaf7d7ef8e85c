// Member search is a case-insensitive prefix match on the name, a range-index seek.
CREATE INDEX member_name IF NOT EXISTS FOR (m:Member) ON (m.nameLower)
