package apply_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/scope"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// BenchmarkPlanScoped10000 plans the one tenant a change touches in a
// fleet of 10,000, at Workato's real, unscaled rate limits (the sandbox
// seeded directly, nothing applied), and then the whole fleet with the
// limits scaled down in time as in BenchmarkPlan1000 (a one-minute window
// lasts 120 ms), to show that the full plan still makes the minimum calls.
// The scoped plan must make at most 12 calls within 5 s.
//
//	go test ./internal/apply -run x -bench PlanScoped10000 -benchtime 1x
func BenchmarkPlanScoped10000(b *testing.B) {
	const n = 10000
	tenants, state := fleetOf(n)
	repo := &spec.Repo{Tenants: tenants}
	for _, t := range tenants {
		t.Sources = []string{"customers/" + t.Name + ".yaml"}
		repo.Files = append(repo.Files, spec.File{Path: t.Sources[0]})
	}
	changed := []scope.Change{{Path: "ops/customers/t4242.yaml"}}
	var calls int
	var wall time.Duration
	for b.Loop() {
		srv, hs, limits := seededSandbox(b, state, 1)
		client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api", Limits: limits})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		scoped := scope.Affected(repo, "/r", "ops", changed).Filter(repo.Tenants)
		if len(scoped) != 1 {
			b.Fatalf("scope: %d tenants, want 1", len(scoped))
		}
		results := (&apply.Reader{Client: client, FleetSize: n}).ReadAll(context.Background(), scoped)
		if results[0].Err != nil {
			b.Fatal(results[0].Err)
		}
		p := plan.Build([]plan.Input{{Desired: plan.Desired{Tenant: scoped[0]}, Live: results[0].Live}}, plan.Options{MaxDeletesPerTenant: 10, MaxDeletesTotal: 100})
		wall = time.Since(start)
		hs.Close()
		if p.Failed() || p.Blocked() {
			b.Fatalf("the tenant should plan: failed=%v blocked=%v", p.Failed(), p.Blocked())
		}
		calls = srv.Stats().Total
	}
	full := planFleet(b, tenants, state, 0.002)
	b.ReportMetric(float64(calls), "scoped-calls")
	b.ReportMetric(wall.Seconds(), "scoped-wall-s")
	b.ReportMetric(float64(full.calls)/float64(calls), "full-calls/scoped-calls")
	full.report(b)
	b.Logf("scoped to 1 of %d tenants at real rate limits: %d calls, %v wall", n, calls, wall.Round(time.Millisecond))
	if calls > 12 {
		b.Errorf("the scoped plan made %d calls, want at most 12", calls)
	}
	if wall >= 5*time.Second {
		b.Errorf("the scoped plan took %v, want under 5s", wall)
	}
}

// TestReadAllCustomersByCheaperWay: customers are fetched one by one when
// that costs fewer calls than listing the fleet in pages of 100, and
// listed when it does not.
func TestReadAllCustomersByCheaperWay(t *testing.T) {
	tenants, state := fleetOf(250)
	tests := []struct {
		read, fleet         int
		wantGets, wantLists int
	}{
		{read: 2, fleet: 250, wantGets: 2, wantLists: 0},
		{read: 3, fleet: 250, wantGets: 3, wantLists: 0}, // a tie: the list could be longer than the repo
		{read: 4, fleet: 250, wantGets: 0, wantLists: 3},
		{read: 2, fleet: 0, wantGets: 0, wantLists: 3}, // no fleet size: as before, list when more than one
		{read: 1, fleet: 0, wantGets: 1, wantLists: 0},
	}
	// Reading changes nothing, so one sandbox serves every case, its
	// counters reset before each.
	srv, hs, limits := seededSandbox(t, state, 0.0001)
	defer hs.Close()
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d of %d", tt.read, tt.fleet), func(t *testing.T) {
			srv.ResetStats()
			client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api", Limits: limits})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range (&apply.Reader{Client: client, FleetSize: tt.fleet}).ReadAll(context.Background(), tenants[:tt.read]) {
				if r.Err != nil || r.Live.Customer == nil {
					t.Fatalf("tenant %d: %v, customer %v", i, r.Err, r.Live)
				}
			}
			st := srv.Stats()
			gets, lists := st.Requests["GET /managed_users/:id"], st.Requests["GET /managed_users"]
			if gets != tt.wantGets || lists != tt.wantLists {
				t.Errorf("customer gets %d, lists %d; want %d, %d (requests %v)", gets, lists, tt.wantGets, tt.wantLists, st.Requests)
			}
		})
	}
}
