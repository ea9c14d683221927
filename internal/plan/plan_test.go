package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

var fpKey = spec.NewSecret("test-fingerprint-key-0123456789abcdef")

func pos(line int) spec.Pos { return spec.Pos{File: "t.yaml", Line: line} }

// tenant is a small desired tenant most cases start from.
func tenant() *spec.Tenant {
	return &spec.Tenant{
		Name:     "acme",
		Customer: spec.Customer{Pos: pos(5), ExternalID: "A1", Name: "ACME", NotificationEmail: "ops@acme.example"},
		Members:  []spec.Member{{Pos: pos(9), Email: "admin@acme.example", Role: "Admin"}},
		Folders: []spec.Folder{
			{Pos: pos(12), Path: "Sales", Implied: true},
			{Pos: pos(12), Path: "Sales/CRM"},
		},
		Connections: []spec.Connection{
			{Pos: pos(15), Name: "SF", Provider: "salesforce", Folder: "Sales/CRM", State: spec.StateConnected, HasInput: true,
				Input: spec.Input{"password": spec.NewSecret("pw-1")}},
		},
		Packages: []spec.Package{{Pos: pos(22), Name: "sync", Folder: "Sales/CRM"}},
		Recipes:  []spec.Recipe{{Pos: pos(26), Name: "Sync", Folder: "Sales/CRM", Running: true}},
	}
}

func desired(t *spec.Tenant) Desired {
	return Desired{Tenant: t, PackageDigests: map[string]string{"sync": "sha256:aaa"}, FingerprintKey: fpKey}
}

// inSync is the live state that matches tenant() exactly, with a ledger
// that owns everything.
func inSync() *Live {
	fp := tenant().Connections[0].Input.Fingerprint(fpKey)
	l := NewLedger()
	l.Customer = true
	l.Folders[11] = LedgerFolder{Path: "Sales/CRM"}
	l.Connections[21] = LedgerConnection{Folder: "Sales/CRM", Name: "SF", Fingerprint: fp}
	l.Packages["sync"] = LedgerPackage{Name: "sync", Digest: "sha256:aaa", Folder: "Sales/CRM"}
	l.Members[31] = LedgerMember{Email: "admin@acme.example"}
	return &Live{
		Customer:    &LiveCustomer{ID: 1, ExternalID: "A1", Name: "ACME", NotificationEmail: "ops@acme.example"},
		HomeID:      2,
		Folders:     []LiveFolder{{ID: 10, ParentID: 2, Name: "Sales", Path: "Sales"}, {ID: 11, ParentID: 10, Name: "CRM", Path: "Sales/CRM"}},
		Connections: []LiveConnection{{ID: 21, Name: "SF", Provider: "salesforce", FolderID: 11, AuthorizationStatus: "success"}},
		Recipes:     []LiveRecipe{{ID: 41, Name: "Sync", FolderID: 11, Running: true, ConnectionIDs: []int64{21}}},
		RecipesRead: true,
		Members:     []LiveMember{{ID: 31, Email: "admin@acme.example", Role: "Admin"}},
		MembersRead: true,
		Ledger:      l.Properties(NewLedgerKey(fpKey, 1)),
	}
}

func withLedger(l *Live, edit func(*Ledger)) *Live {
	var id int64
	if l.Customer != nil {
		id = l.Customer.ID
	}
	k := NewLedgerKey(fpKey, id)
	led, err := ParseLedger(l.Ledger, k)
	if err != nil {
		panic(err)
	}
	edit(led)
	l.Ledger = led.Properties(k)
	return l
}

// summary renders a tenant plan compactly: status, guards, then one line
// per action in order with its live id, changes and dependencies.
func summary(tp TenantPlan) []string {
	out := []string{"status " + string(tp.Status)}
	if tp.Error != "" {
		out = append(out, "error "+tp.Error)
	}
	for _, g := range tp.Guards {
		out = append(out, "guard "+g.Rule+": "+g.Message)
	}
	for _, a := range tp.Actions {
		line := a.ID
		if a.LiveID != 0 {
			line += fmt.Sprintf(" #%d", a.LiveID)
		}
		for _, c := range a.Changes {
			if c.Sensitive {
				line += " " + c.Field + "=(sensitive)"
			} else {
				line += fmt.Sprintf(" %s=%v->%v", c.Field, c.Old, c.New)
			}
		}
		if len(a.DependsOn) > 0 {
			line += " after[" + strings.Join(a.DependsOn, "; ") + "]"
		}
		out = append(out, line)
	}
	return out
}

var opts = Options{MaxDeletesPerTenant: 2, MaxDeletesTotal: 100}

func TestTenantPlans(t *testing.T) {
	tests := []struct {
		name    string
		desired func() *spec.Tenant
		live    func() *Live
		err     error
		noKey   bool
		want    []string
	}{
		{
			name: "in sync: nothing to do",
			live: inSync,
			want: []string{"status planned"},
		},
		{
			name: "new workspace: everything created, after the customer, parents first",
			live: func() *Live { return &Live{} },
			want: []string{
				"status planned",
				"create customer A1 name=<nil>->ACME notification_email=<nil>->ops@acme.example",
				"create member admin@acme.example role=<nil>->Admin after[create customer A1]",
				"create folder Sales after[create customer A1]",
				"create folder Sales/CRM after[create folder Sales; create customer A1]",
				"create connection Sales/CRM/SF provider=<nil>->salesforce folder=<nil>->Sales/CRM state=<nil>->connected input=(sensitive) after[create folder Sales/CRM; create customer A1]",
				"import package sync digest=<nil>->sha256:aaa folder=<nil>->Sales/CRM after[create folder Sales/CRM; create connection Sales/CRM/SF; create customer A1]",
				"start recipe Sales/CRM/Sync after[import package sync; create connection Sales/CRM/SF; create customer A1]",
			},
		},
		{
			name: "existing but unmanaged: adopted, input sent once",
			live: func() *Live { l := inSync(); l.Ledger = nil; return l },
			want: []string{
				"status planned",
				"adopt customer A1 #1",
				"adopt member admin@acme.example #31",
				"adopt folder Sales/CRM #11",
				"adopt connection Sales/CRM/SF #21",
				"reconnect connection Sales/CRM/SF #21 input=(sensitive)",
				"import package sync digest=<nil>->sha256:aaa folder=<nil>->Sales/CRM after[adopt connection Sales/CRM/SF; reconnect connection Sales/CRM/SF]",
			},
		},
		{
			name: "customer fields and member role updated",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Customer.Name = "ACME Corp"
				d.Customer.PlanID = "gold"
				d.Members[0].Role = "Analyst"
				return d
			},
			live: inSync,
			want: []string{
				"status planned",
				"update customer A1 #1 name=ACME->ACME Corp plan_id=->gold",
				"update member admin@acme.example #31 role=Admin->Analyst",
			},
		},
		{
			name: "a renamed folder is renamed back, not created again",
			live: func() *Live {
				l := inSync()
				l.Folders[1].Name, l.Folders[1].Path = "CRM (old)", "Sales/CRM (old)"
				return l
			},
			want: []string{"status planned", "update folder Sales/CRM #11 name=CRM (old)->CRM"},
		},
		{
			name: "rotated secret: reconnect, then the import and the start wait for it",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Connections[0].Input = spec.Input{"password": spec.NewSecret("pw-2")}
				return d
			},
			live: func() *Live { l := inSync(); l.Recipes[0].Running = false; return l },
			want: []string{
				"status planned",
				"reconnect connection Sales/CRM/SF #21 input=(sensitive)",
				"start recipe Sales/CRM/Sync #41 after[reconnect connection Sales/CRM/SF]",
			},
		},
		{
			name:    "changed package and target folder: import",
			desired: func() *spec.Tenant { return tenant() },
			live: func() *Live {
				return withLedger(inSync(), func(l *Ledger) {
					l.Packages["sync"] = LedgerPackage{Name: "sync", Digest: "sha256:old", Folder: "Sales"}
				})
			},
			want: []string{"status planned", "import package sync digest=sha256:old->sha256:aaa folder=Sales->Sales/CRM"},
		},
		{
			name:    "recipe running that should not: stop",
			desired: func() *spec.Tenant { d := tenant(); d.Recipes[0].Running = false; return d },
			live:    inSync,
			want:    []string{"status planned", "stop recipe Sales/CRM/Sync #41"},
		},
		{
			name: "disconnect",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Connections[0].State, d.Connections[0].Input = spec.StateDisconnected, nil
				return d
			},
			live: inSync,
			want: []string{"status planned", "disconnect connection Sales/CRM/SF #21"},
		},
		{
			name: "disconnecting a protected connection is blocked",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Connections[0].State, d.Connections[0].Input, d.Connections[0].Protect = spec.StateDisconnected, nil, true
				return d
			},
			live: inSync,
			want: []string{"status blocked",
				`guard protected: connection "Sales/CRM/SF" is protected; it is never disconnected or deleted (remove protect and apply first to allow it)`,
				"protect connection Sales/CRM/SF #21 protect=false->true",
				"disconnect connection Sales/CRM/SF #21"},
		},
		{
			name: "owned connection left the manifest: deleted after its recipe stops; unowned one reported",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Connections = nil
				d.Recipes[0].Running = false
				d.Prune.Connections = true
				return d
			},
			live: func() *Live {
				l := inSync()
				l.Connections = append(l.Connections, LiveConnection{ID: 22, Name: "Theirs", Provider: "slack", FolderID: 99})
				return l
			},
			want: []string{"status planned",
				"stop recipe Sales/CRM/Sync #41",
				"delete connection Sales/CRM/SF #21 after[stop recipe Sales/CRM/Sync]",
				"unmanaged connection (folder #99)/Theirs #22"},
		},
		{
			name: "deleting a connection a running recipe uses is blocked",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Connections = nil
				d.Recipes = nil
				d.Prune.Connections = true
				return d
			},
			live: inSync,
			want: []string{"status blocked",
				`guard in_use: connection "Sales/CRM/SF" is used by running recipe "Sync" (#41); stop the recipe first`,
				"delete connection Sales/CRM/SF #21"},
		},
		{
			name: "owned and protected in the ledger: blocked even though the manifest forgot it",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Connections = nil
				d.Recipes = nil
				d.Prune.Connections = true
				return d
			},
			live: func() *Live {
				l := withLedger(inSync(), func(l *Ledger) { c := l.Connections[21]; c.Protect = true; l.Connections[21] = c })
				l.Recipes = nil
				return l
			},
			want: []string{"status blocked",
				`guard protected: connection "Sales/CRM/SF" is protected; it is never disconnected or deleted (remove protect and apply first to allow it)`,
				"delete connection Sales/CRM/SF #21"},
		},
		{
			name:    "without prune, an owned connection that left is only reported",
			desired: func() *spec.Tenant { d := tenant(); d.Connections = nil; d.Recipes = nil; return d },
			live:    inSync,
			want:    []string{"status planned", "unmanaged connection Sales/CRM/SF #21"},
		},
		{
			name: "too many deletes for one tenant",
			desired: func() *spec.Tenant {
				d := tenant()
				d.Members, d.Connections, d.Recipes = nil, nil, nil
				d.Prune = spec.Prune{Connections: true, Members: true}
				return d
			},
			live: func() *Live {
				l := inSync()
				l.Recipes = nil
				l.Connections = append(l.Connections, LiveConnection{ID: 23, Name: "Old", Provider: "http", FolderID: 11})
				return withLedger(l, func(l *Ledger) { l.Connections[23] = LedgerConnection{Name: "Old"} })
			},
			want: []string{"status blocked",
				"guard max_deletes_per_tenant: the plan deletes 3 objects, over guards.maxDeletesPerTenant (2)",
				"delete member admin@acme.example #31", "delete connection Sales/CRM/SF #21", "delete connection Sales/CRM/Old #23"},
		},
		{
			name:    "a recipe no import brings is an error",
			desired: func() *spec.Tenant { d := tenant(); d.Recipes[0].Name = "Missing"; return d },
			live:    inSync,
			want:    []string{"status failed", `error recipe "Sales/CRM/Missing" is not in the workspace and no package import is planned into its folder (t.yaml:26)`},
		},
		{
			name: "two live connections with the same key: never guess",
			live: func() *Live {
				l := inSync()
				l.Connections = append(l.Connections, LiveConnection{ID: 29, Name: "SF", Provider: "salesforce", FolderID: 11})
				return l
			},
			want: []string{"status failed", `error connection "Sales/CRM/SF" matches 2 connections in the workspace (ids 21, 29); pin one with id: or rename the others, the tool will not guess`},
		},
		{
			name: "a provider cannot change",
			live: func() *Live { l := inSync(); l.Connections[0].Provider = "hubspot"; return l },
			want: []string{"status failed", `error connection "Sales/CRM/SF" is a hubspot connection in the workspace but salesforce in the manifest (t.yaml:15); a provider cannot change, rename one of them`},
		},
		{
			name:    "inputs need the fingerprint key, even for a new connection",
			desired: func() *spec.Tenant { return tenant() },
			live:    func() *Live { return &Live{} },
			noKey:   true,
			want:    []string{"status failed", `error connection "Sales/CRM/SF" has input, but workato-gitops.yaml sets no fingerprintKey to track it with (t.yaml:15)`},
		},
		{
			name: "reading failed",
			live: func() *Live { return nil },
			err:  errors.New("GET /managed_users/EA1: 500 Server error"),
			want: []string{"status failed", "error reading live state: GET /managed_users/EA1: 500 Server error"},
		},
		{
			name: "a ledger from a newer version is not touched",
			live: func() *Live { l := inSync(); l.Ledger[LedgerPrefix+"version"] = "7"; return l },
			want: []string{"status failed", `error ledger version "7" is newer than this tool understands (2); upgrade workato-gitops`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tenant()
			if tt.desired != nil {
				d = tt.desired()
			}
			des := desired(d)
			if tt.noKey {
				des.FingerprintKey = spec.Secret{}
			}
			got := summary(Tenant(Input{Desired: des, Live: tt.live(), ReadErr: tt.err}, opts))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImportsOneAtATime: a workspace's imports run one after the other.
func TestImportsOneAtATime(t *testing.T) {
	d := tenant()
	d.Packages = append(d.Packages, spec.Package{Name: "second", Folder: "Sales"}, spec.Package{Name: "third", Folder: "Sales"})
	des := desired(d)
	des.PackageDigests["second"], des.PackageDigests["third"] = "sha256:b", "sha256:c"
	tp := Tenant(Input{Desired: des, Live: inSync()}, opts)
	var got []string
	for _, a := range tp.Actions {
		got = append(got, a.ID+" after "+strings.Join(a.DependsOn, ","))
	}
	want := []string{"import package second after ", "import package third after import package second"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFleetDeleteLimit(t *testing.T) {
	mk := func(name string) Input {
		d := tenant()
		d.Name, d.Connections, d.Recipes, d.Prune.Connections = name, nil, nil, true
		l := inSync()
		l.Recipes = nil
		return Input{Desired: desired(d), Live: l}
	}
	quiet := Input{Desired: desired(tenant()), Live: inSync()}
	p := Build([]Input{mk("a"), mk("b"), quiet}, Options{MaxDeletesPerTenant: 5, MaxDeletesTotal: 1})
	var got []string
	for _, tp := range p.Tenants {
		got = append(got, tp.Name+" "+string(tp.Status)+" "+fmt.Sprint(len(tp.Guards)))
	}
	want := []string{"a blocked 1", "b blocked 1", "acme planned 0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if msg := p.Tenants[0].Guards[0].Message; msg != "the plan deletes 2 objects across tenants, over guards.maxDeletesTotal (1)" {
		t.Errorf("guard message: %s", msg)
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	in := Input{Desired: desired(tenant()), Live: &Live{}}
	first := summary(Tenant(in, opts))
	for range 20 {
		if diff := cmp.Diff(first, summary(Tenant(in, opts))); diff != "" {
			t.Fatalf("plan changed between runs:\n%s", diff)
		}
	}
}

func TestLedgerRoundTrip(t *testing.T) {
	l := NewLedger()
	l.Customer = true
	l.Folders[5] = LedgerFolder{Path: "A/B & <C> é", Protect: true}
	l.Connections[7] = LedgerConnection{Folder: "A/B", Name: "x", Fingerprint: "hmac-sha256:ff", Protect: true}
	l.Packages["p"] = LedgerPackage{Name: "p", Digest: "sha256:1", Folder: "A"}
	l.Members[9] = LedgerMember{Email: "a@b.c"}
	l.Invitations["d@e.f"] = LedgerInvitation{Email: "d@e.f", Name: "D", Role: "Admin", Sent: "2026-12-01T22:00:00Z"}
	k := NewLedgerKey(fpKey, 1)
	got, err := ParseLedger(l.Properties(k), k)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Removing an entry writes an empty value; an unchanged ledger writes nothing.
	next := got.Clone()
	delete(next.Connections, 7)
	changes := LedgerChanges(l.Properties(k), next, k)
	if diff := cmp.Diff(map[string]string{LedgerPrefix + "connection.7": ""}, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if c := LedgerChanges(l.Properties(k), got, k); len(c) != 0 {
		t.Errorf("unchanged ledger writes %v", c)
	}
	// Values stay within Workato's limit even for very long paths.
	long := NewLedger()
	long.Connections[1] = LedgerConnection{Folder: strings.Repeat("f/", 600), Name: "n", Fingerprint: "hmac-sha256:ab"}
	for k, v := range long.Properties(k) {
		if len(v) > maxPropertyValue || len(k) > 100 {
			t.Errorf("property %s is %d chars", k, len(v))
		}
	}
}

// TestLedgerInvitationVerified: an invitation entry must be filed under
// its own email's key, with a lower-case email and a sent time; anything
// else is refused rather than trusted.
func TestLedgerInvitationVerified(t *testing.T) {
	good := LedgerInvitation{Email: "d@e.f", Role: "Admin", Sent: "2026-12-01T22:00:00Z"}
	for name, inv := range map[string]LedgerInvitation{
		"other key":  {Email: "x@e.f", Role: "Admin", Sent: good.Sent},
		"upper case": {Email: "D@e.f", Role: "Admin", Sent: good.Sent},
		"no time":    {Email: "d@e.f", Role: "Admin", Sent: "yesterday"},
	} {
		data, _ := json.Marshal(inv)
		if _, err := ParseLedgerClaims(map[string]string{invitationKey(good.Email): string(data)}); err == nil {
			t.Errorf("%s: ParseLedger accepted %s", name, data)
		}
	}
	data, _ := json.Marshal(good)
	if l, err := ParseLedgerClaims(map[string]string{invitationKey(good.Email): string(data)}); err != nil || l.Invitations["d@e.f"] != good {
		t.Errorf("good entry: %v %+v", err, l)
	}
}
