package graph

import (
	"time"
)

// utcOffset is UTC as a fixed offset. The driver sends a time whose zone is named "Offset" as a
// datetime with an offset, the kind Neo4j itself stores; a named zone such as "UTC" would be
// ordered apart from an offset even at the same instant, and range comparisons would go wrong.
var UtcOffset = time.FixedZone("Offset", 0)
