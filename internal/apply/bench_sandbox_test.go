package apply_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

var sandboxFleet = flag.Int("sandbox-fleet", 10000, "the larger fleet of BenchmarkSandboxFileApply (the smaller is a tenth of it)")

// BenchmarkSandboxFileApply applies new tenants on a sandbox that keeps
// its state in a file, in process and with no limits, as
// WORKATO_API_URL=sandbox:FILE does, for a fleet of n/10 and of n tenants,
// and prints the time ratio: linear persistence makes it about 10 (the
// whole-file rewrite it replaced made it quadratic). n is 10,000 (about a
// minute and a half); a quicker look:
//
//	go test ./internal/apply -run x -bench SandboxFileApply -benchtime 1x -args -sandbox-fleet 2000
func BenchmarkSandboxFileApply(b *testing.B) {
	big := *sandboxFleet
	small := max(big/10, 1)
	for b.Loop() {
		tSmall := sandboxFileApply(b, small)
		tBig := sandboxFileApply(b, big)
		ratio := tBig.Seconds() / tSmall.Seconds()
		b.ReportMetric(ratio, "time-ratio")
		fmt.Printf("\nsandbox:FILE apply of new tenants: %d in %v, %d in %v: %.2fx the time for %dx the tenants\n",
			small, tSmall.Round(time.Millisecond), big, tBig.Round(time.Millisecond), ratio, big/small)
	}
}

func sandboxFileApply(b *testing.B, n int) time.Duration {
	path := filepath.Join(b.TempDir(), "sb.json")
	srv, err := sandbox.New(sandbox.Options{StatePath: path})
	if err != nil {
		b.Fatal(err)
	}
	limits := workato.Limits{}
	for class := range workato.DefaultLimits() {
		limits[class] = workato.Limit{}
	}
	client, err := workato.New(workato.Config{BaseURL: "http://sandbox.invalid/api", Limits: limits,
		HTTPClient: &http.Client{Transport: srv.Transport()}})
	if err != nil {
		b.Fatal(err)
	}
	tenants := newTenants(n)
	key := spec.NewSecret("bench-fingerprint-key-0123456789abcdef")
	start := time.Now()
	lives := (&apply.Reader{Client: client, Parallelism: 8}).ReadAll(context.Background(), tenants)
	work := make([]apply.Work, n)
	for i, t := range tenants {
		d := plan.Desired{Tenant: t, FingerprintKey: key}
		tp := plan.Tenant(plan.Input{Desired: d, Live: lives[i].Live, ReadErr: lives[i].Err}, plan.Options{MaxDeletesPerTenant: 1, MaxDeletesTotal: 1})
		work[i] = apply.Work{Plan: tp, Desired: d, Live: lives[i].Live}
	}
	res := (&apply.Executor{Client: client, Parallelism: 8}).Apply(context.Background(), work)
	wall := time.Since(start)
	if res.Failed() {
		for _, t := range res.Tenants {
			if len(t.Failed) > 0 {
				b.Fatalf("%s: %+v", t.Name, t.Failed[0])
			}
		}
	}
	if st, err := sandbox.ReadState(path); err != nil || len(st.Customers) != n {
		b.Fatalf("state file after the apply: %d customers, %v", len(st.Customers), err)
	}
	return wall
}
