package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// envWorld is a sandbox world whose customer A1 (DEV, #100) has
// Environments provisioned: TEST is workspace #200, PROD #300, each a
// workspace of its own with its own Home.
func envWorld() sandbox.State {
	st := emptyCustomer(nil)
	st.Customers = append(st.Customers,
		sandbox.Customer{ID: 200, Name: "ACME (test)", EnvironmentOf: 100, EnvironmentType: "test", HomeFolderID: 201},
		sandbox.Customer{ID: 300, Name: "ACME (prod)", EnvironmentOf: 100, EnvironmentType: "prod", HomeFolderID: 301})
	return st
}

const envBody = "  environments: [prod, test]\n" +
	"folders:\n  - path: Sync\n" +
	"connections:\n  - name: Notes\n    provider: http\n    folder: Sync\n    state: shell\n"

// planEnvs reads and plans every entry of tenant, as plan does.
func planEnvs(t *testing.T, client *workato.Client, tenant *spec.Tenant) ([]apply.Work, *plan.Plan) {
	t.Helper()
	results := (&apply.Reader{Client: client}).ReadAll(context.Background(), []*spec.Tenant{tenant})
	var inputs []plan.Input
	for _, r := range results {
		inputs = append(inputs, plan.Input{Desired: plan.Desired{Tenant: tenant, FingerprintKey: kindsKey, Environment: r.Env},
			Live: r.Live, ReadErr: r.Err})
	}
	p := plan.Build(inputs, plan.Options{MaxDeletesPerTenant: 50, MaxDeletesTotal: 50})
	work := make([]apply.Work, len(inputs))
	for i, in := range inputs {
		work[i] = apply.Work{Plan: p.Tenants[i], Desired: in.Desired, Live: in.Live}
	}
	return work, p
}

func folderNames(t *testing.T, client *workato.Client, ws int64) []string {
	t.Helper()
	fs, err := client.ListFolders(context.Background(), workato.ByID(ws), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	return names
}

func connectionCount(t *testing.T, client *workato.Client, ws int64) int {
	t.Helper()
	cs, err := client.ListConnections(context.Background(), workato.ByID(ws), workato.ListConnectionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

// TestEnvironmentsApply: a manifest naming TEST and PROD is applied to
// each of those workspaces over HTTP, never to DEV; each ledger lives in
// its own workspace; the customer object is updated once; planning again
// has nothing to do.
func TestEnvironmentsApply(t *testing.T) {
	_, client := newSandbox(t, envWorld())
	tenant := loadYAML(t, envBody)
	work, p := planEnvs(t, client, tenant)
	if len(p.Tenants) != 2 || p.Tenants[0].Label() != "acme env test" || p.Tenants[1].Label() != "acme env prod" {
		t.Fatalf("entries: %+v", p.Tenants)
	}
	for _, tp := range p.Tenants {
		if tp.Status != plan.StatusPlanned || tp.CustomerID != 100 {
			t.Fatalf("%s: %s %s (customer #%d)", tp.Label(), tp.Status, tp.Error, tp.CustomerID)
		}
	}
	// The manifest's customer name differs: updated once, from TEST's entry.
	if ids := actionIDs(p.Tenants[0]); !slices.Contains(ids, "update customer A1") {
		t.Errorf("test's entry: %v, want the customer's update", ids)
	}
	if ids := actionIDs(p.Tenants[1]); slices.ContainsFunc(ids, func(id string) bool { return strings.Contains(id, "customer") }) {
		t.Errorf("prod's entry plans the customer too: %v", ids)
	}
	x := &apply.Executor{Client: client, LeaseSettle: time.Millisecond, Packages: &apply.Packages{}, ImportPoll: 1}
	res := x.Apply(context.Background(), work)
	for _, tr := range res.Tenants {
		if tr.Status != apply.StatusApplied || tr.Ledger != "written" {
			t.Fatalf("%s: %s, ledger %s; failed %+v", tr.Label(), tr.Status, tr.Ledger, tr.Failed)
		}
	}
	if res.Tenants[1].Environment != "prod" {
		t.Errorf("result's environment = %q", res.Tenants[1].Environment)
	}
	for ws, want := range map[int64][]string{100: nil, 200: {"Sync"}, 300: {"Sync"}} {
		if got := folderNames(t, client, ws); !slices.Equal(got, want) {
			t.Errorf("folders of workspace #%d = %v, want %v", ws, got, want)
		}
	}
	if n := connectionCount(t, client, 100); n != 0 {
		t.Errorf("DEV holds %d connections; the manifest manages TEST and PROD only", n)
	}
	if connectionCount(t, client, 200) != 1 || connectionCount(t, client, 300) != 1 {
		t.Errorf("TEST and PROD should hold the connection once each")
	}
	devLedger, err := client.ListProperties(context.Background(), workato.ByID(100), plan.LedgerPrefix)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range devLedger {
		if strings.HasPrefix(k, "workato_gitops.folder.") && v != "" {
			t.Errorf("DEV's ledger records %s: each environment's ledger is its own", k)
		}
	}
	cust, err := client.GetCustomer(context.Background(), workato.ByID(100))
	if err != nil || cust.Name != "ACME Corp" {
		t.Errorf("customer = %+v, %v; want its name updated", cust, err)
	}
	_, again := planEnvs(t, client, tenant)
	for _, tp := range again.Tenants {
		if tp.Status != plan.StatusPlanned || tp.Changes() {
			t.Errorf("planning %s again: %s %s %v", tp.Label(), tp.Status, tp.Error, actionIDs(tp))
		}
	}
}

// TestEnvironmentsNotProvisioned: a customer without Environments, and a
// manifest asking for TEST: every entry fails at the field, and apply
// changes nothing.
func TestEnvironmentsNotProvisioned(t *testing.T) {
	_, client := newSandbox(t, emptyCustomer(nil))
	tenant := loadYAML(t, envBody)
	work, p := planEnvs(t, client, tenant)
	for _, tp := range p.Tenants {
		if tp.Status != plan.StatusFailed || !strings.Contains(tp.Error, "acme.yaml:9): customer \"A1\" (#100) has no test or prod environment") {
			t.Errorf("%s: %s %q", tp.Label(), tp.Status, tp.Error)
		}
	}
	res := (&apply.Executor{Client: client, LeaseSettle: time.Millisecond, Packages: &apply.Packages{}}).Apply(context.Background(), work)
	for _, tr := range res.Tenants {
		if tr.Status != apply.StatusNotApplied {
			t.Errorf("%s: %s", tr.Label(), tr.Status)
		}
	}
	if got := folderNames(t, client, 100); len(got) != 0 {
		t.Errorf("DEV got folders %v", got)
	}
}

// TestEnvironmentsNewCustomer: a customer that does not exist yet, with
// DEV and TEST: apply creates it and DEV's content (DEV is its own id);
// TEST waits, and once the customer exists without Environments the plan
// says TEST is not provisioned.
func TestEnvironmentsNewCustomer(t *testing.T) {
	_, client := newSandbox(t, sandbox.State{})
	tenant := loadYAML(t, "  environments: [dev, test]\nfolders:\n  - path: Sync\n")
	work, p := planEnvs(t, client, tenant)
	if got := actionIDs(p.Tenants[1]); !slices.Equal(got, []string{"pending customer A1"}) || p.Tenants[1].Changes() {
		t.Errorf("test's entry: %v", got)
	}
	res := (&apply.Executor{Client: client, LeaseSettle: time.Millisecond, Packages: &apply.Packages{}}).Apply(context.Background(), work)
	if res.Tenants[0].Status != apply.StatusApplied || res.Tenants[1].Status != apply.StatusUnchanged {
		t.Fatalf("apply: %s %+v, %s", res.Tenants[0].Status, res.Tenants[0].Failed, res.Tenants[1].Status)
	}
	cust, err := client.GetCustomer(context.Background(), workato.ByExternalID("A1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := folderNames(t, client, cust.ID); !slices.Equal(got, []string{"Sync"}) {
		t.Errorf("DEV's folders = %v", got)
	}
	_, again := planEnvs(t, client, tenant)
	for _, tp := range again.Tenants {
		if tp.Status != plan.StatusFailed || !strings.Contains(tp.Error, "has no test environment: Environments are not provisioned") {
			t.Errorf("%s: %s %q", tp.Label(), tp.Status, tp.Error)
		}
	}
}

// TestEnvironmentsOnlyInList: where a single customer's answer carries no
// environments (the docs show them in the customers list only), the
// reader asks the list before concluding that none are provisioned.
func TestEnvironmentsOnlyInList(t *testing.T) {
	srv, err := sandbox.New(sandbox.Options{EnvironmentsOnlyInList: true})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(envWorld())
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := client.GetCustomer(context.Background(), workato.ByExternalID("A1")); err != nil || len(c.Environments) != 0 {
		t.Fatalf("the sandbox's GET carries environments: %+v, %v", c, err)
	}
	_, p := planEnvs(t, client, loadYAML(t, envBody))
	for _, tp := range p.Tenants {
		if tp.Status != plan.StatusPlanned || tp.WorkspaceID == 0 {
			t.Errorf("%s: %s %q (workspace #%d)", tp.Label(), tp.Status, tp.Error, tp.WorkspaceID)
		}
	}
	if got := srv.Stats().Requests["GET /managed_users"]; got != 1 {
		t.Errorf("customers listed %d times, want once", got)
	}
}
