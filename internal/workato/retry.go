package workato

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how failed attempts are retried: capped exponential
// backoff with jitter. Zero fields take the defaults noted on each.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included (default 4; 1
	// disables retries).
	MaxAttempts int
	// BaseDelay is the backoff before the first retry (default 1s); it
	// doubles per retry up to MaxDelay (default 30s).
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits out by
	// itself (default 2m). A longer one (the hourly import cap, say) is
	// returned as a *RateLimitError for the caller to schedule.
	MaxRetryAfter time.Duration
	// Rand returns jitter in [0, 1); nil means math/rand/v2. Tests inject
	// a fixed source.
	Rand func() float64
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 2 * time.Minute
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	return p
}

// backoff returns the delay before retry number n (1-based). Half the
// delay is fixed and half is jitter, so retries from many goroutines
// spread out without ever retrying immediately.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	return half + time.Duration(p.Rand()*float64(d-half))
}

// idempotent methods may be retried after a transport error or a gateway
// error; a POST may already have been applied, so it may not.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryableStatus reports whether a response status is worth another
// attempt for method. 429 means the request was not processed, so it is
// safe for every method. A 500 ({"message": "Server error", "id": ...})
// and 502-504 from gateways may hide an applied request, so only
// idempotent methods retry them: repeating one cannot apply it twice, and a
// transient server error must not fail a whole plan.
func retryableStatus(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent(method)
	}
	return false
}

// parseRetryAfter reads a Retry-After header in either of its forms:
// delta-seconds or an HTTP date. Workato has not been seen sending one
// (reference §2, UNCONFIRMED [design.md: 429 body and Retry-After]), so absence is the common case.
func parseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
