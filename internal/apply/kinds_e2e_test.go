package apply_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/export"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// loop is one tenant's plan-and-apply loop against a sandbox.
type loop struct {
	t      *testing.T
	client *workato.Client
	opts   plan.Options
}

func newLoop(t *testing.T, seed sandbox.State) (*sandbox.Server, *loop) {
	srv, client := newSandbox(t, seed)
	return srv, &loop{t: t, client: client, opts: plan.Options{MaxDeletesPerTenant: 50, MaxDeletesTotal: 50}}
}

// plan reads the tenant's live state and plans it.
func (l *loop) plan(tenant *spec.Tenant) (plan.TenantPlan, apply.Work) {
	l.t.Helper()
	live, err := (&apply.Reader{Client: l.client}).Tenant(context.Background(), tenant, nil)
	if err != nil {
		l.t.Fatal(err)
	}
	var pkgs apply.Packages
	digests, err := pkgs.Digests(tenant)
	if err != nil {
		l.t.Fatal(err)
	}
	d := plan.Desired{Tenant: tenant, PackageDigests: digests, FingerprintKey: kindsKey}
	tp := plan.Tenant(plan.Input{Desired: d, Live: live}, l.opts)
	return tp, apply.Work{Plan: tp, Desired: d, Live: live}
}

// apply plans and applies the tenant, and fails unless everything ran.
func (l *loop) apply(tenant *spec.Tenant) plan.TenantPlan {
	l.t.Helper()
	tp, w := l.plan(tenant)
	if tp.Status != plan.StatusPlanned {
		l.t.Fatalf("plan %s: %s %v", tp.Status, tp.Error, tp.Guards)
	}
	x := &apply.Executor{Client: l.client, LeaseSettle: time.Millisecond, Packages: &apply.Packages{}, ImportPoll: 1}
	res := x.Apply(context.Background(), []apply.Work{w}).Tenants[0]
	if res.Status != apply.StatusApplied && res.Status != apply.StatusUnchanged {
		l.t.Fatalf("apply %s: failed %+v, skipped %+v", res.Status, res.Failed, res.Skipped)
	}
	return tp
}

// converged fails unless planning again has nothing to do.
func (l *loop) converged(tenant *spec.Tenant) {
	l.t.Helper()
	tp, _ := l.plan(tenant)
	if tp.Status != plan.StatusPlanned || tp.Changes() {
		l.t.Errorf("planning again: %s %s, actions %v", tp.Status, tp.Error, actionIDs(tp))
	}
}

func actionIDs(tp plan.TenantPlan) []string {
	var ids []string
	for _, a := range tp.Actions {
		ids = append(ids, a.ID)
	}
	return ids
}

var kindsKey = spec.NewSecret("kinds-fingerprint-key-0123456789abcdef")

// emptyCustomer is a workspace with nothing in it, owned by the tool.
func emptyCustomer(edit func(*sandbox.Customer, *plan.Ledger)) sandbox.State {
	led := plan.NewLedger()
	led.Customer = true
	c := sandbox.Customer{ID: 100, ExternalID: "A1", Name: "ACME", NotificationEmail: "ops@acme.example", HomeFolderID: 101}
	if edit != nil {
		edit(&c, led)
	}
	c.Properties = led.Properties(plan.NewLedgerKey(kindsKey, 100))
	return sandbox.State{Customers: []sandbox.Customer{c}}
}

func bareTenant() *spec.Tenant {
	return &spec.Tenant{Name: "acme", Customer: spec.Customer{ExternalID: "A1", Name: "ACME", NotificationEmail: "ops@acme.example"}}
}

func shell(name, folder string) spec.Connection {
	return spec.Connection{Name: name, Folder: folder, Provider: "http", State: spec.StateShell}
}

// TestSlashNamesDoNotCollide: connection "B/C" in folder "A" and "C" in
// folder "A/B", and "Integrations/Salesforce" at Home against
// "Salesforce" in "Integrations", are four connections, created once each
// in their own folders, and the next plan has nothing to do.
func TestSlashNamesDoNotCollide(t *testing.T) {
	srv, l := newLoop(t, emptyCustomer(nil))
	tenant := bareTenant()
	tenant.Folders = []spec.Folder{{Path: "A", Implied: true}, {Path: "A/B"}, {Path: "Integrations"}}
	tenant.Connections = []spec.Connection{shell("B/C", "A"), shell("C", "A/B"), shell("Integrations/Salesforce", ""), shell("Salesforce", "Integrations")}
	l.apply(tenant)
	l.converged(tenant)
	st := srv.Snapshot()
	var got []string
	for _, c := range st.Customers[0].Connections {
		got = append(got, c.Folder+" | "+c.Name)
	}
	slices.Sort(got)
	want := []string{" | Integrations/Salesforce", "A | B/C", "A/B | C", "Integrations | Salesforce"}
	if !slices.Equal(got, want) {
		t.Errorf("connections (folder | name) = %q, want %q", got, want)
	}
}

// TestPruneNestedTree: an owned tree A/B/C/D and A/B2/C2, each leaf with
// an owned connection, all removed from the manifest, is pruned in one
// apply: contents before their folder, subfolders before their parent.
func TestPruneNestedTree(t *testing.T) {
	srv, l := newLoop(t, emptyCustomer(func(c *sandbox.Customer, led *plan.Ledger) {
		c.Folders = []sandbox.Folder{{ID: 10, Name: "A", Folders: []sandbox.Folder{
			{ID: 11, Name: "B", Folders: []sandbox.Folder{{ID: 12, Name: "C", Folders: []sandbox.Folder{{ID: 13, Name: "D"}}}}},
			{ID: 14, Name: "B2", Folders: []sandbox.Folder{{ID: 15, Name: "C2"}}},
		}}}
		for id, p := range map[int64]string{10: "A", 11: "A/B", 12: "A/B/C", 13: "A/B/C/D", 14: "A/B2", 15: "A/B2/C2"} {
			led.Folders[id] = plan.LedgerFolder{Path: p}
		}
		c.Connections = []sandbox.Connection{{ID: 20, Name: "d", Provider: "http", Folder: "A/B/C/D"}, {ID: 21, Name: "c2", Provider: "http", Folder: "A/B2/C2"}}
		led.Connections[20] = plan.LedgerConnection{Folder: "A/B/C/D", Name: "d"}
		led.Connections[21] = plan.LedgerConnection{Folder: "A/B2/C2", Name: "c2"}
	}))
	tenant := bareTenant()
	tenant.Prune = spec.Prune{Folders: true, Connections: true}
	tp := l.apply(tenant)
	if got := tp.Counts()[plan.OpDelete]; got != 8 {
		t.Errorf("the plan deletes %d objects, want 8: %v", got, actionIDs(tp))
	}
	l.converged(tenant)
	if st := srv.Snapshot().Customers[0]; len(st.Folders) != 0 || len(st.Connections) != 0 {
		t.Errorf("left behind: folders %+v, connections %+v", st.Folders, st.Connections)
	}
}

// TestOverlappingIDsAcrossKinds: a protected folder, a member and an owned
// connection that left the manifest share the id 300 (ids are unique per
// kind only); the folder's protection does not block the connection's
// delete, and apply records each in its own ledger section.
func TestOverlappingIDsAcrossKinds(t *testing.T) {
	srv, l := newLoop(t, emptyCustomer(func(c *sandbox.Customer, led *plan.Ledger) {
		c.Folders = []sandbox.Folder{{ID: 300, Name: "Keep"}}
		led.Folders[300] = plan.LedgerFolder{Path: "Keep", Protect: true}
		c.Connections = []sandbox.Connection{{ID: 300, Name: "old", Provider: "http"}}
		led.Connections[300] = plan.LedgerConnection{Name: "old"}
		c.Members = []sandbox.Member{{ID: 300, Name: "Admin", Email: "admin@acme.example", RoleName: "Admin"}}
	}))
	tenant := bareTenant()
	tenant.Folders = []spec.Folder{{Path: "Keep", Protect: true}}
	tenant.Members = []spec.Member{{Email: "admin@acme.example", Name: "Admin", Role: "Admin"}}
	tenant.Prune = spec.Prune{Connections: true}
	tp := l.apply(tenant)
	want := []string{"adopt member admin@acme.example", "delete connection old"}
	if got := actionIDs(tp); !slices.Equal(got, want) {
		t.Errorf("actions %q, want %q", got, want)
	}
	l.converged(tenant)
	led, err := plan.ParseLedger(srv.Snapshot().Customers[0].Properties, plan.NewLedgerKey(kindsKey, 100))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := led.Members[300]; !ok || !led.Folders[300].Protect || len(led.Connections) != 0 {
		t.Errorf("ledger after the apply: %+v", led)
	}
}

// TestEveryKind runs each kind through validate (the YAML loader), plan,
// apply, plan again (nothing to do), export (which writes the kind's
// objects unless its descriptor says why not, and plans nothing but
// adoptions once loaded back) and prune where the kind can be pruned (the
// object is then gone from the workspace), on the sandbox over HTTP. A kind of plan.AllKinds without a case fails the test.
func TestEveryKind(t *testing.T) {
	cases := map[plan.Kind]struct {
		yaml   string // the kind's part of the manifest
		seed   func(*sandbox.Customer)
		pruned string                                  // the manifest once the object left it, "" when the kind cannot be pruned
		gone   func(t *testing.T, st sandbox.Customer) // after pruning: the object is not in the workspace
		accept string                                  // an email whose invitation is accepted after the first apply
		check  func(t *testing.T, st sandbox.Customer)
	}{
		plan.KindCustomer: {
			yaml:  "",
			check: func(t *testing.T, st sandbox.Customer) { want(t, "customer name", st.Name, "ACME Corp") },
		},
		plan.KindMember: {
			yaml:   "members:\n  - email: dev@acme.example\n    name: Dev\n    role: Admin\n",
			pruned: "prune:\n  members: true\n",
			gone:   func(t *testing.T, st sandbox.Customer) { want(t, "members after pruning", len(st.Members), 0) },
			accept: "dev@acme.example",
			check:  func(t *testing.T, st sandbox.Customer) { want(t, "members", len(st.Members), 1) },
		},
		plan.KindFolder: {
			yaml:   "folders:\n  - path: Sales/CRM\n",
			pruned: "prune:\n  folders: true\n",
			gone:   func(t *testing.T, st sandbox.Customer) { want(t, "folders after pruning", len(st.Folders), 0) },
			check:  func(t *testing.T, st sandbox.Customer) { want(t, "top folder", st.Folders[0].Folders[0].Name, "CRM") },
		},
		plan.KindConnection: {
			yaml:   "folders:\n  - path: Sales\nconnections:\n  - name: Slack\n    provider: slack\n    folder: Sales\n",
			pruned: "folders:\n  - path: Sales\nprune:\n  connections: true\n",
			gone:   func(t *testing.T, st sandbox.Customer) { want(t, "connections after pruning", len(st.Connections), 0) },
			check: func(t *testing.T, st sandbox.Customer) {
				want(t, "connection", st.Connections[0].Folder+"/"+st.Connections[0].Name, "Sales/Slack")
			},
		},
		plan.KindPackage: {
			yaml:  "folders:\n  - path: Sync\npackages:\n  - name: sf\n    source: pkg\n    folder: Sync\n",
			check: func(t *testing.T, st sandbox.Customer) { want(t, "recipes imported", len(st.Recipes), 2) },
		},
		plan.KindRecipe: {
			yaml: "folders:\n  - path: Sync\nrecipes:\n  - name: Nightly\n    folder: Sync\n    running: true\n",
			seed: func(c *sandbox.Customer) {
				c.Folders = []sandbox.Folder{{ID: 50, Name: "Sync"}}
				c.Recipes = []sandbox.Recipe{{ID: 60, Name: "Nightly", Folder: "Sync"}}
			},
			check: func(t *testing.T, st sandbox.Customer) { want(t, "running", st.Recipes[0].Running, true) },
		},
	}
	for _, k := range plan.AllKinds {
		t.Run(string(k), func(t *testing.T) {
			tc, ok := cases[k]
			if !ok {
				t.Fatalf("no case for kind %q: add one", k)
			}
			seed := emptyCustomer(nil)
			seed.Customers[0].Properties = nil // adopted by the first apply
			if tc.seed != nil {
				tc.seed(&seed.Customers[0])
			}
			srv, l := newLoop(t, seed)
			tenant := loadYAML(t, tc.yaml)
			l.apply(tenant)
			l.converged(tenant)
			if tc.accept != "" {
				if err := srv.AcceptInvitation(100, tc.accept); err != nil {
					t.Fatal(err)
				}
				l.apply(tenant)
				l.converged(tenant)
			}
			tc.check(t, srv.Snapshot().Customers[0])
			l.exported(k, tenant)
			if tc.pruned == "" {
				return
			}
			if tc.gone == nil {
				t.Fatal("a kind that can be pruned needs its gone check")
			}
			gone := loadYAML(t, tc.pruned)
			tp := l.apply(gone)
			if tp.Counts()[plan.OpDelete] == 0 {
				t.Errorf("pruning planned no delete: %v", actionIDs(tp))
			}
			l.converged(gone)
			// Converged alone would pass a delete that did nothing: what
			// is left is reported as unmanaged, and planned no more.
			tc.gone(t, srv.Snapshot().Customers[0])
		})
	}
}

// exported exports the workspace, loads the manifest back and fails
// unless it holds objects of kind k (when k is exported) and planning it
// has nothing to do but adopt.
func (l *loop) exported(k plan.Kind, tenant *spec.Tenant) {
	l.t.Helper()
	ctx := context.Background()
	cust, err := l.client.GetCustomer(ctx, workato.ByExternalID(tenant.Customer.ExternalID))
	if err != nil {
		l.t.Fatal(err)
	}
	et, err := (&export.Reader{Client: l.client}).Tenant(ctx, *cust, tenant.Name)
	if err != nil {
		l.t.Fatalf("export: %v", err)
	}
	if n := et.Count(k); n == 0 && plan.NotExported(k) == "" {
		l.t.Errorf("export wrote no %s", k)
	}
	var buf bytes.Buffer
	if err := export.Render(&buf, et, "tenant.schema.json"); err != nil {
		l.t.Fatal(err)
	}
	dir := l.t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, tenant.Name+".yaml"), buf.Bytes(), 0o644); err != nil {
		l.t.Fatal(err)
	}
	repo, err := spec.Load(dir, spec.Options{Schemas: schemas.FS})
	if err != nil {
		l.t.Fatalf("the exported manifest does not load:\n%s\n%v", buf.Bytes(), err)
	}
	// What the tool did not create (a package's connections) is adopted.
	tp, _ := l.plan(repo.Tenants[0])
	for _, a := range tp.Actions {
		if !a.Op.ReportOnly() && a.Op != plan.OpAdopt {
			l.t.Errorf("planning the exported manifest: %s", a.ID)
		}
	}
	if tp.Status != plan.StatusPlanned {
		l.t.Errorf("planning the exported manifest: %s %s", tp.Status, tp.Error)
	}
	if l.t.Failed() {
		l.t.Logf("exported:\n%s", buf.Bytes())
	}
}

func want[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// loadYAML validates and loads a manifest of one tenant made of body.
func loadYAML(t *testing.T, body string) *spec.Tenant {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "pkg"), os.DirFS("../../examples/tenants/packages/salesforce-sync")); err != nil {
		t.Fatal(err)
	}
	head := "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: acme\ncustomer:\n  externalId: A1\n  name: ACME Corp\n  notificationEmail: ops@acme.example\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(head+body), 0o644); err != nil {
		t.Fatal(err)
	}
	repo, err := spec.Load(dir, spec.Options{Schemas: schemas.FS})
	if err != nil {
		t.Fatalf("validate:\n%s\n%v", head+body, err)
	}
	if len(repo.Tenants) != 1 {
		t.Fatalf("tenants: %d", len(repo.Tenants))
	}
	return repo.Tenants[0]
}

// TestImportHomeAssetsProject: in a workspace whose Home assets became a
// project, Workato refuses an import without folder_id_for_home_assets;
// apply sends the package's own folder, so the import goes through.
func TestImportHomeAssetsProject(t *testing.T) {
	seed := emptyCustomer(func(c *sandbox.Customer, _ *plan.Ledger) { c.HomeAssetsProject = true })
	srv, l := newLoop(t, seed)
	tenant := loadYAML(t, "folders:\n  - path: Sync\npackages:\n  - name: sf\n    source: pkg\n    folder: Sync\n")
	l.apply(tenant)
	l.converged(tenant)
	want(t, "recipes imported", len(srv.Snapshot().Customers[0].Recipes), 2)
}
