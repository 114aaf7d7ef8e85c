package changelog

import (
	"github.com/reach-network/reach/graph/bolt"
)

// SaveProjection writes the projection to path, through a file beside it renamed into place, so
// that a snapshot is whole or absent. It holds the projection's read lock meanwhile: reads go on,
// changes wait. It does nothing before the projection is loaded.
func (l *Log) SaveProjection(path string) (err error) {
	defer bolt.Wrap(&err, "save projection to %s", path)
	return l.projection.Save(path)
}
