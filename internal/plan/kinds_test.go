package plan

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestEveryKindHasADescriptor: each kind of AllKinds has every part of
// its descriptor, a phase for each of its ops, and a ledger section that
// survives a round trip; nothing else is in the table.
func TestEveryKindHasADescriptor(t *testing.T) {
	if len(kinds) != len(AllKinds) {
		t.Errorf("the descriptor table has %d kinds, AllKinds %d", len(kinds), len(AllKinds))
	}
	for _, k := range AllKinds {
		ki, ok := kinds[k]
		if !ok {
			t.Errorf("kind %q has no descriptor", k)
			continue
		}
		if ki.plan == nil || ki.prune == nil || ki.live == nil || len(ki.ops) == 0 {
			t.Errorf("kind %q: descriptor is missing a part: %+v", k, ki)
		}
		for _, op := range ki.ops {
			if !slices.Contains(Ops, op) {
				t.Errorf("kind %q: op %q is not in Ops", k, op)
			}
			if p := Phase(&Action{Op: op, Kind: k}); p < 0 || p > 9 {
				t.Errorf("Phase(%s %s) = %d", op, k, p)
			}
		}
		if _, ok := ki.live(&Live{}, 1); ok {
			t.Errorf("kind %q finds a live object in an empty workspace", k)
		}
	}
}

// TestLedgerSections: every ledger section of every kind writes what it
// holds, under its own name, and reads it back as it was.
func TestLedgerSections(t *testing.T) {
	l := NewLedger()
	l.Customer = true
	l.Folders[1] = LedgerFolder{Path: "A"}
	l.Connections[1] = LedgerConnection{Name: "c"}
	l.Members[1] = LedgerMember{Email: "a@b.c"}
	l.Invitations["a@b.c"] = LedgerInvitation{Email: "a@b.c", Role: "Admin", Sent: "2026-01-01T00:00:00Z"}
	l.Packages["p"] = LedgerPackage{Name: "p", Digest: "d"}
	props := l.Properties(NewLedgerKey(fpKey, 1))
	seen := map[string]bool{}
	for _, k := range AllKinds {
		for _, sec := range kinds[k].ledger {
			if seen[sec.name] {
				t.Errorf("kind %q: ledger section %q is another kind's too", k, sec.name)
			}
			seen[sec.name] = true
			if sec.set == nil || sec.props == nil {
				t.Errorf("kind %q: ledger section %q is missing a part", k, sec.name)
				continue
			}
			found := false
			for name := range props {
				found = found || name == LedgerPrefix+sec.name || strings.HasPrefix(name, LedgerPrefix+sec.name+".")
			}
			if !found {
				t.Errorf("kind %q: ledger section %q is not written by Properties", k, sec.name)
			}
		}
	}
	back, err := ParseLedger(props, NewLedgerKey(fpKey, 1))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Properties(NewLedgerKey(fpKey, 1)); !maps.Equal(got, props) {
		t.Errorf("ledger round trip:\n got %v\nwant %v", got, props)
	}
}

// TestEveryManifestKindIsPlanned: the kinds of objects a manifest lists
// (spec's table), with the customer, are exactly the plan's kinds; and
// every kind has its own place in AllKinds.
func TestEveryManifestKindIsPlanned(t *testing.T) {
	want := append([]string{string(KindCustomer)}, spec.ListKinds()...)
	var got []string
	orders := map[int]Kind{}
	for _, k := range AllKinds {
		got = append(got, string(k))
		if other, dup := orders[kinds[k].order]; dup {
			t.Errorf("kinds %q and %q have the same order", other, k)
		}
		orders[kinds[k].order] = k
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("plan kinds %q, manifest kinds %q", got, want)
	}
}

// TestLiveObjects: a kind's live objects kept in Live.Kinds survive a
// saved plan's JSON, reads of one tenant may keep theirs at once, and a
// kind that kept nothing has nothing.
func TestLiveObjects(t *testing.T) {
	type thing struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	l := &Live{}
	var wg sync.WaitGroup
	for _, k := range []Kind{"a", "b", "c"} {
		wg.Go(func() { SetLiveObjects(l, k, []thing{{ID: 1, Name: string(k)}}) })
	}
	wg.Wait()
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back Live
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []Kind{"a", "b", "c"} {
		got, err := LiveObjects[thing](&back, k)
		if err != nil || len(got) != 1 || got[0].Name != string(k) {
			t.Errorf("kind %q: %+v %v", k, got, err)
		}
	}
	if got, err := LiveObjects[thing](&back, "d"); got != nil || err != nil {
		t.Errorf("a kind that kept nothing: %+v %v", got, err)
	}
	back.Kinds["a"] = json.RawMessage(`{"not":"a list"}`)
	if _, err := LiveObjects[thing](&back, "a"); err == nil {
		t.Error("a saved plan holding something else reads as objects")
	}
}

// TestOwnedSection: a kind kept in Ledger.Owned writes its entries under
// its own name, signed, reads them back (protect included), cannot read an
// entry filed under another id, and is copied, not shared, by Clone.
func TestOwnedSection(t *testing.T) {
	const kind Kind = "widget"
	sec := ownedSection(kind)
	key := NewLedgerKey(fpKey, 1)
	l := &Ledger{}
	l.Own(kind, 7, LedgerObject{Key: "A/w", Protect: true})
	l.Own(kind, 9, LedgerObject{Key: "gone"})
	l.Disown(kind, 9)
	props := map[string]string{}
	sec.props(l, key, props)
	value, ok := props[LedgerPrefix+"widget.7"]
	if len(props) != 1 || !ok {
		t.Fatalf("props %v", props)
	}
	entry, why := key.open(LedgerPrefix+"widget.7", value)
	if why != "" {
		t.Fatalf("entry does not verify: %s", why)
	}
	back := NewLedger()
	if err := sec.set(back, 7, LedgerPrefix+"widget.7", string(entry)); err != nil {
		t.Fatal(err)
	}
	if got := back.Owned[kind][7]; got != (LedgerObject{Key: "A/w", Protect: true}) {
		t.Errorf("read back %+v", got)
	}
	if _, why := key.open(LedgerPrefix+"widget.8", value); why == "" {
		t.Error("an entry verifies under another id")
	}
	c := back.Clone()
	c.Owned[kind][8] = LedgerObject{}
	if len(back.Owned[kind]) != 1 {
		t.Error("Clone shares Owned")
	}
	if err := sec.set(&Ledger{}, 7, "", string(entry)); err != nil {
		t.Errorf("a zero ledger: %v", err)
	}
}
