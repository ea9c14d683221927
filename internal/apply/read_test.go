package apply_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestReadAllBoundsGoroutines: reading a fleet runs Parallelism tenants at
// a time without parking a goroutine per tenant, whose stacks would cost
// more than the fleet's live state. Two readers, each with its few
// concurrent list calls, their connections and the server's, make a peak
// that does not depend on the fleet's size: reading 8 times the tenants
// must not raise it by anything like a goroutine per tenant.
func TestReadAllBoundsGoroutines(t *testing.T) {
	const small, large = 10, 80
	base, peak := peakGoroutinesReading(t, small), peakGoroutinesReading(t, large)
	t.Logf("peak goroutines: %d reading %d tenants, %d reading %d", base, small, peak, large)
	if peak-base > (large-small)/4 {
		t.Errorf("%d goroutines at once reading %d tenants 2 at a time, %d reading %d", peak, large, base, small)
	}
}

// peakGoroutinesReading reads a fleet of n tenants 2 at a time and
// returns the most goroutines seen while a request was served.
func peakGoroutinesReading(t *testing.T, n int) int {
	tenants, state := fleetOf(n)
	srv, hs, limits := seededSandbox(t, state, 0.0001)
	hs.Close()
	var mu sync.Mutex
	peak := 0
	hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		peak = max(peak, runtime.NumGoroutine())
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	// Connections are kept, not closed and redialled past the default
	// two idle ones: their goroutines would linger in the count.
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api", Limits: limits, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]int, n)
	var seenMu sync.Mutex
	(&apply.Reader{Client: client, Parallelism: 2, FleetSize: n}).Each(context.Background(), tenants, func(i int, rs []apply.LiveResult) {
		r := rs[0]
		if len(rs) != 1 || r.Err != nil || r.Live.Customer == nil || r.Live.Customer.ExternalID != tenants[i].Customer.ExternalID {
			t.Errorf("tenant %d: %v, %+v", i, r.Err, r.Live)
		}
		seenMu.Lock()
		seen[i]++
		seenMu.Unlock()
	})
	for i, c := range seen {
		if c != 1 {
			t.Errorf("tenant %d handed over %d times", i, c)
		}
	}
	return peak
}
