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

// TestKeylessPlanShowsDeletesApplyVerifies: a pull request's plan has no
// SOPS key, so it cannot verify the ledger; when the repository does have a
// fingerprint key, its deletes are planned from the ledger's claims for
// review, and apply (with the key) gets the same plan only when the claims
// verify. A forged claim makes the keyed plan differ, so apply --plan
// refuses: it can never delete.
func TestKeylessPlanShowsDeletesApplyVerifies(t *testing.T) {
	d := tenant()
	d.Connections = nil
	d.Prune.Connections = true
	owned := NewLedger()
	owned.Customer = true
	owned.Folders[11] = LedgerFolder{Path: "Sales/CRM"}
	owned.Connections[21] = LedgerConnection{Folder: "Sales/CRM", Name: "SF"}
	owned.Packages["sync"] = LedgerPackage{Name: "sync", Digest: "sha256:aaa", Folder: "Sales/CRM"}
	owned.Members[31] = LedgerMember{Email: "admin@acme.example"}
	key := spec.NewSecret("repository-fingerprint-key-0123456789abcdef")
	digests := map[string]string{"sync": "sha256:aaa"}
	planWith := func(ledger map[string]string, fk spec.Secret, sealed bool) TenantPlan {
		live := inSync()
		live.Ledger = ledger
		return Tenant(Input{Desired: Desired{Tenant: d, PackageDigests: digests, FingerprintKey: fk, VerifyAtApply: sealed}, Live: live}, opts)
	}
	custID := inSync().Customer.ID
	genuine := owned.Properties(NewLedgerKey(key, custID))
	keyless := planWith(genuine, spec.Secret{}, true)
	// Its running recipe blocks the delete, in the reviewed plan as in apply's.
	want := []string{"status blocked", `guard in_use: connection "Sales/CRM/SF" is used by running recipe "Sync" (#41); stop the recipe first`, "delete connection Sales/CRM/SF #21"}
	if diff := cmp.Diff(want, summary(keyless)); diff != "" {
		t.Fatalf("keyless plan (-want +got):\n%s", diff)
	}
	if r := keyless.Actions[len(keyless.Actions)-1].Reason; !strings.Contains(r, "verified when apply plans again") {
		t.Errorf("reason %q does not say apply verifies the claim", r)
	}
	keyed := planWith(genuine, key, false)
	if d := Differences(&Plan{Tenants: []TenantPlan{keyless}}, &Plan{Tenants: []TenantPlan{keyed}}); len(d) != 0 {
		t.Errorf("the keyed plan of a genuine ledger differs from the reviewed keyless one: %v", d)
	}
	forged := owned.Properties(NewLedgerKey(spec.NewSecret("an-attackers-key-0123456789abcdef-xyz"), custID))
	keylessForged := planWith(forged, spec.Secret{}, true)
	keyedForged := planWith(forged, key, false)
	if len(Differences(&Plan{Tenants: []TenantPlan{keylessForged}}, &Plan{Tenants: []TenantPlan{keyedForged}})) == 0 {
		t.Errorf("a forged claim gives the same keyed plan as the keyless one: apply would delete\n%v", summary(keyedForged))
	}
	for _, a := range keyedForged.Actions {
		if a.Op == OpDelete {
			t.Errorf("the keyed plan deletes on a forged claim: %s", a.ID)
		}
	}
}
