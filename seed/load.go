package seed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/reach-network/reach/graph"
)

// Importer is what loading a generated network needs of the store: its bulk import, one batch
// per call, each returning how often its transaction was retried, and the import's beginning
// and end, which tells replicas once that everything changed.
type Importer interface {
	// BeginImport returns ctx for the batches of one import; EndImport ends it, once, whether
	// the import succeeded or not: replicas then read everything again.
	BeginImport(ctx context.Context) context.Context
	EndImport(ctx context.Context) error
	ImportMembers(ctx context.Context, members []graph.ImportMember) (retries int, err error)
	ImportConnections(ctx context.Context, pairs []graph.ImportConnection) (retries int, err error)
	ImportBlocks(ctx context.Context, blocks []graph.ImportBlock) (retries int, err error)
	ImportInvitations(ctx context.Context, invitations []graph.Invitation) (retries int, err error)
	ImportMessages(ctx context.Context, messages []graph.ImportMessage) (retries int, err error)
	ImportSides(ctx context.Context, sides []graph.ImportSide) (retries int, err error)
	ImportDeclines(ctx context.Context, declines []graph.ImportDecline) (retries int, err error)
	ImportReports(ctx context.Context, reports []graph.ImportReport) (retries int, err error)
	ImportOrganisations(ctx context.Context, orgs []graph.Organisation) (retries int, err error)
	ImportGroups(ctx context.Context, groups []graph.Group) (retries int, err error)
	ImportPositions(ctx context.Context, positions []graph.ImportPosition) (retries int, err error)
	ImportMemberships(ctx context.Context, memberships []graph.ImportMembership) (retries int, err error)
}

// Defaults of ImportOptions, measured on 2 cores with Neo4j on the same machine: 2 workers load
// connections half again as fast as 1 and no slower than 3 or 4; batches of 1,000 to 20,000 rows
// all load at about the same rate.
const (
	DefaultBatchSize = 5000
	DefaultWorkers   = 2
)

// ImportOptions tune Import.
type ImportOptions struct {
	BatchSize int      // rows per transaction; zero means DefaultBatchSize
	Workers   int      // transactions in flight; zero means DefaultWorkers
	Progress  Progress // hears how far each phase has got; nil for nobody
}

// Import loads the network into an empty graph through the store's bulk import: members, then
// connections, blocks, invitations, messages, what members chose of their conversations (sides),
// declines and reports, then organisations, groups, positions and group memberships, each in
// batches run by several workers at once. The schema must be in place (the store's Migrate), so
// that rows find their members by index.
//
// Two transactions that add relationships to the same members at once may deadlock, and one of
// them is then retried. Rows go out ordered by the lower index of their two members, so that
// batches in flight together share few members: then connections hardly ever deadlock. (Running
// batches in rounds that never share a member, as a schedule over parts of the members, was
// measured too: it retried more, since relationships made in earlier rounds still link the
// parts, and waited at the end of each round.) Import returns, by phase, how many transactions
// were retried, and stops at the first error of the store, which it returns with its phase. The
// batches are one import (Importer.BeginImport): replicas read everything again once, when it
// ends, also when it fails partway, so that the rows written reach them.
func (g *Generated) Import(ctx context.Context, store Importer, opts ImportOptions) (retries map[string]int, err error) {
	ctx = store.BeginImport(ctx)
	defer func() { err = errors.Join(err, store.EndImport(context.WithoutCancel(ctx))) }()
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Progress == nil {
		opts.Progress = silent{}
	}
	counts := g.Counts()
	phases := []struct {
		name string
		rows int
		run  func(context.Context, *phaseRun) error
	}{
		{"load members", counts.Members, func(ctx context.Context, run *phaseRun) error {
			return load(ctx, opts, run, identity(counts.Members), g.Member, store.ImportMembers)
		}},
		{"load connections", counts.Connections, func(ctx context.Context, run *phaseRun) error {
			return load(ctx, opts, run, identity(counts.Connections), g.Connection, store.ImportConnections) // sorted already
		}},
		{"load blocks", counts.Blocks, func(ctx context.Context, run *phaseRun) error {
			order := byLowerEnd(counts.Blocks, func(k int) (uint32, uint32) { return g.blocks[k].by, g.blocks[k].member })
			return load(ctx, opts, run, order, g.Block, store.ImportBlocks)
		}},
		{"load invitations", counts.Invitations, func(ctx context.Context, run *phaseRun) error {
			order := byLowerEnd(counts.Invitations, func(k int) (uint32, uint32) { return g.invitations[k].from, g.invitations[k].to })
			return load(ctx, opts, run, order, g.Invitation, store.ImportInvitations)
		}},
		{"load messages", counts.Messages, func(ctx context.Context, run *phaseRun) error {
			order := byLowerEnd(counts.Messages, func(k int) (uint32, uint32) { return g.messages[k].from, g.messages[k].to })
			return load(ctx, opts, run, order, g.Message, store.ImportMessages)
		}},
		{"load conversation sides", counts.Sides, func(ctx context.Context, run *phaseRun) error {
			order := byLowerEnd(counts.Sides, func(k int) (uint32, uint32) { return g.sides[k].member, g.sides[k].other })
			return load(ctx, opts, run, order, g.Side, store.ImportSides)
		}},
		{"load declines", counts.Declines, func(ctx context.Context, run *phaseRun) error {
			order := byLowerEnd(counts.Declines, func(k int) (uint32, uint32) { return g.declines[k].by, g.declines[k].sender })
			return load(ctx, opts, run, order, g.Decline, store.ImportDeclines)
		}},
		{"load reports", counts.Reports, func(ctx context.Context, run *phaseRun) error {
			order := byLowerEnd(counts.Reports, func(k int) (uint32, uint32) { return g.reports[k].by, g.reports[k].member })
			return load(ctx, opts, run, order, g.Report, store.ImportReports)
		}},
		{"load organisations", counts.Organisations, func(ctx context.Context, run *phaseRun) error {
			return load(ctx, opts, run, identity(counts.Organisations), g.Organisation, store.ImportOrganisations)
		}},
		{"load groups", counts.Groups, func(ctx context.Context, run *phaseRun) error {
			return load(ctx, opts, run, identity(counts.Groups), g.Group, store.ImportGroups)
		}},
		{"load positions", counts.Positions, func(ctx context.Context, run *phaseRun) error {
			return load(ctx, opts, run, identity(counts.Positions), g.Position, store.ImportPositions) // by member already
		}},
		{"load group memberships", counts.Memberships, func(ctx context.Context, run *phaseRun) error {
			return load(ctx, opts, run, identity(counts.Memberships), g.Membership, store.ImportMemberships)
		}},
	}
	retries = make(map[string]int)
	for _, p := range phases {
		opts.Progress.Start(p.name, int64(p.rows))
		run := &phaseRun{progress: opts.Progress}
		err := p.run(ctx, run)
		opts.Progress.Done()
		retries[p.name] = int(run.retries.Load())
		if err != nil {
			return retries, fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return retries, nil
}

// phaseRun counts one phase's retries and reports its batches.
type phaseRun struct {
	progress Progress
	retries  atomic.Int64
}

// rows is the order rows are loaded in, as row numbers; nil for 0 to n-1 without a slice.
type rows struct {
	n     int
	order []uint32
}

func identity(n int) rows { return rows{n: n} }

func (r rows) at(i int) int {
	if r.order == nil {
		return i
	}
	return int(r.order[i])
}

// byLowerEnd orders rows 0 to n-1, each between the two members ends names, by the lower
// index of the two.
func byLowerEnd(n int, ends func(int) (uint32, uint32)) rows {
	order := make([]uint32, n)
	lower := make([]uint32, n)
	for k := range order {
		a, b := ends(k)
		order[k], lower[k] = uint32(k), min(a, b)
	}
	slices.SortStableFunc(order, func(x, y uint32) int { return cmp.Compare(lower[x], lower[y]) })
	return rows{n: n, order: order}
}

// load writes rows in batches of consecutive rows, on several workers.
func load[T any](ctx context.Context, opts ImportOptions, run *phaseRun, r rows, row func(int) T,
	write func(context.Context, []T) (int, error)) error {
	size := opts.BatchSize
	jobs := make([]func(context.Context) error, 0, r.n/size+1)
	for first := 0; first < r.n; first += size {
		jobs = append(jobs, func(ctx context.Context) error {
			batch := make([]T, 0, size)
			for i := first; i < min(r.n, first+size); i++ {
				batch = append(batch, row(r.at(i)))
			}
			retries, err := write(ctx, batch)
			run.retries.Add(int64(retries))
			run.progress.Add(int64(len(batch)))
			return err
		})
	}
	return runJobs(ctx, opts.Workers, jobs)
}

// runJobs runs jobs on up to workers goroutines, each job once, and returns the first error;
// after one, jobs not yet started are skipped and the context of those running is cancelled.
func runJobs(ctx context.Context, workers int, jobs []func(context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for j := int(next.Add(1) - 1); j < len(jobs) && ctx.Err() == nil; j = int(next.Add(1) - 1) {
				if err := jobs[j](ctx); err != nil {
					cancel(err)
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
