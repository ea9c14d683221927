package plan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// envTenant is tenant() managing its TEST and PROD environments.
func envTenant() *spec.Tenant {
	t := tenant()
	t.Customer.Environments = []string{"test", "prod"}
	return t
}

// envCustomer is the live customer of inSync() with Environments
// provisioned: TEST is workspace 50, PROD 60.
func envCustomer() *LiveCustomer {
	return &LiveCustomer{ID: 1, ExternalID: "A1", Name: "ACME", NotificationEmail: "ops@acme.example",
		Environments: map[string]int64{"test": 50, "prod": 60}}
}

// inSyncAt is inSync() as the workspace with id ws: its ledger is signed
// for that workspace.
func inSyncAt(ws int64) *Live {
	l := inSync()
	led, err := ParseLedger(l.Ledger, NewLedgerKey(fpKey, 1))
	if err != nil {
		panic(err)
	}
	l.Ledger = led.Properties(NewLedgerKey(fpKey, ws))
	l.Customer = envCustomer()
	return l
}

func envInputs(t *spec.Tenant, lives map[string]*Live) []Input {
	var out []Input
	for _, env := range t.Customer.Environments {
		d := desired(t)
		d.Environment = env
		out = append(out, Input{Desired: d, Live: lives[env]})
	}
	return out
}

// Each environment is planned for its own workspace, against its own
// ledger: TEST in sync plans nothing, an empty PROD gets everything. The
// customer object is planned once, in the first environment's entry.
func TestEnvironmentsPlanEachWorkspace(t *testing.T) {
	ten := envTenant()
	ten.Customer.Name = "ACME Corp" // the customer differs: one update, in TEST's entry only
	prod := &Live{Customer: envCustomer(), HomeID: 61, RecipesRead: true, MembersRead: true}
	p := Build(envInputs(ten, map[string]*Live{"test": inSyncAt(50), "prod": prod}), opts)
	if len(p.Tenants) != 2 {
		t.Fatalf("%d entries, want one per environment", len(p.Tenants))
	}
	test, prd := p.Tenants[0], p.Tenants[1]
	if test.Environment != "test" || test.WorkspaceID != 50 || test.CustomerID != 1 || prd.Environment != "prod" || prd.WorkspaceID != 60 {
		t.Fatalf("entries = %s #%d (customer #%d), %s #%d", test.Environment, test.WorkspaceID, test.CustomerID, prd.Environment, prd.WorkspaceID)
	}
	if diff := cmp.Diff([]string{"status planned", "update customer A1 #1 name=ACME->ACME Corp"}, summary(test)); diff != "" {
		t.Errorf("test (-want +got):\n%s", diff)
	}
	got := summary(prd)
	for _, want := range []string{"create member admin@acme.example", "create folder Sales", "create connection Sales/CRM/SF", "import package sync"} {
		if !hasLine(got, want) {
			t.Errorf("prod plan lacks %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
	for _, line := range got {
		if strings.Contains(line, "customer") {
			t.Errorf("prod's entry plans the customer, which TEST's entry does: %s", line)
		}
	}
}

func hasLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// A ledger is signed for its workspace: TEST's entries copied into PROD
// grant nothing there.
func TestEnvironmentsLedgerPerWorkspace(t *testing.T) {
	copied := inSyncAt(50)
	p := Build(envInputs(envTenant(), map[string]*Live{"test": inSyncAt(50), "prod": copied}), opts)
	if got := summary(p.Tenants[0]); len(got) != 1 {
		t.Errorf("test = %v, want no actions", got)
	}
	adopts := 0
	for _, a := range p.Tenants[1].Actions {
		if a.Op == OpAdopt || a.Op == OpReconnect {
			adopts++
		}
	}
	if adopts == 0 {
		t.Errorf("prod with TEST's ledger adopts nothing: %v", summary(p.Tenants[1]))
	}
}

// A manifest asking for an environment the customer does not have fails
// every entry of the tenant, naming the field's file:line and what is
// missing: nothing is applied to it.
func TestEnvironmentsNotProvisioned(t *testing.T) {
	for _, tc := range []struct {
		name string
		envs map[string]int64
		want string
	}{
		{"none", nil, `customer.environments (t.yaml:5): customer "A1" (#1) has no test or prod environment: Environments are not provisioned for it`},
		{"prod missing", map[string]int64{"test": 50}, `customer.environments (t.yaml:5): customer "A1" (#1) has no prod environment: its environments property lists no prod`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := envCustomer()
			c.Environments = tc.envs
			live := &Live{Customer: c}
			p := Build(envInputs(envTenant(), map[string]*Live{"test": live, "prod": live}), opts)
			for _, tp := range p.Tenants {
				if tp.Status != StatusFailed || !strings.HasPrefix(tp.Error, tc.want) || len(tp.Actions) != 0 {
					t.Errorf("%s: %s %q, %d actions; want failed with %q", tp.Label(), tp.Status, tp.Error, len(tp.Actions), tc.want)
				}
			}
		})
	}
}

// A new customer: its create is planned once; TEST and PROD have no id
// until Workato provisions them, and their entries say so (pending,
// reported only), while DEV, the new customer's own id, is planned whole.
func TestEnvironmentsNewCustomer(t *testing.T) {
	ten := envTenant()
	ten.Customer.Environments = []string{"dev", "prod"}
	p := Build(envInputs(ten, map[string]*Live{"dev": {}, "prod": {}}), opts)
	dev, prod := p.Tenants[0], p.Tenants[1]
	if dev.Actions[0].ID != "create customer A1" || !strings.Contains(dev.Actions[0].Reason, "its prod workspace is known once it exists") {
		t.Errorf("dev's first action = %s: %s", dev.Actions[0].ID, dev.Actions[0].Reason)
	}
	if !hasLine(summary(dev), "create folder Sales") {
		t.Errorf("dev does not plan its content: %v", summary(dev))
	}
	want := []string{"status planned", "pending customer A1"}
	if diff := cmp.Diff(want, summary(prod)); diff != "" {
		t.Errorf("prod (-want +got):\n%s", diff)
	}
	if prod.Changes() || !strings.Contains(prod.Actions[0].Reason, "plan again after apply") || prod.Actions[0].Declared != "t.yaml:5" {
		t.Errorf("prod's report: %+v", prod.Actions[0])
	}
	// With TEST first, TEST's entry creates the customer and waits too.
	ten.Customer.Environments = []string{"test", "prod"}
	p = Build(envInputs(ten, map[string]*Live{"test": {}, "prod": {}}), opts)
	if diff := cmp.Diff([]string{"status planned", "create customer A1 name=<nil>->ACME notification_email=<nil>->ops@acme.example", "pending customer A1"}, summary(p.Tenants[0])); diff != "" {
		t.Errorf("test (-want +got):\n%s", diff)
	}
}

// The plan's output names the environment of every entry; a plan without
// environments is unchanged (the other golden files).
func TestEnvironmentsRenderGolden(t *testing.T) {
	ten := envTenant()
	ten.Customer.Name = "ACME Corp"
	prod := &Live{Customer: envCustomer(), HomeID: 61, RecipesRead: true, MembersRead: true}
	newTen := envTenant()
	newTen.Name, newTen.Customer.ExternalID = "beta", "B2"
	inputs := append(envInputs(ten, map[string]*Live{"test": inSyncAt(50), "prod": prod}),
		envInputs(newTen, map[string]*Live{"test": {}, "prod": {}})...)
	p := Build(inputs, opts)
	for _, r := range []struct {
		ext    string
		render func(*bytes.Buffer, *Plan) error
	}{
		{"txt", func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{}) }},
		{"json", func(b *bytes.Buffer, p *Plan) error { return RenderJSON(b, p) }},
		{"md", func(b *bytes.Buffer, p *Plan) error { return RenderMarkdown(b, p, MarkdownOptions{}) }},
	} {
		t.Run(r.ext, func(t *testing.T) {
			var buf bytes.Buffer
			if err := r.render(&buf, p); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "environments."+r.ext, buf.Bytes())
		})
	}
}

// A saved plan holds one entry per environment: they are told apart by
// name and environment, when the file is read and when a fresh plan is
// compared with it.
func TestEnvironmentsSavedPlan(t *testing.T) {
	prod := &Live{Customer: envCustomer(), HomeID: 61, RecipesRead: true, MembersRead: true}
	p := Build(envInputs(envTenant(), map[string]*Live{"test": inSyncAt(50), "prod": prod}), opts)
	data, err := json.Marshal(&Saved{FormatVersion: FormatVersion, Plan: p, Live: map[string]*Live{"acme@test": inSyncAt(50), "acme@prod": prod}})
	if err != nil {
		t.Fatal(err)
	}
	saved, err := ReadSaved(data)
	if err != nil {
		t.Fatal(err)
	}
	if d := Differences(saved.Plan, p); len(d) != 0 {
		t.Errorf("the same plan differs: %v", d)
	}
	// PROD's workspace changed since: the difference names the environment.
	fresh := Build(envInputs(envTenant(), map[string]*Live{"test": inSyncAt(50), "prod": inSyncAt(60)}), opts)
	d := Differences(saved.Plan, fresh)
	if len(d) == 0 || !strings.HasPrefix(d[0], "acme env prod: ") {
		t.Errorf("differences = %v, want acme env prod's", d)
	}
	for _, line := range d {
		if strings.HasPrefix(line, "acme env test") {
			t.Errorf("TEST did not change: %s", line)
		}
	}
}
