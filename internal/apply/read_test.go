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
// more than the fleet's live state.
func TestReadAllBoundsGoroutines(t *testing.T) {
	const n = 200
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
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api", Limits: limits})
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
	// Two readers, each with its few concurrent list calls, their
	// connections and the server's: far fewer than the tenants.
	if peak > n/4 {
		t.Errorf("%d goroutines at once reading %d tenants 2 at a time", peak, n)
	}
}
