package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestForgedLedgerEntriesGrantNothing: ledger entries that do not verify
// (written by hand, copied from another object or another workspace) never
// make the plan delete anything; the plan reports why it leaves the object
// alone.
func TestForgedLedgerEntriesGrantNothing(t *testing.T) {
	const conn99 = LedgerPrefix + "connection.99"
	signed := inSync().Ledger[LedgerPrefix+"connection.21"] // a genuine entry, for another connection
	other := NewLedger()
	other.Connections[99] = LedgerConnection{Name: "Theirs"}
	fromOtherWorkspace := other.Properties(NewLedgerKey(fpKey, 2))[conn99]
	otherRepo := other.Properties(NewLedgerKey(fpKey.Derive("another repository"), 1))[conn99]
	cases := []struct {
		name, value, reason string
	}{
		{"an unsigned entry", "{}", "ledger entry not signed; not owned, left alone"},
		{"an entry copied from another connection", signed, "ledger entry signature invalid; not owned, left alone"},
		{"an entry copied from another workspace", fromOtherWorkspace, "ledger entry signature invalid; not owned, left alone"},
		{"an entry signed with another key", otherRepo, "ledger entry signature invalid; not owned, left alone"},
		{"an envelope with its mac edited", strings.Replace(fromOtherWorkspace, `"mac":"`, `"mac":"0`, 1), "ledger entry signature invalid; not owned, left alone"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := tenant()
			d.Prune.Connections = true
			live := inSync()
			live.Connections = append(live.Connections, LiveConnection{ID: 99, Name: "Theirs", Provider: "http", FolderID: 11})
			live.Ledger[conn99] = tc.value
			tp := Tenant(Input{Desired: desired(d), Live: live}, opts)
			want := []string{"status planned", "unmanaged connection Sales/CRM/Theirs #99"}
			if diff := cmp.Diff(want, summary(tp)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if got := tp.Actions[0].Reason; got != tc.reason {
				t.Errorf("reason %q, want %q", got, tc.reason)
			}
		})
	}
}

// TestUnsignedLedgerIsReSigned: a ledger written before entries were
// signed grants nothing; the plan adopts each object that still matches
// the manifest (which re-signs its entry), imports the package again and
// resends the input once, and deletes nothing.
func TestUnsignedLedgerIsReSigned(t *testing.T) {
	d := tenant()
	d.Prune = spec.Prune{Connections: true, Folders: true, Members: true}
	live := inSync()
	led, err := ParseLedger(live.Ledger, NewLedgerKey(fpKey, 1))
	if err != nil {
		t.Fatal(err)
	}
	live.Ledger = unsigned(t, live.Ledger)
	tp := Tenant(Input{Desired: desired(d), Live: live}, opts)
	want := []string{
		"status planned",
		"adopt customer A1 #1",
		"adopt member admin@acme.example #31",
		"adopt folder Sales/CRM #11",
		"adopt connection Sales/CRM/SF #21",
		"reconnect connection Sales/CRM/SF #21 input=(sensitive)",
		"import package sync digest=<nil>->sha256:aaa folder=<nil>->Sales/CRM after[adopt connection Sales/CRM/SF; reconnect connection Sales/CRM/SF]",
	}
	if diff := cmp.Diff(want, summary(tp)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	for _, a := range tp.Actions {
		if a.Op == OpAdopt && a.Reason != "ledger entry not signed; adopting re-signs it" {
			t.Errorf("%s: reason %q", a.ID, a.Reason)
		}
	}
	// What apply then writes verifies, and owns what it owned before.
	k := NewLedgerKey(fpKey, 1)
	changes := LedgerChanges(live.Ledger, led, k)
	next := map[string]string{}
	for name, v := range live.Ledger {
		next[name] = v
	}
	for name, v := range changes {
		next[name] = v
	}
	got, err := ParseLedger(next, k)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(led, got); diff != "" {
		t.Errorf("re-signed ledger (-want +got):\n%s", diff)
	}
}

// unsigned rewrites a signed ledger as version 1 wrote it.
func unsigned(t *testing.T, props map[string]string) map[string]string {
	t.Helper()
	claims, err := ParseLedgerClaims(props)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{ledgerVersionKey: ledgerVersionUnsigned}
	for name, v := range claims.Properties(NewLedgerKey(fpKey, 1)) {
		if name == ledgerVersionKey {
			continue
		}
		var env envelope
		if err := json.Unmarshal([]byte(v), &env); err != nil {
			t.Fatal(err)
		}
		out[name] = string(env.Entry)
		if name == ledgerCustomerKey {
			out[name] = "owned"
		}
	}
	return out
}

// TestLedgerWithoutKey: with no fingerprint key nothing can be signed;
// the ledger's claims are remembered (no adopt again), but an owned
// connection that left the manifest is reported, never deleted.
func TestLedgerWithoutKey(t *testing.T) {
	d := tenant()
	d.Connections = nil
	d.Prune.Connections = true
	claims := NewLedger()
	claims.Customer = true
	claims.Folders[11] = LedgerFolder{Path: "Sales/CRM"}
	claims.Connections[21] = LedgerConnection{Folder: "Sales/CRM", Name: "SF"}
	claims.Packages["sync"] = LedgerPackage{Name: "sync", Digest: "sha256:aaa", Folder: "Sales/CRM"}
	claims.Members[31] = LedgerMember{Email: "admin@acme.example"}
	live := inSync()
	live.Ledger = claims.Properties(LedgerKey{})
	if v := live.Ledger[LedgerPrefix+"folder.11"]; v != `{"path":"Sales/CRM"}` {
		t.Errorf("without a key an entry is written as a plain claim, got %s", v)
	}
	tp := Tenant(Input{Desired: Desired{Tenant: d, PackageDigests: map[string]string{"sync": "sha256:aaa"}}, Live: live}, opts)
	want := []string{"status planned", "unmanaged connection Sales/CRM/SF #21"}
	if diff := cmp.Diff(want, summary(tp)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if r := tp.Actions[0].Reason; !strings.Contains(r, "without the fingerprint key") {
		t.Errorf("reason %q", r)
	}
}
