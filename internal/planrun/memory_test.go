package planrun

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"weak"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// memFleet is n tenants that exist, unmanaged, in the returned sandbox
// state: each plans an adopt of its customer, member, folders and two
// connections, and a reconnect.
func memFleet(n int) (*spec.Repo, sandbox.State) {
	repo := &spec.Repo{Config: spec.Config{Guards: spec.Guards{MaxDeletesPerTenant: 10, MaxDeletesTotal: 100},
		FingerprintKey: spec.NewSecret("memory-test-fingerprint-key-0123456789")}}
	var st sandbox.State
	for i := range n {
		pos := spec.Pos{File: fmt.Sprintf("t%04d.yaml", i), Line: 1}
		ext := fmt.Sprintf("F%04d", i)
		repo.Tenants = append(repo.Tenants, &spec.Tenant{
			Pos: pos, Name: fmt.Sprintf("t%04d", i),
			Customer: spec.Customer{Pos: pos, ExternalID: ext, Name: "Fleet Customer " + ext, NotificationEmail: "ops@fleet.example"},
			Members:  []spec.Member{{Pos: pos, Email: "admin@fleet.example", Name: "Admin", Role: "Admin"}},
			Folders:  []spec.Folder{{Pos: pos, Path: "Clients", Implied: true}, {Pos: pos, Path: "Clients/Reports"}},
			Connections: []spec.Connection{
				{Pos: pos, Name: "Reports API", Provider: "http", Folder: "Clients/Reports", State: spec.StateConnected, HasInput: true,
					Input: spec.Input{"api_key": spec.NewSecret("fleet-key-" + ext)}},
				{Pos: pos, Name: "Slack", Provider: "slack", Folder: "Clients", State: spec.StateShell},
			},
		})
		st.Customers = append(st.Customers, sandbox.Customer{
			ExternalID: ext, Name: "Fleet Customer " + ext, NotificationEmail: "ops@fleet.example",
			Members: []sandbox.Member{{Name: "Admin", Email: "admin@fleet.example", RoleName: "Admin"}},
			Folders: []sandbox.Folder{{Name: "Clients", Folders: []sandbox.Folder{{Name: "Reports"}}}},
			Connections: []sandbox.Connection{
				{Name: "Reports API", Provider: "http", Folder: "Clients/Reports", AuthorizationStatus: "success"},
				{Name: "Slack", Provider: "slack", Folder: "Clients"},
			},
		})
	}
	return repo, st
}

// heapAfterGC is the heap in use once the collector has settled.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestDisplayRunRetainsLittlePerTenant: a plan run that only prints (the
// plan command) holds, per tenant, what rendering needs: not the live
// listings, nor the copies of manifest and live objects apply acts on.
// Before Display it held what a run for apply holds (about 5 KiB a tenant
// here, where displaying holds about 2 KiB).
func TestDisplayRunRetainsLittlePerTenant(t *testing.T) {
	const n = 100
	repo, st := memFleet(n)
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(st)
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	// In-process, not over loopback HTTP: the same requests and answers,
	// without a TCP server and connection pool (most of this test's CPU
	// under the race detector, and a fixed share of the heap measured).
	limits := workato.Limits{}
	for class := range workato.DefaultLimits() {
		limits[class] = workato.Limit{} // unlimited
	}
	client, err := workato.New(workato.Config{BaseURL: "http://sandbox.invalid/api", HTTPClient: &http.Client{Transport: srv.Transport()}, Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	run := func(display bool) (*Planned, uint64) {
		before := heapAfterGC()
		pl, err := Run(context.Background(), repo, nil, Live{Client: client, Parallelism: 8, Display: display})
		if err != nil {
			t.Fatal(err)
		}
		if pl.Plan.Failed() || len(pl.Plan.Tenants) != n {
			t.Fatalf("plan: failed %v, %d tenants: %+v", pl.Plan.Failed(), len(pl.Plan.Tenants), pl.Plan.Tenants[0])
		}
		held := heapAfterGC() - min(before, heapAfterGC())
		return pl, held
	}
	full, fullHeld := run(false)
	if a := full.Plan.Tenants[0].Actions[0]; a.Desired == nil || full.Inputs[0].Live == nil {
		t.Fatalf("a run for apply lost what apply acts on: %+v, live %v", a, full.Inputs[0].Live)
	}
	runtime.KeepAlive(full)
	full = nil
	// The manifests' tenants are released as they are planned: keep all
	// but the first alive here, so that what the plan holds is measured.
	keep := slices.Clone(repo.Tenants[1:])
	first := weak.Make(repo.Tenants[0])
	shown, held := run(true)
	if repo.Tenants != nil || shown.Tenants != nil {
		t.Error("a display run kept the manifests' tenants")
	}
	if first.Value() != nil {
		t.Error("a display run's first tenant was not released")
	}
	runtime.KeepAlive(keep)
	perTenant := held / n
	t.Logf("held per tenant: %d B displaying, %d B for apply", perTenant, fullHeld/n)
	for _, a := range shown.Plan.Tenants[0].Actions {
		if a.Desired != nil || a.Before != nil || a.Patch != nil {
			t.Errorf("a display run kept the typed fields of %s", a.ID)
		}
	}
	if shown.Inputs[0].Live != nil {
		t.Errorf("a display run without SaveLive kept the live state")
	}
	if perTenant > 3072 {
		t.Errorf("a display run holds %d bytes a tenant, want at most 3 KiB", perTenant)
	}
	runtime.KeepAlive(shown)
}
