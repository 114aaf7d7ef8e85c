package seed

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress hears how far a long task has got, one phase after another. Add may be called from
// several goroutines at once.
type Progress interface {
	Start(phase string, total int64) // a phase of about total rows begins
	Add(rows int64)                  // rows more are done
	Done()                           // the phase is over
}

// silent is the Progress of a caller that does not listen.
type silent struct{}

func (silent) Start(string, int64) {}
func (silent) Add(int64)           {}
func (silent) Done()               {}

// Phase is one finished phase: how many rows it did and how long it took.
type Phase struct {
	Name    string
	Rows    int64
	Elapsed time.Duration
}

// Rate is the phase's rows per second.
func (p Phase) Rate() float64 { return float64(p.Rows) / max(p.Elapsed.Seconds(), 1e-9) }

// Meter shows progress on a writer: on a terminal as a progress bar with rate and time left,
// otherwise as a line every few seconds. It keeps every finished phase for a summary.
type Meter struct {
	w        io.Writer
	terminal bool
	every    time.Duration

	mu      sync.Mutex
	name    string
	total   int64
	done    atomic.Int64
	started time.Time
	bar     *progressbar.ProgressBar
	stop    chan struct{}
	ticking sync.WaitGroup
	phases  []Phase
}

// NewMeter returns a Meter that writes to w; terminal says whether w is a terminal, and every
// how often a line is printed when it is not.
func NewMeter(w io.Writer, terminal bool, every time.Duration) *Meter {
	return &Meter{w: w, terminal: terminal, every: every}
}

// Start begins a phase, ending the one before if it was not.
func (m *Meter) Start(phase string, total int64) {
	m.Done()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.name, m.total, m.started = phase, max(total, 1), time.Now()
	m.done.Store(0)
	if m.terminal {
		m.bar = progressbar.NewOptions64(m.total,
			progressbar.OptionSetWriter(m.w),
			progressbar.OptionSetDescription(fmt.Sprintf("%-22s", phase)),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		return
	}
	m.stop = make(chan struct{})
	m.ticking.Add(1)
	go m.tick(m.stop, phase, m.total, m.started)
}

// tick prints a progress line every m.every until stop is closed.
func (m *Meter) tick(stop chan struct{}, phase string, total int64, started time.Time) {
	defer m.ticking.Done()
	t := time.NewTicker(m.every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			done := m.done.Load()
			elapsed := time.Since(started)
			rate := float64(done) / elapsed.Seconds()
			eta := "?"
			if rate > 0 && done < total {
				eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
			}
			fmt.Fprintf(m.w, "%s: %d/%d rows (%.0f%%), %.0f rows/s, ETA %s\n",
				phase, done, total, 100*float64(done)/float64(total), rate, eta)
		}
	}
}

// Add records rows more done in the current phase.
func (m *Meter) Add(rows int64) {
	m.done.Add(rows)
	if bar := m.currentBar(); bar != nil {
		_ = bar.Add64(rows) // a progress bar that cannot be drawn changes nothing
	}
}

func (m *Meter) currentBar() *progressbar.ProgressBar {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bar
}

// Done ends the current phase, if one is under way, and prints what it did.
func (m *Meter) Done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.name == "" {
		return
	}
	if m.bar != nil {
		_ = m.bar.Finish()
		m.bar = nil
	}
	if m.stop != nil {
		close(m.stop)
		m.ticking.Wait()
		m.stop = nil
	}
	p := Phase{Name: m.name, Rows: m.done.Load(), Elapsed: time.Since(m.started)}
	m.phases = append(m.phases, p)
	m.name = ""
	fmt.Fprintf(m.w, "%s: %d rows in %s (%.0f rows/s)\n", p.Name, p.Rows, p.Elapsed.Round(time.Millisecond), p.Rate())
}

// Phases returns the finished phases in order.
func (m *Meter) Phases() []Phase {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Phase(nil), m.phases...)
}

// Summary writes a table of the finished phases: rows, seconds and rows per second.
func (m *Meter) Summary(w io.Writer) {
	var total time.Duration
	fmt.Fprintf(w, "%-24s %12s %10s %12s\n", "phase", "rows", "seconds", "rows/s")
	for _, p := range m.Phases() {
		total += p.Elapsed
		fmt.Fprintf(w, "%-24s %12d %10.1f %12.0f\n", p.Name, p.Rows, p.Elapsed.Seconds(), p.Rate())
	}
	fmt.Fprintf(w, "%-24s %12s %10.1f\n", "total", "", total.Seconds())
}
