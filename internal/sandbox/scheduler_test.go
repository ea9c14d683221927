package sandbox_test

// The scheduler proof: the client's per-class scheduler, given the same
// budgets as the sandbox's limiter, keeps every class busy at once and is
// never answered 429 by that limiter.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// classLoad is the part of the mixed workload that drives one rate class:
// workers goroutines call op back to back until the run ends.
type classLoad struct {
	class   workato.Class
	workers int
	op      func(ctx context.Context, c *workato.Client, n int) error
}

// seededImportID is a completed import in the workload's seed, polled by
// the import-status workers.
const seededImportID = 50

// mixedWorkload covers every rate class the sandbox limits. Where a class
// has both reads and writes, the op alternates them. The classes of 1,000
// and 2,000 a minute get more workers, as each worker waits out the
// sandbox's latency: two could not reach a recipe budget's rate.
func mixedWorkload(pkg []byte) []classLoad {
	acme := workato.ByID(acmeID)
	alt := func(n int, a, b func() error) error {
		if n%2 == 0 {
			return a()
		}
		return b()
	}
	return []classLoad{
		{workato.ClassCustomers, 2, func(ctx context.Context, c *workato.Client, n int) error {
			return alt(n, func() error { _, err := c.GetCustomer(ctx, acme); return err },
				func() error {
					_, err := c.UpdateCustomer(ctx, acme, workato.CustomerUpdate{OriginURL: ptr(fmt.Sprintf("https://o%d.example", n))})
					return err
				})
		}},
		{workato.ClassCustomerCreate, 12, func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.CreateCustomer(ctx, workato.CustomerCreate{Name: fmt.Sprintf("c%d", n), NotificationEmail: "x@example.com"})
			return err
		}},
		{workato.ClassMembers, 2, func(ctx context.Context, c *workato.Client, n int) error {
			return alt(n, func() error { _, err := c.ListMembers(ctx, acme); return err },
				func() error {
					_, err := c.AddMember(ctx, acme, workato.MemberAdd{Name: fmt.Sprintf("m%d", n), RoleName: "Analyst"})
					return err
				})
		}},
		{workato.ClassMemberDelete, 12, func(ctx context.Context, c *workato.Client, n int) error {
			// Unknown members answer 404, which spends the budget all the same.
			if err := c.RemoveMember(ctx, acme, int64(1_000_000+n)); !errors.Is(err, workato.ErrNotFound) {
				return err
			}
			return nil
		}},
		{workato.ClassConnectionsList, 12, func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ListConnections(ctx, acme, workato.ListConnectionsOptions{})
			return err
		}},
		{workato.ClassConnections, 2, func(ctx context.Context, c *workato.Client, n int) error {
			return alt(n, func() error {
				_, err := c.UpdateConnection(ctx, acme, slackConnID, workato.ConnectionUpdate{Name: ptr(fmt.Sprintf("Slack %d", n))})
				return err
			}, func() error { return c.DisconnectConnection(ctx, acme, slackConnID, false) })
		}},
		{workato.ClassPropertiesList, 12, func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ListProperties(ctx, acme, "gitops.")
			return err
		}},
		{workato.ClassPropertiesUpsert, 2, func(ctx context.Context, c *workato.Client, n int) error {
			return c.UpsertProperties(ctx, acme, map[string]string{"bench.n": fmt.Sprint(n)})
		}},
		{workato.ClassImports, 1, func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ImportPackage(ctx, acme, integID, bytes.NewReader(pkg), workato.ImportOptions{})
			return err
		}},
		{workato.ClassImportStatus, 12, func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.GetImport(ctx, acme, seededImportID)
			return err
		}},
		{workato.ClassConnectors, 12, func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ListConnectors(ctx)
			return err
		}},
		{workato.ClassFolders, 2, func(ctx context.Context, c *workato.Client, n int) error {
			return alt(n, func() error { _, err := c.ListFolders(ctx, acme, nil); return err },
				func() error { _, err := c.ListProjects(ctx, acme); return err })
		}},
		{workato.ClassRecipesList, 12, func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ListRecipes(ctx, acme, workato.ListRecipesOptions{FolderID: ptr[int64](integID)})
			return err
		}},
		{workato.ClassRecipes, 12, func(ctx context.Context, c *workato.Client, n int) error {
			return c.StopRecipe(ctx, acme, notifyID)
		}},
	}
}

// scaledLimits returns the same budgets for both sides: every window
// multiplied by factor, every request count divided by div (at least 3, so
// that every window has slots to reuse in turn).
// That the unscaled defaults agree route by route is
// TestRateClassesAgreeWithTheClient's job. margin widens the client's
// windows, as a fraction of the scaled window: the client stamps a start
// before the request travels, the sandbox when it arrives, and a busy
// machine delays some arrivals more than others.
func scaledLimits(factor float64, div int, margin float64) (map[string]sandbox.Limit, workato.Limits) {
	sl := sandbox.ScaleLimits(sandbox.DefaultLimits(), factor)
	for k, l := range sl {
		l.Requests = max(3, l.Requests/div)
		sl[k] = l
	}
	cl := workato.Limits{}
	for k, l := range workato.DefaultLimits() {
		per := time.Duration(float64(l.Per) * factor)
		cl[k] = workato.Limit{Requests: max(3, l.Requests/div), Per: per, Margin: time.Duration(float64(per) * margin)}
	}
	return sl, cl
}

// classUse is what the client sent in one class, stamped as each attempt
// left the client.
type classUse struct {
	requests    int
	first, last time.Time
}

// stampTransport records, per rate class, when attempts leave the client.
type stampTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	use  map[workato.Class]*classUse
}

func (st *stampTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	now, class := time.Now(), workato.ClassOf(req.Method, req.URL.Path)
	st.mu.Lock()
	u := st.use[class]
	if u == nil {
		u = &classUse{first: now}
		st.use[class] = u
	}
	u.requests++
	u.last = now
	st.mu.Unlock()
	return st.next.RoundTrip(req)
}

// classReport is one row of the utilisation table.
type classReport struct {
	class    workato.Class
	limit    workato.Limit
	requests int
	waits    int64
	limited  int64 // 429s the client saw in this class
	// util is achieved rate / allowed rate. Past the first window the
	// rate is (requests - one window's burst) / (last - first start); a
	// class whose window outlasts the run reports the share of its one
	// window's budget it used.
	util float64
}

// loadResult is the outcome of one run of the mixed workload.
type loadResult struct {
	rows        []classReport
	rateLimited int // 429s from the sandbox's own limiter
	errs        []error
}

// runMixedWorkload drives every class at once for d against a sandbox with
// rate limits on and latency per request, through the in-process transport
// so that CPU goes to the workload rather than to loopback TCP.
func runMixedWorkload(tb testing.TB, d, latency time.Duration, sl map[string]sandbox.Limit, cl workato.Limits) loadResult {
	tb.Helper()
	srv, err := sandbox.New(sandbox.Options{Token: sandboxToken, RateLimits: true, Limits: sl, Latency: latency})
	if err != nil {
		tb.Fatal(err)
	}
	seed := contractSeed()
	seed.Customers[0].Imports = []sandbox.Import{{ID: seededImportID, FolderID: integID, Status: "completed"}}
	if err := srv.LoadSeed(jsonReader(tb, seed)); err != nil {
		tb.Fatal(err)
	}
	stamps := &stampTransport{next: srv.Transport(), use: map[workato.Class]*classUse{}}
	c, err := workato.New(workato.Config{BaseURL: "https://sandbox.invalid/api", Token: sandboxToken,
		HTTPClient: &http.Client{Transport: stamps}, Limits: cl})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, load := range mixedWorkload(buildPackage(tb, "bench")) {
		for w := range load.workers {
			wg.Go(func() {
				for n := w; ctx.Err() == nil; n += load.workers {
					if err := load.op(ctx, c, n); err != nil && ctx.Err() == nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("%s: %w", load.class, err))
						mu.Unlock()
						return
					}
				}
			})
		}
	}
	wg.Wait()
	return loadResult{rows: report(stamps.use, c.Stats(), cl, d), rateLimited: srv.Stats().RateLimited, errs: errs}
}

func report(use map[workato.Class]*classUse, stats map[workato.Class]workato.ClassStats, cl workato.Limits, d time.Duration) []classReport {
	var rows []classReport
	for class, u := range use {
		l := cl[class]
		r := classReport{class: class, limit: l, requests: u.requests, waits: stats[class].Waits, limited: stats[class].RateLimited}
		if span := u.last.Sub(u.first); l.Per < d && span > 0 {
			allowed := float64(l.Requests) / l.Per.Seconds()
			r.util = float64(u.requests-l.Requests) / span.Seconds() / allowed
		} else {
			r.util = float64(u.requests) / float64(l.Requests)
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].class < rows[j].class })
	return rows
}

func (res loadResult) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %12s %9s %6s %5s %16s\n", "class", "limit", "requests", "waits", "429s", "achieved/allowed")
	for _, r := range res.rows {
		fmt.Fprintf(&b, "%-18s %12s %9d %6d %5d %16.2f\n", r.class,
			fmt.Sprintf("%d/%v", r.limit.Requests, r.limit.Per), r.requests, r.waits, r.limited, r.util)
	}
	fmt.Fprintf(&b, "429s from the sandbox's limiter: %d\n", res.rateLimited)
	return b.String()
}

// TestSchedulerNeverCausesA429 runs the mixed workload for two windows on
// a fake clock (testing/synctest): time passes only while every goroutine
// waits, so requests take no time and the outcome does not depend on how
// loaded the machine is. The client keeps the window it keeps in
// production (Per plus the default margin of Per/100). It asserts: no 429
// from the sandbox's limiter, and every class sent exactly its budget in
// each window that started during the run, so the client was held back
// (without that, "no 429" would prove nothing) and never held back more
// than its budget asks.
func TestSchedulerNeverCausesA429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 300 ms windows with a hundredth of the requests: 10 per window for
		// the 1,000/min classes, 3 for the 60/min ones, 5 imports per 18 s.
		sl, cl := scaledLimits(0.005, 100, 0)
		const run = 600 * time.Millisecond
		res := runMixedWorkload(t, run, 0, sl, cl)
		for _, err := range res.errs {
			t.Error(err)
		}
		if res.rateLimited != 0 {
			t.Errorf("the sandbox's limiter answered 429 %d times, want 0", res.rateLimited)
		}
		if len(res.rows) != len(mixedWorkload(nil)) {
			t.Errorf("the workload reached %d classes, want %d", len(res.rows), len(mixedWorkload(nil)))
		}
		for _, r := range res.rows {
			// Windows start at 0, window(), 2*window()... while the run lasts.
			w := r.limit.Per + r.limit.Per/100
			windows := int((run + w - 1) / w)
			if want := windows * r.limit.Requests; r.requests != want {
				t.Errorf("class %s: %d requests in %v, want %d windows of %d", r.class, r.requests, run, windows, r.limit.Requests)
			}
			// A wait cut short by the end of the run is not counted.
			if windows > 1 && r.waits == 0 {
				t.Errorf("class %s: %d requests and the client never waited; the workload did not exhaust its budget", r.class, r.requests)
			}
		}
		if t.Failed() {
			t.Logf("\n%s", res.table())
		}
	})
}

// TestSchedulerUtilisation runs Workato's own budgets at a hundredth of
// their windows (a per-minute window lasts 600 ms) for five windows, with
// 1 ms of latency per request, on a fake clock (testing/synctest), and
// asserts that every class whose window fits in the run achieved more
// than 0.8 of its allowed rate, with no 429. On the fake clock a request
// takes its latency and nothing else, so the outcome measures the
// scheduler, not how loaded the machine is, and is the same on every run.
// It simulates some 50,000 requests, too many for every `go test`
// (TestSchedulerNeverCausesA429 holds the same promises at a smaller
// scale), so it runs when BenchmarkSchedulerMixedWorkload asks, writing
// what it measured to the file schedulerBenchOut names.
func TestSchedulerUtilisation(t *testing.T) {
	if os.Getenv(schedulerBenchOut) == "" {
		t.Skip("run by BenchmarkSchedulerMixedWorkload (make bench)")
	}
	synctest.Test(t, func(t *testing.T) {
		sl, cl := scaledLimits(0.01, 1, 0.05)
		res := runMixedWorkload(t, 3*time.Second, time.Millisecond, sl, cl)
		if path := os.Getenv(schedulerBenchOut); path != "" {
			o := benchOutcome{Table: res.table(), Util: map[workato.Class]float64{}, RateLimited: res.rateLimited}
			for _, r := range res.rows {
				o.Util[r.class] = r.util
			}
			data, _ := json.Marshal(o)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		for _, err := range res.errs {
			t.Error(err)
		}
		for _, r := range res.rows {
			// Imports' hour-long window outlasts the run; it is reported, not judged.
			if r.class != workato.ClassImports && r.util < 0.8 {
				t.Errorf("class %s: utilisation %.2f, want above 0.8", r.class, r.util)
			}
		}
		if res.rateLimited != 0 {
			t.Errorf("the sandbox's limiter answered 429 %d times, want 0", res.rateLimited)
		}
		if t.Failed() {
			t.Logf("\n%s", res.table())
		}
	})
}

// schedulerBenchOut names the environment variable through which
// BenchmarkSchedulerMixedWorkload asks TestSchedulerUtilisation for its
// measurements: the file to write them to.
const schedulerBenchOut = "WORKATO_GITOPS_SCHEDULER_BENCH_OUT"

// benchOutcome is what TestSchedulerUtilisation measured.
type benchOutcome struct {
	Table       string
	Util        map[workato.Class]float64
	RateLimited int
}

// BenchmarkSchedulerMixedWorkload prints and reports, per class, how much
// of the allowed rate the client achieved in TestSchedulerUtilisation's
// run (Workato's budgets at a hundredth of their windows, five windows,
// 1 ms of latency per request), measured in this run on a fake clock. A
// benchmark cannot enter a testing/synctest bubble (synctest.Test takes a
// *testing.T), so each iteration runs that test in a child process of the
// test binary; on the real clock the ratios measured how busy the machine
// was (they fell to 0.01 at a load of 20). Its time per op is the CPU
// cost of simulating the run, plus starting the child.
func BenchmarkSchedulerMixedWorkload(b *testing.B) {
	out := filepath.Join(b.TempDir(), "outcome.json")
	var o benchOutcome
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSchedulerUtilisation$", "-test.count=1")
		cmd.Env = append(os.Environ(), schedulerBenchOut+"="+out)
		if output, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("TestSchedulerUtilisation: %v\n%s", err, output)
		}
		data, err := os.ReadFile(out)
		if err == nil {
			err = json.Unmarshal(data, &o)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	// b.Log would cut the table to ten lines without -v.
	fmt.Print(o.Table)
	for class, util := range o.Util {
		b.ReportMetric(util, strings.ReplaceAll(string(class), "_", "-")+"-util")
	}
	b.ReportMetric(float64(o.RateLimited), "429s")
}
