package api

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reach-network/reach/graph"
)

// metrics are what reach reports at /metrics, in its own registry so that several servers in one
// process (as in tests) do not collide.
type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	decisions *prometheus.CounterVec
	sent      *prometheus.CounterVec
	refused   *prometheus.CounterVec
}

// newMetrics makes reach's metrics, reading health's cache and projection counters when scraped
// (none without health).
func newMetrics(health Health) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reach_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reach_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reach_messaging_decisions_total",
			Help: "Messaging decisions answered by reachability, by the reason that decided.",
		}, []string{"reason"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reach_messages_sent_total",
			Help: "Messages sent, by kind (inmail or message) and cost in credits.",
		}, []string{"kind", "cost"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reach_messages_refused_total",
			Help: "Sends refused by a messaging rule or abuse limit, by reason.",
		}, []string{"reason"}),
	}
	if health != nil {
		m.registry.MustRegister(cacheGauges(health)...)
		m.registry.MustRegister(shedCounters(health)...)
		m.registry.MustRegister(sendCounters(health)...)
		m.registry.MustRegister(projectionGauges(health)...)
		m.registry.MustRegister(lockHistograms{health})
	}
	m.registry.MustRegister(m.requests, m.latency, m.decisions, m.sent, m.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// cacheGauges read the counters of the cache of connection lists from health.
func cacheGauges(health Health) []prometheus.Collector {
	cache := func(read func(graph.CacheStats) float64) func() float64 {
		return func() float64 { return read(health.CacheStats()) }
	}
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "reach_connection_lists_cached_total",
			Help: "Connection lists found current in reach's cache (graph/neo4jstore/neighbours.go).",
		}, cache(func(s graph.CacheStats) float64 { return float64(s.Hits) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "reach_connection_lists_read_total",
			Help: "Connection lists read from Neo4j because the cache held none, or an out-of-date one.",
		}, cache(func(s graph.CacheStats) float64 { return float64(s.Misses) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "reach_connection_lists_held_connections",
			Help: "Connections held in reach's cache of connection lists.",
		}, cache(func(s graph.CacheStats) float64 { return float64(s.Connections) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "reach_connection_lists_ids",
			Help: "Member ids numbered in the id table of reach's cache of connection lists.",
		}, cache(func(s graph.CacheStats) float64 { return float64(s.IDs) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "reach_connection_lists_bytes",
			Help: "Memory reach's cache of connection lists counts against its budget: the lists and the id table.",
		}, cache(func(s graph.CacheStats) float64 { return float64(s.Bytes) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "reach_connection_lists_budget_bytes",
			Help: "Memory reach's cache of connection lists may take (REACH_CACHED_CONNECTIONS × 4 bytes).",
		}, cache(func(s graph.CacheStats) float64 { return float64(s.Budget) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "reach_connection_lists_renewals_total",
			Help: "Times the id table of reach's cache of connection lists filled up and the cache started afresh.",
		}, cache(func(s graph.CacheStats) float64 { return float64(s.Renewals) })),
	}
}

// shedCounters read from health the work refused past the bounds on Neo4j's work at once.
func shedCounters(health Health) []prometheus.Collector {
	counter := func(kind string, read func(graph.ShedStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "reach_neo4j_shed_total",
			Help:        "Reads, write transactions and account exports refused 503 at once, rather than queued, because REACH_NEO4J_READS, REACH_NEO4J_WRITES or REACH_NEO4J_EXPORTS were already at work in Neo4j.",
			ConstLabels: prometheus.Labels{"kind": kind},
		}, func() float64 { return float64(read(health.ShedStats())) })
	}
	return []prometheus.Collector{
		counter("read", func(s graph.ShedStats) int64 { return s.Reads }),
		counter("write", func(s graph.ShedStats) int64 { return s.Writes }),
		counter("export", func(s graph.ShedStats) int64 { return s.Exports }),
	}
}

// sendCounters read from health the transactions of sends and the sends they carried.
func sendCounters(health Health) []prometheus.Collector {
	counter := func(name, help string, read func(graph.SendStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(read(health.SendStats())) })
	}
	return []prometheus.Collector{
		counter("reach_send_transactions_total", "Batches of sends run: each carries the sends that waited while REACH_SEND_TRANSACTIONS were at work, up to REACH_SEND_BATCH, its sends between connected members by one guarded statement (reach_sends_direct_total), the others, and those the guard turned back, by write transactions.",
			func(s graph.SendStats) int64 { return s.Transactions }),
		counter("reach_send_transaction_sends_total", "Sends the batches of sends carried: divided by reach_send_transactions_total, the sends a batch shared on average.",
			func(s graph.SendStats) int64 { return s.Sends }),
		counter("reach_sends_shed_total", "Sends refused 503 at once, rather than queued, because REACH_SEND_TRANSACTIONS × REACH_SEND_BATCH sends were already waiting for a transaction.",
			func(s graph.SendStats) int64 { return s.Shed }),
		counter("reach_sends_direct_total", "Sends between connected members written by one guarded statement, in one exchange with Neo4j, rather than in a transaction of sends.",
			func(s graph.SendStats) int64 { return s.Direct }),
		counter("reach_sends_direct_missed_total", "Sends whose guarded statement found the facts they, or another send of their batch, were decided from changed: written nothing, then decided again in a transaction of sends.",
			func(s graph.SendStats) int64 { return s.Missed }),
	}
}

// projectionGauges read the in-memory projection's counters from health.
func projectionGauges(health Health) []prometheus.Collector {
	projection := func(read func(graph.ProjectionStats) float64) func() float64 {
		return func() float64 { return read(health.ProjectionStats()) }
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "reach_projection_applied_change",
			Help: "The changes of the change log this replica's in-memory projection has applied: every shard's position added up (0 until loaded).",
		}, projection(func(s graph.ProjectionStats) float64 { return float64(s.Applied) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "reach_projection_staleness_seconds",
			Help: "Time since the projection last read the change log to its head: how far behind Neo4j its answers may be.",
		}, projection(func(s graph.ProjectionStats) float64 { return s.Staleness.Seconds() })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "reach_projection_members",
			Help: "Members the in-memory projection holds.",
		}, projection(func(s graph.ProjectionStats) float64 { return float64(s.Members) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "reach_projection_loads_total",
			Help: "Times the projection was loaded whole, from Neo4j or a snapshot: once at start, again only for a new database, a bulk import or changes pruned before they were read.",
		}, projection(func(s graph.ProjectionStats) float64 { return float64(s.Loads) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "reach_reads_from_memory_total",
			Help: "Reachability reads answered from the in-memory projection.",
		}, projection(func(s graph.ProjectionStats) float64 { return float64(s.Served) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "reach_reads_from_neo4j_total",
			Help: "Reachability reads handed to Neo4j: the projection was not current enough for the consistency asked (those refused by the cap included).",
		}, projection(func(s graph.ProjectionStats) float64 { return float64(s.Fallbacks) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "reach_reads_shed_total",
			Help: "Reachability reads the projection could not answer that were refused 503 at once, because as many as REACH_FALLBACK_CONCURRENCY were asking Neo4j.",
		}, projection(func(s graph.ProjectionStats) float64 { return float64(s.Shed) })),
	}
}

// lockHistograms report, when scraped, how long writes waited for the change log's locks and
// held them (graph.LockStats).
type lockHistograms struct{ health Health }

var (
	lockWaitDesc = prometheus.NewDesc("reach_change_log_lock_wait_seconds",
		"Time each write transaction waited for the change log's locks.", nil, nil)
	lockHoldDesc = prometheus.NewDesc("reach_change_log_lock_hold_seconds",
		"Time each write transaction held the change log's locks, from taking them until its commit or rollback ended.", nil, nil)
)

func (lockHistograms) Describe(ch chan<- *prometheus.Desc) { ch <- lockWaitDesc; ch <- lockHoldDesc }

func (l lockHistograms) Collect(ch chan<- prometheus.Metric) {
	st := l.health.LockStats()
	ch <- constHistogram(lockWaitDesc, st.Waited)
	ch <- constHistogram(lockHoldDesc, st.Held)
}

// constHistogram turns durations into a Prometheus histogram in seconds.
func constHistogram(desc *prometheus.Desc, d graph.Durations) prometheus.Metric {
	buckets := make(map[float64]uint64, len(d.Bounds))
	for i, b := range d.Bounds {
		buckets[b.Seconds()] = d.Counts[i]
	}
	return prometheus.MustNewConstHistogram(desc, d.Count, d.Sum.Seconds(), buckets)
}

// observe counts every request and its latency under its route pattern, never its raw path, so
// the label set stays small.
func (m *metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // write the problem now, so its status is the one counted
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		method := c.Request().Method
		m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
		m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		return nil
	}
}

func (m *metrics) decided(d graph.Decision) { m.decisions.WithLabelValues(string(d.Reason)).Inc() }

func (m *metrics) sentMessage(s graph.Sent) {
	m.sent.WithLabelValues(string(s.Kind), strconv.Itoa(s.Cost)).Inc()
}

func (m *metrics) refusedMessage(reason graph.Reason) {
	m.refused.WithLabelValues(string(reason)).Inc()
}

func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}
