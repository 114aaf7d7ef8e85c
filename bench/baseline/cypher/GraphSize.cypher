// GraphSize answers how many members and connections the graph holds.
// Cost: read from the count store, not a scan.
RETURN COUNT { (:Member) } AS members, COUNT { ()-[:CONNECTED_TO]->() } AS connections
