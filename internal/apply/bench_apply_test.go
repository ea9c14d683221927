package apply_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// stamps records when each request of each rate class arrived.
type stamps struct {
	next http.Handler
	mu   sync.Mutex
	at   map[workato.Class][]time.Time
}

func (s *stamps) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c := workato.ClassOf(r.Method, r.URL.Path)
	s.at[c] = append(s.at[c], time.Now())
	s.mu.Unlock()
	s.next.ServeHTTP(w, r)
}

// newTenants makes n tenants to create from nothing: a customer, a
// member, folders A and A/B, a connection with input and a shell one.
func newTenants(n int) []*spec.Tenant {
	var out []*spec.Tenant
	for i := range n {
		ext := fmt.Sprintf("N%04d", i)
		out = append(out, &spec.Tenant{
			Name:     "n" + ext,
			Customer: spec.Customer{ExternalID: ext, Name: "New " + ext, NotificationEmail: "ops@n.example"},
			Members:  []spec.Member{{Email: "admin@n.example", Name: "Admin", Role: "Admin"}},
			Folders:  []spec.Folder{{Path: "A", Implied: true}, {Path: "A/B"}},
			Connections: []spec.Connection{
				{Name: "API", Provider: "http", Folder: "A/B", State: spec.StateConnected, HasInput: true, Input: spec.Input{"api_key": spec.NewSecret("k-" + ext)}},
				{Name: "Slack", Provider: "slack", Folder: "A", State: spec.StateShell},
			},
		})
	}
	return out
}

// BenchmarkApply1000 creates 1,000 tenants from nothing on the sandbox,
// with latency and Workato's limits scaled down in time on both sides (a
// one-minute window lasts 60 ms), and reports, for each rate class the
// writes saturate, the achieved rate over the allowed rate (the first
// window's burst excluded), and the 429s the tool caused.
//
//	go test ./internal/apply -run x -bench Apply1000 -benchtime 1x
func BenchmarkApply1000(b *testing.B) {
	const n, factor = 1000, 0.001
	limits := workato.Limits{}
	for class, l := range workato.DefaultLimits() {
		l.Per = time.Duration(float64(l.Per) * factor)
		limits[class] = l
	}
	key := spec.NewSecret("bench-fingerprint-key-0123456789abcdef")
	for range b.N {
		b.StopTimer()
		srv, err := sandbox.New(sandbox.Options{Latency: time.Millisecond, RateLimits: true, Limits: sandbox.ScaleLimits(sandbox.DefaultLimits(), factor)})
		if err != nil {
			b.Fatal(err)
		}
		st := &stamps{next: srv, at: map[workato.Class][]time.Time{}}
		hs := httptest.NewServer(st)
		client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api", Limits: limits})
		if err != nil {
			b.Fatal(err)
		}
		tenants := newTenants(n)
		b.StartTimer()
		start := time.Now()
		// Every tenant in flight at once, so that each class's work is
		// queued as soon as its dependencies allow: what is measured is the
		// scheduler, not the fleet's pace through its slowest class.
		lives := (&apply.Reader{Client: client, Parallelism: n}).ReadAll(context.Background(), tenants)
		work := make([]apply.Work, n)
		for i, t := range tenants {
			d := plan.Desired{Tenant: t, FingerprintKey: key}
			tp := plan.Tenant(plan.Input{Desired: d, Live: lives[i].Live, ReadErr: lives[i].Err}, plan.Options{MaxDeletesPerTenant: 1, MaxDeletesTotal: 1})
			work[i] = apply.Work{Plan: tp, Desired: d, Live: lives[i].Live}
		}
		res := (&apply.Executor{Client: client, Parallelism: 64}).Apply(context.Background(), work)
		wall := time.Since(start)
		b.StopTimer()
		hs.Close()
		if res.Failed() {
			for _, t := range res.Tenants {
				if len(t.Failed) > 0 {
					b.Fatalf("%s: %+v", t.Name, t.Failed[0])
				}
			}
		}
		report(b, st, limits, wall, srv.Stats().RateLimited)
		b.StartTimer()
	}
}

// report prints, per rate class, the achieved rate (the first window's
// burst excluded) over the allowed rate, and over the achievable rate:
// the allowed rate, or less for a class whose whole demand is smaller than
// what it could send while the slowest class runs its course (the rate-
// limit bound). Members and ledger writes, one per tenant, are paced by the
// folders and connections, two per tenant: they cannot use more than half
// their budget, and no scheduler could do better.
func report(b *testing.B, st *stamps, limits workato.Limits, wall time.Duration, limited int) {
	classes := make([]workato.Class, 0, len(st.at))
	bound := time.Duration(0)
	for c, ts := range st.at {
		classes = append(classes, c)
		l := limits[c]
		bound = max(bound, time.Duration(math.Ceil(float64(len(ts))/float64(l.Requests))-1)*l.Per)
	}
	sort.Slice(classes, func(i, j int) bool { return classes[i] < classes[j] })
	lines := []string{fmt.Sprintf("%-18s %6s  %16s  %19s", "class", "calls", "achieved/allowed", "achieved/achievable")}
	for _, c := range classes {
		ts := st.at[c]
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		l := limits[c]
		if len(ts) <= 2*l.Requests {
			lines = append(lines, fmt.Sprintf("%-18s %6d  (within two windows' budget: not rate-bound)", c, len(ts)))
			continue
		}
		achieved := float64(len(ts)-l.Requests) / ts[len(ts)-1].Sub(ts[0]).Seconds()
		allowed := float64(l.Requests) / l.Per.Seconds()
		achievable := min(allowed, float64(len(ts)-l.Requests)/bound.Seconds())
		lines = append(lines, fmt.Sprintf("%-18s %6d  %16.2f  %19.2f", c, len(ts), achieved/allowed, achieved/achievable))
		b.ReportMetric(achieved/achievable, string(c)+"-util")
	}
	b.ReportMetric(wall.Seconds()/bound.Seconds(), "wall/rate-bound")
	b.ReportMetric(float64(limited), "429s")
	fmt.Printf("\napply 1,000 new tenants: %v wall, rate-limit bound %v (%.2fx), %d 429s caused by the tool\n%s\n",
		wall.Round(time.Millisecond), bound, wall.Seconds()/bound.Seconds(), limited, strings.Join(lines, "\n"))
	if limited > 0 {
		b.Errorf("the tool caused %d 429s", limited)
	}
}
