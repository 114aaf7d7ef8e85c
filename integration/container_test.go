package integration

import (
	"context"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcneo4j "github.com/testcontainers/testcontainers-go/modules/neo4j"
)

// neo4jImage is the image users run beside reach, the same engine the local launcher starts.
const neo4jImage = "neo4j:5.26-community"

// startContainer starts Neo4j in Docker and returns its Bolt URI and a function that removes it.
func startContainer(ctx context.Context) (uri string, stop func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	c, err := tcneo4j.Run(ctx, neo4jImage, tcneo4j.WithoutAuthentication())
	if err != nil {
		if c != nil {
			_ = testcontainers.TerminateContainer(c)
		}
		return "", nil, err
	}
	uri, err = c.BoltUrl(ctx)
	if err != nil {
		_ = testcontainers.TerminateContainer(c)
		return "", nil, err
	}
	return uri, func() { _ = testcontainers.TerminateContainer(c) }, nil
}
