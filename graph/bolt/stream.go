package bolt

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Stream runs a read statement and hands each record to row, without holding them all. Like
// Read, it gives Neo4j ctx's deadline as the transaction's timeout, and traces the statement in
// ctx's trace.
func (db *DB) Stream(ctx context.Context, query string, params map[string]any, row func(*neo4j.Record) error) (err error) {
	ctx, end := Traced(ctx, query)
	defer func() { end(err) }()
	if err := onePlan(params); err != nil {
		return err
	}
	leave, err := db.Reads.Enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	session := db.Session(ctx, neo4j.AccessModeRead)
	defer session.Close(ctx)
	res, err := session.Run(ctx, query, params, WithDeadline(ctx)...)
	if err != nil {
		return err
	}
	return eachRecord(ctx, res, row)
}

// Each runs one statement inside a transaction and hands its rows to row as the driver fetches
// them.
func Each(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any, row func(*neo4j.Record) error) (err error) {
	ctx, end := Traced(ctx, query)
	defer func() { end(err) }()
	if err := onePlan(params); err != nil {
		return err
	}
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return err
	}
	return eachRecord(ctx, res, row)
}

// eachRecord hands each record of res to row as the driver fetches it, so that a long answer is
// never held whole.
func eachRecord(ctx context.Context, res neo4j.ResultWithContext, row func(*neo4j.Record) error) error {
	for res.Next(ctx) {
		if err := row(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}
