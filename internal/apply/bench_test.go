package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// fleetOf makes n tenants, each with folders A/B and C, three shell
// connections, a running recipe and a member, and a sandbox state in
// which each is already in place (and waits to be adopted).
func fleetOf(n int) ([]*spec.Tenant, sandbox.State) {
	var tenants []*spec.Tenant
	var state sandbox.State
	for i := range n {
		ext := fmt.Sprintf("T%04d", i)
		t := &spec.Tenant{
			Name:     fmt.Sprintf("t%04d", i),
			Customer: spec.Customer{ExternalID: ext, Name: "Tenant " + ext, NotificationEmail: "ops@t.example"},
			Folders:  []spec.Folder{{Path: "A", Implied: true}, {Path: "A/B"}, {Path: "C"}},
			Members:  []spec.Member{{Email: "ops@t.example", Role: "Admin"}},
			Recipes:  []spec.Recipe{{Name: "R", Folder: "A/B", Running: true}},
		}
		led := plan.NewLedger()
		led.Customer = true
		c := sandbox.Customer{ExternalID: ext, Name: t.Customer.Name, NotificationEmail: "ops@t.example",
			Folders:    []sandbox.Folder{{Name: "A", Folders: []sandbox.Folder{{Name: "B"}}}, {Name: "C"}},
			Members:    []sandbox.Member{{Name: "Ops", Email: "ops@t.example", RoleName: "Admin"}},
			Recipes:    []sandbox.Recipe{{Name: "R", Folder: "A/B", Running: true}},
			Properties: led.Properties(),
		}
		for j := range 3 {
			name := fmt.Sprintf("conn-%d", j)
			t.Connections = append(t.Connections, spec.Connection{Name: name, Provider: "http", Folder: "A/B", State: spec.StateShell})
			c.Connections = append(c.Connections, sandbox.Connection{Name: name, Provider: "http", Folder: "A/B"})
		}
		tenants = append(tenants, t)
		state.Customers = append(state.Customers, c)
	}
	return tenants, state
}

// BenchmarkPlan1000 reads and plans 1,000 tenants against the sandbox with
// latency and Workato's rate limits on, scaled down in time on both sides
// (a one-minute window lasts 120 ms). It reports the calls made over the
// minimum the plan needs, and the wall time over the time the rate limits
// alone impose: the slowest class's calls, in full windows.
//
//	go test ./internal/apply -run x -bench Plan1000 -benchtime 3x
func BenchmarkPlan1000(b *testing.B) {
	const n, factor = 1000, 0.002
	tenants, state := fleetOf(n)
	srv, err := sandbox.New(sandbox.Options{Latency: 2 * time.Millisecond, RateLimits: true,
		Limits: sandbox.ScaleLimits(sandbox.DefaultLimits(), factor)})
	if err != nil {
		b.Fatal(err)
	}
	data, _ := json.Marshal(state)
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	limits := workato.Limits{}
	for class, l := range workato.DefaultLimits() {
		l.Per = time.Duration(float64(l.Per) * factor)
		limits[class] = l
	}

	// The minimum: the customer list in pages of 100 (and an empty page to
	// learn that a list of exactly 1,000 has ended), and per tenant the
	// ledger, the connections, two folder lists (Home and A), the recipes
	// and the members.
	need := map[workato.Class]int{
		workato.ClassCustomers: n/100 + 1, workato.ClassPropertiesList: n, workato.ClassConnectionsList: n,
		workato.ClassFolders: 2 * n, workato.ClassRecipesList: n, workato.ClassMembers: n,
	}
	minCalls, bound := 0, time.Duration(0)
	for class, calls := range need {
		minCalls += calls
		l := limits[class]
		// A sliding window admits Requests at once, then Requests per window.
		windows := math.Ceil(float64(calls)/float64(l.Requests)) - 1
		bound = max(bound, time.Duration(windows*float64(l.Per)))
	}

	var calls, limited int
	var wall time.Duration
	for b.Loop() {
		client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api", Limits: limits})
		if err != nil {
			b.Fatal(err)
		}
		srv.ResetStats()
		start := time.Now()
		results := (&apply.Reader{Client: client, Parallelism: 32}).ReadAll(context.Background(), tenants)
		inputs := make([]plan.Input, n)
		for i, r := range results {
			if r.Err != nil {
				b.Fatalf("tenant %d: %v", i, r.Err)
			}
			inputs[i] = plan.Input{Desired: plan.Desired{Tenant: tenants[i]}, Live: r.Live}
		}
		p := plan.Build(inputs, plan.Options{MaxDeletesPerTenant: 10, MaxDeletesTotal: 100})
		wall = time.Since(start)
		if p.Failed() || p.Blocked() {
			b.Fatalf("the fleet should plan: failed=%v blocked=%v", p.Failed(), p.Blocked())
		}
		st := srv.Stats()
		calls, limited = st.Total, st.RateLimited
	}
	b.ReportMetric(float64(calls)/float64(minCalls), "calls/min-calls")
	b.ReportMetric(wall.Seconds()/bound.Seconds(), "wall/rate-bound")
	b.ReportMetric(float64(limited), "429s")
	b.Logf("%d tenants: %d calls (minimum %d), %v wall against a rate-limit bound of %v, %d 429s", n, calls, minCalls, wall.Round(time.Millisecond), bound, limited)
	if limited > 0 {
		b.Errorf("the client caused %d 429s", limited)
	}
}
