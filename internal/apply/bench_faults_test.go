package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// faultKinds are the ambiguous failures: a 500, a connection dropped
// before the request is handled, and one dropped after its change was
// made. A 429 is left out: it is an answer (not processed), retried by the
// client for every method, and its one-second Retry-After would only make
// the benchmark slow.
var faultKinds = []sandbox.FaultKind{sandbox.FaultServerError, sandbox.FaultDrop, sandbox.FaultDropAfterCommit}

// faultTrial is one seeded plan and apply at the given fault rate on a new
// sandbox, and what planning again (with faults off) finds.
type faultTrial struct {
	changed    int // tenants the next plan still changes
	failed     int // tenants the apply did not finish
	duplicates []string
	faults     int
}

func runFaultTrial(tb testing.TB, tenants []*spec.Tenant, key spec.Secret, seed int64, rate float64) faultTrial {
	tb.Helper()
	srv, err := sandbox.New(sandbox.Options{InviteesExist: true, FailRate: rate, Seed: seed, Faults: faultKinds})
	if err != nil {
		tb.Fatal(err)
	}
	client := inProcessClient(tb, srv)
	// One tenant and one action at a time: the faults fall on the same
	// calls whenever the seed is the same.
	work := planAll(tb, client, tenants, key)
	x := &apply.Executor{Client: client, Packages: &apply.Packages{}, Parallelism: 1, PerTenant: 1, ImportPoll: time.Millisecond}
	res := x.Apply(context.Background(), work)
	var tr faultTrial
	for _, t := range res.Tenants {
		if t.Status != apply.StatusApplied && t.Status != apply.StatusUnchanged {
			tr.failed++
		}
	}
	for _, n := range srv.Stats().Faults {
		tr.faults += n
	}
	// Plan again on a fault-free copy of what the apply left.
	snap := srv.Snapshot()
	tr.duplicates = duplicates(snap)
	clean, err := sandbox.New(sandbox.Options{InviteesExist: true})
	if err != nil {
		tb.Fatal(err)
	}
	data, _ := json.Marshal(snap)
	if err := clean.LoadSeed(bytes.NewReader(data)); err != nil {
		tb.Fatal(err)
	}
	for _, w := range planAll(tb, inProcessClient(tb, clean), tenants, key) {
		if w.Plan.Status != plan.StatusPlanned || w.Plan.Changes() {
			tr.changed++
		}
	}
	return tr
}

// inProcessClient talks to srv with no listener and no rate limits, and
// backs off in milliseconds instead of seconds.
func inProcessClient(tb testing.TB, srv *sandbox.Server) *workato.Client {
	tb.Helper()
	limits := workato.Limits{}
	for class := range workato.DefaultLimits() {
		limits[class] = workato.Limit{}
	}
	client, err := workato.New(workato.Config{BaseURL: "http://sandbox.invalid/api", Limits: limits,
		HTTPClient: &http.Client{Transport: srv.Transport()},
		Retry:      workato.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}})
	if err != nil {
		tb.Fatal(err)
	}
	return client
}

func planAll(tb testing.TB, client *workato.Client, tenants []*spec.Tenant, key spec.Secret) []apply.Work {
	tb.Helper()
	lives := (&apply.Reader{Client: client, Parallelism: 1}).ReadAll(context.Background(), tenants)
	var pkgs apply.Packages
	work := make([]apply.Work, len(tenants))
	for i, t := range tenants {
		digests, err := pkgs.Digests(t)
		if err != nil {
			tb.Fatal(err)
		}
		d := plan.Desired{Tenant: t, PackageDigests: digests, FingerprintKey: key}
		tp := plan.Tenant(plan.Input{Desired: d, Live: lives[i].Live, ReadErr: lives[i].Err}, plan.Options{MaxDeletesPerTenant: 50, MaxDeletesTotal: 5000})
		work[i] = apply.Work{Plan: tp, Desired: d, Live: lives[i].Live}
	}
	return work
}

// duplicates lists the natural keys held by more than one object: a
// workspace per external id, a folder per (parent, name), a connection
// per (folder, name), a member per email.
func duplicates(s sandbox.State) []string {
	seen := map[string]int{}
	var walk func(ext, parent string, fs []sandbox.Folder)
	walk = func(ext, parent string, fs []sandbox.Folder) {
		for _, f := range fs {
			seen["folder "+ext+":"+parent+"/"+f.Name]++
			walk(ext, parent+"/"+f.Name, f.Folders)
		}
	}
	for _, c := range s.Customers {
		seen["customer "+c.ExternalID]++
		walk(c.ExternalID, "", c.Folders)
		for _, conn := range c.Connections {
			seen[fmt.Sprintf("connection %s:%d/%s", c.ExternalID, conn.FolderID, conn.Name)]++
		}
		for _, m := range c.Members {
			seen["member "+c.ExternalID+":"+strings.ToLower(m.Email)]++
		}
	}
	var out []string
	for k, n := range seen {
		if n > 1 {
			out = append(out, k)
		}
	}
	return out
}

// BenchmarkApplyUnderFaults plans and applies, once, the example tenants
// and a fleet of 100 new tenants, each in 10 seeded trials with a fifth
// of all calls failing (a 500, or a connection dropped before or after
// the change), and prints how many trials converged in that one apply
// (planning again, faults off, finds nothing to do) and how many objects
// were duplicated.
//
//	go test ./internal/apply -run x -bench ApplyUnderFaults -benchtime 1x
func BenchmarkApplyUnderFaults(b *testing.B) {
	const trials, rate = 10, 0.2
	key := spec.NewSecret("bench-fingerprint-key-0123456789abcdef")
	repo := examples(b)
	fleets := []struct {
		name    string
		tenants []*spec.Tenant
		key     spec.Secret
	}{
		{"examples/tenants", repo.Tenants, repo.Config.FingerprintKey},
		{"100-tenant fleet", newTenants(100), key},
	}
	for b.Loop() {
		for _, f := range fleets {
			converged, dups, faults, unfinished := 0, 0, 0, 0
			for seed := int64(1); seed <= trials; seed++ {
				tr := runFaultTrial(b, f.tenants, f.key, seed, rate)
				if tr.changed == 0 {
					converged++
				}
				dups += len(tr.duplicates)
				faults += tr.faults
				unfinished += tr.failed
				for _, d := range tr.duplicates {
					b.Errorf("%s seed %d: duplicate %s", f.name, seed, d)
				}
			}
			fmt.Printf("\n%s at %.0f%% faults: %d of %d seeded trials converged in one apply; %d duplicates; %d faults injected; %d tenant applies unfinished\n",
				f.name, rate*100, converged, trials, dups, faults, unfinished)
			b.ReportMetric(float64(converged)/trials, "converged/"+strings.Fields(f.name)[0])
			if converged < trials {
				b.Errorf("%s: %d of %d trials needed another apply", f.name, trials-converged, trials)
			}
		}
	}
}
