package api

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/maypok86/otter/v2"
	"golang.org/x/time/rate"
)

// RateLimit is how many requests one member may make: a token bucket per member, refilled at
// PerSecond and holding Burst, so a page that fires a dozen requests at once passes while a
// script hammering the API is slowed down. Administrators' tokens (imports) are not limited.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// DefaultRateLimit is generous: far above what a person's clicks need, well below what a runaway
// client would send.
var DefaultRateLimit = RateLimit{PerSecond: 50, Burst: 200}

// orDefaults fills the zero fields of l from DefaultRateLimit.
func (l RateLimit) orDefaults() RateLimit {
	if l.PerSecond <= 0 {
		l.PerSecond = DefaultRateLimit.PerSecond
	}
	if l.Burst <= 0 {
		l.Burst = DefaultRateLimit.Burst
	}
	return l
}

// rateBuckets bounds the buckets held: the members seen most recently. A bucket idle for longer
// than it takes to refill is dropped as full, which is what a new bucket is.
const rateBuckets = 100_000

// limitRate refuses, with 429 and Retry-After, a member's request once their bucket is empty. It
// runs after authenticate, so the bucket is the token's member's.
func limitRate(l RateLimit) echo.MiddlewareFunc {
	refill := time.Duration(float64(l.Burst)/l.PerSecond*float64(time.Second)) + time.Second
	buckets := otter.Must(&otter.Options[string, *rate.Limiter]{
		MaximumSize:      rateBuckets,
		ExpiryCalculator: otter.ExpiryAccessing[string, *rate.Limiter](refill),
	})
	newBucket := otter.LoaderFunc[string, *rate.Limiter](func(_ context.Context, _ string) (*rate.Limiter, error) {
		return rate.NewLimiter(rate.Limit(l.PerSecond), l.Burst), nil
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			who := callerOf(c)
			if who.admin {
				return next(c)
			}
			bucket, _ := buckets.Get(c.Request().Context(), who.id, newBucket)
			if wait := reserve(bucket); wait > 0 {
				return &requestError{kind: tooMany, retryAfter: wait,
					detail: fmt.Sprintf("more than %g requests a second; try again in %s", l.PerSecond, wait)}
			}
			return next(c)
		}
	}
}

// reserve takes a token from the bucket, or leaves it untouched and says how long until one is
// there, rounded up to whole seconds as Retry-After gives it.
func reserve(bucket *rate.Limiter) time.Duration {
	now := time.Now()
	r := bucket.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	if wait == 0 {
		return 0
	}
	r.CancelAt(now)
	return time.Duration(math.Ceil(wait.Seconds())) * time.Second
}
