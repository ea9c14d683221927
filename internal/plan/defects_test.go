package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// planSummary plans d against l with generous delete limits.
func planSummary(d *spec.Tenant, l *Live) []string {
	return summary(Tenant(Input{Desired: desired(d), Live: l}, Options{MaxDeletesPerTenant: 50, MaxDeletesTotal: 50}))
}

// bare is a tenant that declares only its customer.
func bare() *spec.Tenant {
	t := tenant()
	t.Members, t.Folders, t.Connections, t.Packages, t.Recipes = nil, nil, nil, nil, nil
	return t
}

// bareLive is bare()'s workspace, owned, holding nothing.
func bareLive(edit func(*Ledger)) *Live {
	l := &Live{Customer: &LiveCustomer{ID: 1, ExternalID: "A1", Name: "ACME", NotificationEmail: "ops@acme.example"},
		HomeID: 2, RecipesRead: true, MembersRead: true}
	led := NewLedger()
	led.Customer = true
	if edit != nil {
		edit(led)
	}
	l.Ledger = led.Properties()
	return l
}

// TestKeysDoNotCollide: a connection "B/C" in folder "A" and "C" in folder
// "A/B" (and "Integrations/Salesforce" at Home against "Salesforce" in
// "Integrations") are two objects with two actions.
func TestKeysDoNotCollide(t *testing.T) {
	d := bare()
	d.Folders = []spec.Folder{{Path: "A", Implied: true}, {Path: "A/B"}, {Path: "Integrations"}}
	d.Connections = []spec.Connection{
		{Name: "B/C", Folder: "A", Provider: "http", State: spec.StateShell},
		{Name: "C", Folder: "A/B", Provider: "http", State: spec.StateShell},
		{Name: "Integrations/Salesforce", Provider: "http", State: spec.StateShell},
		{Name: "Salesforce", Folder: "Integrations", Provider: "http", State: spec.StateShell},
	}
	tp := Tenant(Input{Desired: desired(d), Live: bareLive(nil)}, opts)
	seen := map[string]bool{}
	var conns []string
	for _, a := range tp.Actions {
		if seen[a.ID] {
			t.Errorf("two actions have the id %q", a.ID)
		}
		seen[a.ID] = true
		if a.Kind == KindConnection {
			conns = append(conns, a.ID)
		}
	}
	want := []string{`create connection A/"B/C"`, "create connection A/B/C", `create connection "Integrations/Salesforce"`, "create connection Integrations/Salesforce"}
	if diff := cmp.Diff(want, conns); diff != "" {
		t.Errorf("connection actions (-want +got):\n%s", diff)
	}
}

// TestFolderHoldingUnownedObjectsIsKept: an owned folder that left the
// manifest but still holds a connection (or recipe, or folder) the tool
// does not own is reported, and so are the folders holding it; it is
// never scheduled for deletion.
func TestFolderHoldingUnownedObjectsIsKept(t *testing.T) {
	d := bare()
	d.Prune = spec.Prune{Folders: true, Connections: true}
	l := bareLive(func(led *Ledger) {
		led.Folders[10] = LedgerFolder{Path: "X"}
		led.Folders[11] = LedgerFolder{Path: "X/Y"}
		led.Folders[12] = LedgerFolder{Path: "R"}
		led.Folders[13] = LedgerFolder{Path: "Gone"}
	})
	l.Folders = []LiveFolder{
		{ID: 10, ParentID: 2, Name: "X", Path: "X"}, {ID: 11, ParentID: 10, Name: "Y", Path: "X/Y"},
		{ID: 12, ParentID: 2, Name: "R", Path: "R"}, {ID: 13, ParentID: 2, Name: "Gone", Path: "Gone"},
	}
	l.Connections = []LiveConnection{{ID: 20, Name: "theirs", Provider: "http", FolderID: 11}}
	l.Recipes = []LiveRecipe{{ID: 30, Name: "their recipe", FolderID: 12}}
	got := planSummary(d, l)
	want := []string{
		"status planned",
		"delete folder Gone #13",
		"unmanaged connection X/Y/theirs #20",
		"unmanaged folder X/Y #11",
		"unmanaged folder X #10",
		"unmanaged folder R #12",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	tp := Tenant(Input{Desired: desired(d), Live: l}, opts)
	for _, a := range tp.Actions {
		if a.Op == OpUnmanaged && a.Kind == KindFolder && !strings.Contains(a.Reason, "holds") {
			t.Errorf("%s: reason %q does not say what the folder holds", a.ID, a.Reason)
		}
	}
}

// TestNestedFolderDeletesWaitForContents: a folder's delete depends on
// the deletes of its subfolders and of the connections in it.
func TestNestedFolderDeletesWaitForContents(t *testing.T) {
	d := bare()
	d.Prune = spec.Prune{Folders: true, Connections: true}
	l := bareLive(func(led *Ledger) {
		for id, p := range map[int64]string{10: "A", 11: "A/B", 12: "A/B/C", 13: "A/B/C/D", 14: "A/B2", 15: "A/B2/C2"} {
			led.Folders[id] = LedgerFolder{Path: p}
		}
		led.Connections[20] = LedgerConnection{Folder: "A/B/C/D", Name: "d"}
		led.Connections[21] = LedgerConnection{Folder: "A/B2/C2", Name: "c2"}
	})
	l.Folders = []LiveFolder{
		{ID: 10, ParentID: 2, Name: "A", Path: "A"}, {ID: 11, ParentID: 10, Name: "B", Path: "A/B"}, {ID: 14, ParentID: 10, Name: "B2", Path: "A/B2"},
		{ID: 12, ParentID: 11, Name: "C", Path: "A/B/C"}, {ID: 15, ParentID: 14, Name: "C2", Path: "A/B2/C2"}, {ID: 13, ParentID: 12, Name: "D", Path: "A/B/C/D"},
	}
	l.Connections = []LiveConnection{{ID: 20, Name: "d", Provider: "http", FolderID: 13}, {ID: 21, Name: "c2", Provider: "http", FolderID: 15}}
	want := []string{
		"status planned",
		"delete connection A/B/C/D/d #20",
		"delete connection A/B2/C2/c2 #21",
		"delete folder A/B/C/D #13 after[delete connection A/B/C/D/d]",
		"delete folder A/B/C #12 after[delete folder A/B/C/D]",
		"delete folder A/B2/C2 #15 after[delete connection A/B2/C2/c2]",
		"delete folder A/B #11 after[delete folder A/B/C]",
		"delete folder A/B2 #14 after[delete folder A/B2/C2]",
		"delete folder A #10 after[delete folder A/B; delete folder A/B2]",
	}
	if diff := cmp.Diff(want, planSummary(d, l)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

// TestHomeConnectionWithUnknownHome: when Home's id is unknown and there
// are folders, a same-named connection in a folder the plan did not walk
// may be anywhere: the plan refuses to guess. With no folder at all, every
// connection is at Home.
func TestHomeConnectionWithUnknownHome(t *testing.T) {
	d := bare()
	d.Connections = []spec.Connection{{Name: "Salesforce", Provider: "salesforce", State: spec.StateShell}}
	l := bareLive(nil)
	l.HomeID = 0
	l.Folders = []LiveFolder{{ID: 10, Name: "Other", Path: "Other"}}
	l.Connections = []LiveConnection{{ID: 50, Name: "Salesforce", Provider: "salesforce", FolderID: 11}}
	got := planSummary(d, l)
	if len(got) < 2 || got[0] != "status failed" || !strings.Contains(got[1], "Home") {
		t.Errorf("with folders and an unknown Home: got %q, want a failed plan that says why", got)
	}
	l.Folders = nil
	want := []string{"status planned", "adopt connection Salesforce #50"}
	if diff := cmp.Diff(want, planSummary(d, l)); diff != "" {
		t.Errorf("with no folder at all (-want +got):\n%s", diff)
	}
}

// TestProtectIsPerKind: a protected folder and a pruned connection that
// happen to share an id do not protect each other.
func TestProtectIsPerKind(t *testing.T) {
	d := bare()
	d.Folders = []spec.Folder{{Path: "Keep", Protect: true}}
	d.Prune = spec.Prune{Connections: true}
	l := bareLive(func(led *Ledger) {
		led.Folders[300] = LedgerFolder{Path: "Keep", Protect: true}
		led.Connections[300] = LedgerConnection{Name: "old"}
	})
	l.Folders = []LiveFolder{{ID: 300, ParentID: 2, Name: "Keep", Path: "Keep"}}
	l.Connections = []LiveConnection{{ID: 300, Name: "old", Provider: "http", FolderID: 2}}
	want := []string{"status planned", "delete connection old #300"}
	if diff := cmp.Diff(want, planSummary(d, l)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

// TestPhaseRefusesUnknownKind: a kind without a phase is a programming
// error, never a silent default.
func TestPhaseRefusesUnknownKind(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Phase of an unknown kind returned; want a panic")
		}
	}()
	Phase(&Action{Op: OpCreate, Kind: "gadget"})
}

// k reads a key from its display text.
func k(s string) spec.Key {
	var key spec.Key
	if err := key.UnmarshalText([]byte(s)); err != nil {
		panic(err)
	}
	return key
}
