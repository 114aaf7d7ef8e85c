# The index of what you can do with reach. Each target is a thin wrapper around a script in
# scripts/ or a Go command, so the same steps work by hand.

.PHONY: run test test-contract test-e2e up down build lint unit fuzz bench bench-sweep bench-large

## run: start Neo4j, load the demo network when empty, print tokens and serve the API on :8080
run:
	scripts/run.sh

## test: unit and integration tests against a real Neo4j (started and stopped as needed)
test:
	scripts/test.sh

## test-contract: schemathesis fuzzes reach, serving the demo network, against api/openapi.yaml (~5 minutes)
test-contract:
	scripts/contract.sh

## test-e2e: the console in headless Chromium (installed when missing) against reach and a throwaway Neo4j
test-e2e:
	scripts/e2e.sh

## unit: the tests that need no Neo4j
unit:
	go test -count=1 -short ./api/... ./graph/... ./cypher/... ./seed/... ./cmd/...

## fuzz: every Go fuzz target for a minute each (REACH_FUZZTIME to change); `make test` runs them 10s each
fuzz:
	REACH_FUZZTIME=$${REACH_FUZZTIME:-1m} scripts/fuzz.sh

## up: start Neo4j the best available way and wait until it answers
up:
	@scripts/neo4j.sh up >/dev/null

## down: stop the Neo4j that `make up` or `make run` started
down:
	scripts/neo4j.sh down

## bench: load 100,000 members (~5M connections) once, then measure reach, the Cypher baseline and the PostgreSQL peer
bench:
	scripts/bench.sh

## bench-sweep: the throughput ceiling of each of them, offered rate by offered rate (~15 minutes)
bench-sweep:
	scripts/bench.sh sweep

## bench-large: the same with 1,000,000 members (~50M connections)
bench-large:
	BENCH_MEMBERS=1000000 BENCH_RATE=300 scripts/bench.sh

.PHONY: scalesim

## scalesim: the fast path's memory per member and the fan-out of questions on a partitioned graph (docs/scaling.md)
scalesim:
	go run ./bench/scalesim -members $${SCALESIM_MEMBERS:-300000}

## build: the reach binary in bin/
build:
	go build -o bin/reach ./cmd/reach

## lint: golangci-lint (pinned in go.mod) with .golangci.yml: gofmt, go vet, staticcheck, errcheck and a few more
lint:
	go tool golangci-lint run ./...

## help: list the targets
help:
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'
