package plan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// updateRender rewrites testdata/render. -update does too when another
// test file of the package declares it; looking it up at run time keeps
// the two files from clashing over one flag name.
var updateRender = flag.Bool("update-render", false, "rewrite the golden files in testdata/render")

func updateGolden() bool {
	if *updateRender {
		return true
	}
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "render", name)
	if updateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update-render to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// fullPlan exercises every op, every field of the data model, sensitive
// and plain changes, a blocked tenant with two guards, a failed tenant
// and a tenant with no changes.
func fullPlan() *Plan {
	const cust = "create customer A-100"
	return &Plan{FormatVersion: FormatVersion, Tenants: []TenantPlan{
		{Name: "acme", ExternalID: "A-100", CustomerID: 1001, Status: StatusPlanned, Actions: []Action{
			{ID: "update customer A-100", Op: OpUpdate, Kind: KindCustomer, Key: k("A-100"), LiveID: 1001,
				Reason: "fields differ from the manifest", Declared: "tenants/acme.yaml:4", Changes: []Change{
					{Field: "name", Old: "ACME", New: "ACME Corp"},
					{Field: "notification_email", Old: "", New: "ops@acme.example"},
					{Field: "origin_url", Old: "https://old.acme.example", New: nil},
				}},
			{ID: "create member dev@acme.example", Op: OpCreate, Kind: KindMember, Key: k("dev@acme.example"),
				Reason: "not a member of the workspace", Changes: []Change{{Field: "role", New: "Admin"}, {Field: "name", New: nil}}},
			{ID: "create folder Integrations/Sales", Op: OpCreate, Kind: KindFolder, Key: k("Integrations/Sales"), Reason: "not in the workspace"},
			{ID: "create connection Integrations/Sales/Salesforce", Op: OpCreate, Kind: KindConnection,
				Key: k("Integrations/Sales/Salesforce"), Reason: "not in the workspace",
				DependsOn: []string{"create folder Integrations/Sales"}, Declared: "tenants/acme.yaml:31",
				Changes: []Change{{Field: "provider", New: "salesforce"}, {Field: "input", Sensitive: true}}},
			{ID: "update connection Integrations/Sales/Slack", Op: OpUpdate, Kind: KindConnection, Key: k("Integrations/Sales/Slack"),
				LiveID: 4410, Reason: "fields differ from the manifest", Changes: []Change{
					{Field: "folder_id", Old: int64(30), New: int64(31)}, {Field: "shared", Old: false, New: true}}},
			{ID: "reconnect connection Integrations/Sales/Postgres", Op: OpReconnect, Kind: KindConnection,
				Key: k("Integrations/Sales/Postgres"), LiveID: 4411, Reason: "input changed since the last apply",
				Changes: []Change{{Field: "input", Sensitive: true}}},
			{ID: "import package sales-sync", Op: OpImport, Kind: KindPackage, Key: k("sales-sync"), Reason: "package content changed",
				DependsOn: []string{"create folder Integrations/Sales"}, Changes: []Change{
					{Field: "digest", Old: "sha256:1111", New: "sha256:2222"}, {Field: "folder", New: "Integrations/Sales"}}},
			{ID: "start recipe Integrations/Sales/Sync accounts", Op: OpStart, Kind: KindRecipe, Key: k("Integrations/Sales/Sync accounts"),
				LiveID: 9001, Reason: "stopped; the manifest wants it running", DependsOn: []string{"import package sales-sync"}},
			{ID: "stop recipe Integrations/Sales/Legacy sync", Op: OpStop, Kind: KindRecipe, Key: k("Integrations/Sales/Legacy sync"),
				LiveID: 9002, Reason: "running; the manifest wants it stopped"},
			{ID: "disconnect connection Integrations/Old/FTP", Op: OpDisconnect, Kind: KindConnection, Key: k("Integrations/Old/FTP"),
				LiveID: 4412, Reason: "the manifest says disconnected"},
			{ID: "delete folder Integrations/Old", Op: OpDelete, Kind: KindFolder, Key: k("Integrations/Old"), LiveID: 31,
				Reason: "left the manifest (prune.folders)"},
			{ID: "adopt folder Integrations", Op: OpAdopt, Kind: KindFolder, Key: k("Integrations"), LiveID: 30,
				Reason: "exists; not yet managed", Changes: []Change{{Field: "protect", Old: false, New: true}}},
			{ID: "unmanaged member contractor@acme.example", Op: OpUnmanaged, Kind: KindMember, Key: k("contractor@acme.example"),
				LiveID: 77, Reason: "left the manifest; prune.members is off"},
		}},
		{Name: "beta", ExternalID: "B-200", CustomerID: 2002, Status: StatusBlocked,
			Guards: []Guard{
				{Rule: RuleProtected, Message: `folder "Finance" is protected`, ActionID: "delete folder Finance"},
				{Rule: RuleMaxDeletesPerTenant, Message: "the plan deletes 2 objects, over guards.maxDeletesPerTenant (1)"},
			},
			Actions: []Action{
				{ID: "delete connection Finance/Bank", Op: OpDelete, Kind: KindConnection, Key: k("Finance/Bank"), LiveID: 52,
					Reason: "left the manifest (prune.connections)"},
				{ID: "delete folder Finance", Op: OpDelete, Kind: KindFolder, Key: k("Finance"), LiveID: 51,
					Reason: "left the manifest (prune.folders)", DependsOn: []string{"delete connection Finance/Bank"}},
			}},
		{Name: "gamma", ExternalID: "G-300", Status: StatusFailed, Actions: []Action{},
			Error: "reading live state: GET /api/managed_users/EG-300: 503 Service Unavailable"},
		{Name: "new-co", ExternalID: "N-500", Status: StatusPlanned, Actions: []Action{
			{ID: cust, Op: OpCreate, Kind: KindCustomer, Key: k("N-500"), Reason: "no workspace with this external id",
				Changes: []Change{{Field: "name", New: "New Co"}}},
			{ID: "create folder Integrations", Op: OpCreate, Kind: KindFolder, Key: k("Integrations"), Reason: "not in the workspace",
				DependsOn: []string{cust}},
		}},
		{Name: "zeta", ExternalID: "Z-400", CustomerID: 4004, Status: StatusPlanned, Actions: []Action{}},
	}}
}

func noChangesPlan() *Plan {
	return &Plan{FormatVersion: FormatVersion, Tenants: []TenantPlan{
		{Name: "acme", ExternalID: "A-100", CustomerID: 1001, Status: StatusPlanned, Actions: []Action{}},
		{Name: "zeta", ExternalID: "Z-400", CustomerID: 4004, Status: StatusPlanned}, // nil actions
	}}
}

func goldenPlans() map[string]*Plan {
	return map[string]*Plan{
		"full":       fullPlan(),
		"no-changes": noChangesPlan(),
		"empty":      {FormatVersion: FormatVersion},
	}
}

func TestRenderGolden(t *testing.T) {
	renderers := []struct {
		ext    string
		render func(*bytes.Buffer, *Plan) error
	}{
		{"txt", func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{}) }},
		{"json", func(b *bytes.Buffer, p *Plan) error { return RenderJSON(b, p) }},
		{"md", func(b *bytes.Buffer, p *Plan) error {
			return RenderMarkdown(b, p, MarkdownOptions{FullPlanHint: "the full plan is in the workflow artifact plan.json"})
		}},
	}
	for name, p := range goldenPlans() {
		for _, r := range renderers {
			t.Run(name+"."+r.ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := r.render(&buf, p); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name+"."+r.ext, buf.Bytes())
			})
		}
	}
}

func TestRenderTextColor(t *testing.T) {
	p := fullPlan()
	// A name may carry an escape sequence of its own; it must not reach
	// the terminal as one.
	p.Tenants[0].Name = "acme\x1b[2J"
	p.Tenants[0].Actions[0].Reason = "red\x1b[31m text"
	tests := []struct {
		color bool
		want  bool
	}{{true, true}, {false, false}}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := RenderText(&buf, p, TextOptions{Color: tt.color}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if got := strings.Contains(out, "\x1b["); got != tt.want {
			t.Errorf("Color=%v: output has escape codes = %v, want %v:\n%s", tt.color, got, tt.want, out)
		}
		for _, bad := range []string{"\x1b[2J", "\x1b[31m text"} {
			if strings.Contains(out, bad) {
				t.Errorf("Color=%v: escape sequence %q from the plan reached the output", tt.color, bad)
			}
		}
		if !strings.Contains(out, `acme\x1b[2J`) {
			t.Errorf("Color=%v: the escaped name is missing:\n%s", tt.color, out)
		}
	}
}

func TestTotalLine(t *testing.T) {
	one := &Plan{Tenants: []TenantPlan{{Name: "a", Status: StatusPlanned}}}
	unmanaged := &Plan{Tenants: []TenantPlan{{Name: "a", Status: StatusPlanned, Actions: []Action{{Op: OpUnmanaged}}}}}
	blockedOnly := &Plan{Tenants: []TenantPlan{{Name: "a", Status: StatusBlocked, Actions: []Action{{Op: OpDelete}}}}}
	tests := []struct {
		name string
		p    *Plan
		want string
	}{
		{"empty", &Plan{}, "No changes. No tenants to plan."},
		{"one tenant", one, "No changes. 1 tenant matches its manifest."},
		{"unmanaged only", unmanaged, "No changes. 1 tenant matches its manifest. 1 object is not managed."},
		{"no changes", noChangesPlan(), "No changes. 2 tenants match their manifests."},
		{"blocked deletes do not count", blockedOnly, "Plan: 0 to create, 0 to update, 0 to delete across 1 tenant (1 blocked)."},
		{"full", fullPlan(), "Plan: 5 to create, 2 to update, 1 to reconnect, 1 to disconnect, 1 to delete, 1 to import, " +
			"1 to start, 1 to stop, 1 to adopt, 1 unmanaged across 5 tenants (1 blocked, 1 failed)."},
		// A tenant with environments is one tenant of several workspaces,
		// and what is blocked or failed is a workspace.
		{"environments, no changes", &Plan{Tenants: []TenantPlan{
			{Name: "a", Environment: "test", Status: StatusPlanned}, {Name: "a", Environment: "prod", Status: StatusPlanned}}},
			"No changes. 1 tenant (2 workspaces) matches its manifest."},
		{"environments and not", &Plan{Tenants: []TenantPlan{
			{Name: "a", Environment: "test", Status: StatusPlanned}, {Name: "a", Environment: "prod", Status: StatusPlanned}, {Name: "b", Status: StatusPlanned}}},
			"No changes. 2 tenants (3 workspaces) match their manifests."},
		// A new customer's PROD waits for Workato: not an invitation.
		{"environments pending", &Plan{Tenants: []TenantPlan{
			{Name: "a", Environment: "prod", Status: StatusPlanned, Actions: []Action{{Op: OpPending, Kind: KindCustomer}, {Op: OpPending, Kind: KindMember}}}}},
			"No changes. 1 tenant (1 workspace) matches its manifest. 1 invitation is pending. 1 environment is pending."},
		{"environments blocked and failed", &Plan{Tenants: []TenantPlan{
			{Name: "a", Environment: "test", Status: StatusPlanned, Actions: []Action{{Op: OpCreate}}}, {Name: "a", Environment: "prod", Status: StatusBlocked},
			{Name: "b", Environment: "dev", Status: StatusFailed}}},
			"Plan: 1 to create, 0 to update, 0 to delete across 2 tenants (3 workspaces: 1 blocked, 1 failed)."},
	}
	for _, tt := range tests {
		if got := totalLine(tt.p); got != tt.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`say "hi" café`, `say "hi" café`},
		{"two\nlines\ttab", `two\nlines\ttab`},
		{"esc\x1b[0m", `esc\x1b[0m`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"zero\u200bwidth", `zero\u200bwidth`},
	}
	for _, tt := range tests {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCommas(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1734: "1,734", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := commas(n); got != want {
			t.Errorf("commas(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestRenderersHideSensitiveValues feeds a buggy plan whose sensitive
// changes carry values; no renderer may print them, and none may scrub
// them out of the caller's plan either (renderers only read).
func TestRenderersHideSensitiveValues(t *testing.T) {
	p := fullPlan()
	const oldSecret, newSecret = "hunter2-old-secret", "hunter2-new-secret"
	for i := range p.Tenants {
		for j := range p.Tenants[i].Actions {
			for k := range p.Tenants[i].Actions[j].Changes {
				c := &p.Tenants[i].Actions[j].Changes[k]
				if c.Sensitive {
					c.Old, c.New = oldSecret, newSecret
				}
			}
		}
	}
	outputs := map[string]func(*bytes.Buffer) error{
		"text":     func(b *bytes.Buffer) error { return RenderText(b, p, TextOptions{}) },
		"color":    func(b *bytes.Buffer) error { return RenderText(b, p, TextOptions{Color: true}) },
		"json":     func(b *bytes.Buffer) error { return RenderJSON(b, p) },
		"markdown": func(b *bytes.Buffer) error { return RenderMarkdown(b, p, MarkdownOptions{}) },
	}
	for name, render := range outputs {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(buf.String(), "hunter2") {
			t.Errorf("%s output shows a sensitive value:\n%s", name, buf.String())
		}
		if !strings.Contains(buf.String(), "input") {
			t.Errorf("%s output does not mention the sensitive field at all", name)
		}
	}
	if got := p.Tenants[0].Actions[5].Changes[0].New; got != newSecret {
		t.Errorf("the caller's plan was modified: New = %v", got)
	}
}
