package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/spec/spectest"
	"github.com/workato-gitops/workato-gitops/internal/workato"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// examples loads the example tenants, decrypted as the demo key does
// (spectest: this package's tests do not link SOPS).
func examples(t testing.TB) *spec.Repo {
	t.Helper()
	repo, err := spec.Load("../../examples/tenants", spec.Options{Schemas: schemas.FS, Decrypter: spectest.Examples()})
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

func tenantNamed(repo *spec.Repo, name string) *spec.Tenant {
	for _, t := range repo.Tenants {
		if t.Name == name {
			return t
		}
	}
	panic(name)
}

// newSandbox serves a sandbox seeded with state over real HTTP and returns
// it with a client for it. Invitees have no Workato account: an
// invitation stays pending until the test accepts it.
func newSandbox(t testing.TB, state sandbox.State) (*sandbox.Server, *workato.Client) {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

// driftedAcme is acme's workspace after a while in production: the
// ledger says what the tool made, and reality has drifted from it.
func driftedAcme(t testing.TB, acme *spec.Tenant, key spec.Secret, extraConns int) sandbox.State {
	fp := func(name string) string {
		for _, c := range acme.Connections {
			if c.Name == name {
				return c.Input.Fingerprint(key)
			}
		}
		t.Fatalf("no connection %q", name)
		return ""
	}
	led := plan.NewLedger()
	led.Customer = true
	led.Folders[112] = plan.LedgerFolder{Path: "Integrations/Salesforce/Sync", Protect: true}
	led.Folders[121] = plan.LedgerFolder{Path: "Shared/Notifications"}
	led.Connections[200] = plan.LedgerConnection{Folder: "Shared/Notifications", Name: "Slack notifications"}
	led.Connections[201] = plan.LedgerConnection{Name: "ACME Parent Salesforce", Fingerprint: fp("ACME Parent Salesforce"), Protect: true}
	led.Connections[202] = plan.LedgerConnection{Name: "Salesforce", Fingerprint: "hmac-sha256:rotated-since"} // a rotated secret
	led.Connections[203] = plan.LedgerConnection{Name: "Old API"}                                              // owned, left the manifest
	led.Members[400] = plan.LedgerMember{Email: "support@partner.example"}
	led.Members[401] = plan.LedgerMember{Email: "admin@acme.example"}
	led.Packages["salesforce-sync"] = plan.LedgerPackage{Name: "salesforce-sync", Digest: "sha256:an-older-package", Folder: "Integrations/Salesforce/Sync"}
	conns := []sandbox.Connection{
		{ID: 200, Name: "Slack notifications", Provider: "slack", Folder: "Shared/Notifications"},
		{ID: 201, Name: "ACME Parent Salesforce", Provider: "salesforce", Folder: "Integrations/Salesforce", ExternalID: "U12903", AuthorizationStatus: "success"},
		{ID: 202, Name: "Salesforce", Provider: "salesforce", Folder: "Integrations/Salesforce/Sync (renamed)", ExternalID: "U12904", ParentID: 201, AuthorizationStatus: "success"},
		{ID: 203, Name: "Old API", Provider: "http", Folder: "Integrations/Salesforce", AuthorizationStatus: "success"},
		{ID: 204, Name: "Customer's own", Provider: "slack", Folder: "Shared/Notifications"}, // not ours
	}
	for i := range extraConns {
		conns = append(conns, sandbox.Connection{ID: int64(1000 + i), Name: fmt.Sprintf("theirs-%d", i), Provider: "http", Folder: "Shared/Notifications"})
	}
	return sandbox.State{Customers: []sandbox.Customer{{
		ID: 100, ExternalID: "A2300", Name: "ACME Corp", NotificationEmail: "ops@acme.example", PlanID: "oem_standard", HomeFolderID: 101,
		Folders: []sandbox.Folder{
			{ID: 110, Name: "Integrations", Folders: []sandbox.Folder{{ID: 111, Name: "Salesforce", Folders: []sandbox.Folder{{ID: 112, Name: "Sync (renamed)"}}}}},
			{ID: 120, Name: "Shared", Folders: []sandbox.Folder{{ID: 121, Name: "Notifications"}}},
		},
		Connections: conns,
		Recipes: []sandbox.Recipe{
			{ID: 300, Name: "Sync accounts to Salesforce", Folder: "Integrations/Salesforce/Sync (renamed)", Running: false,
				Config: []sandbox.RecipeConfig{{Keyword: "application", Provider: "salesforce", Connection: "Salesforce"}}},
			{ID: 301, Name: "Nightly contact cleanup", Folder: "Integrations/Salesforce/Sync (renamed)"},
		},
		Members: []sandbox.Member{
			{ID: 400, Name: "Partner Support", Email: "support@partner.example", RoleName: "Admin"},
			{ID: 401, Name: "ACME Admin", Email: "admin@acme.example", RoleName: "Admin"},
		},
		Properties: led.Properties(plan.NewLedgerKey(key, 100)),
	}}}
}

func planFor(t *testing.T, repo *spec.Repo, tenant *spec.Tenant, live *plan.Live) plan.TenantPlan {
	t.Helper()
	var pkgs apply.Packages
	digests, err := pkgs.Digests(tenant)
	if err != nil {
		t.Fatal(err)
	}
	return plan.Tenant(plan.Input{Desired: plan.Desired{Tenant: tenant, PackageDigests: digests, FingerprintKey: repo.Config.FingerprintKey}, Live: live},
		plan.Options{MaxDeletesPerTenant: 5, MaxDeletesTotal: 20})
}

// TestPlanDrift: on a workspace seeded with drift (an extra owned
// connection, an unowned one, a renamed folder, a rotated secret, a
// changed package, a stopped recipe that should run), the plan lists
// exactly the actions that undo it, and nothing for the unowned object
// but "unmanaged".
func TestPlanDrift(t *testing.T) {
	repo := examples(t)
	acme := tenantNamed(repo, "acme")
	_, client := newSandbox(t, driftedAcme(t, acme, repo.Config.FingerprintKey, 0))
	live, err := (&apply.Reader{Client: client}).Tenant(context.Background(), acme, nil)
	if err != nil {
		t.Fatal(err)
	}
	tp := planFor(t, repo, acme, live)
	var got []string
	for _, a := range tp.Actions {
		got = append(got, fmt.Sprintf("%s #%d [%s]", a.ID, a.LiveID, strings.Join(a.DependsOn, "; ")))
	}
	want := []string{
		"update folder Integrations/Salesforce/Sync #112 []",
		"reconnect connection Integrations/Salesforce/Sync/Salesforce #202 []",
		"import package salesforce-sync #0 [reconnect connection Integrations/Salesforce/Sync/Salesforce]",
		"start recipe Integrations/Salesforce/Sync/Sync accounts to Salesforce #300 [import package salesforce-sync; reconnect connection Integrations/Salesforce/Sync/Salesforce]",
		"delete connection Integrations/Salesforce/Old API #203 []",
		"unmanaged connection Shared/Notifications/Customer's own #204 []",
	}
	if tp.Status != plan.StatusPlanned {
		t.Fatalf("status %s: %s %v", tp.Status, tp.Error, tp.Guards)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

// TestPlanCalls: reading one tenant for its plan costs a fixed number of
// calls, whatever the number of connections: 1 customer + 1 ledger + 1
// connections + 4 folder lists (Home and the three parents on acme's
// paths) + 1 recipes + 1 members = 9.
func TestPlanCalls(t *testing.T) {
	repo := examples(t)
	acme := tenantNamed(repo, "acme")
	want := map[string]int{
		"GET /managed_users/:id":             1,
		"GET /managed_users/:id/properties":  1,
		"GET /managed_users/:id/connections": 1,
		"GET /managed_users/:id/folders":     4,
		"GET /managed_users/:id/recipes":     1,
		"GET /managed_users/:id/members":     1,
	}
	for _, n := range []int{0, 1, 50} {
		srv, client := newSandbox(t, driftedAcme(t, acme, repo.Config.FingerprintKey, n))
		srv.ResetStats()
		if _, err := (&apply.Reader{Client: client}).Tenant(context.Background(), acme, nil); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, srv.Stats().Requests); diff != "" {
			t.Errorf("with %d extra connections, calls (-want +got):\n%s", n, diff)
		}
	}
}

// TestPlanNewTenantCallsOnce: a tenant whose workspace does not exist yet
// costs one call (the customer lookup), and plans every object as created.
func TestPlanNewTenantCallsOnce(t *testing.T) {
	repo := examples(t)
	acme := tenantNamed(repo, "acme")
	srv, client := newSandbox(t, sandbox.State{})
	live, err := (&apply.Reader{Client: client}).Tenant(context.Background(), acme, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Stats().Total; got != 1 {
		t.Errorf("calls = %d, want 1", got)
	}
	tp := planFor(t, repo, acme, live)
	if len(tp.Actions) < 10 {
		t.Fatalf("a new workspace plans %d actions: %+v", len(tp.Actions), tp)
	}
	for _, a := range tp.Actions {
		if a.Op != plan.OpCreate && a.Op != plan.OpImport && a.Op != plan.OpStart {
			t.Errorf("unexpected %s", a.ID)
		}
	}
}

// TestReadAllIsolatesFailures: a tenant whose reading fails is reported as
// failed while the others still plan.
func TestReadAllIsolatesFailures(t *testing.T) {
	repo := examples(t)
	acme := tenantNamed(repo, "acme")
	broken := *tenantNamed(repo, "initech")
	broken.Customer.ID = 999999 // pinned, and not in the account
	_, client := newSandbox(t, driftedAcme(t, acme, repo.Config.FingerprintKey, 0))
	results := (&apply.Reader{Client: client}).ReadAll(context.Background(), []*spec.Tenant{acme, &broken})
	var inputs []plan.Input
	for i, tn := range []*spec.Tenant{acme, &broken} {
		var pkgs apply.Packages
		digests, _ := pkgs.Digests(tn)
		inputs = append(inputs, plan.Input{Desired: plan.Desired{Tenant: tn, PackageDigests: digests, FingerprintKey: repo.Config.FingerprintKey},
			Live: results[i].Live, ReadErr: results[i].Err})
	}
	p := plan.Build(inputs, plan.Options{MaxDeletesPerTenant: 5, MaxDeletesTotal: 20})
	if got := []plan.Status{p.Tenants[0].Status, p.Tenants[1].Status}; !cmp.Equal(got, []plan.Status{plan.StatusPlanned, plan.StatusFailed}) {
		t.Fatalf("statuses %v", got)
	}
	if want := "customer id 999999 (pinned in "; !strings.Contains(p.Tenants[1].Error, want) {
		t.Errorf("error %q does not contain %q", p.Tenants[1].Error, want)
	}
}
