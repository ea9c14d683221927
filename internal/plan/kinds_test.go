package plan

import (
	"slices"
	"strings"
	"testing"
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

// TestLedgerSections: every kind with a ledger section reads back what it
// wrote; the sections are the ones ParseLedger knows.
func TestLedgerSections(t *testing.T) {
	l := NewLedger()
	l.Customer = true
	l.Folders[1] = LedgerFolder{Path: "A"}
	l.Connections[1] = LedgerConnection{Name: "c"}
	l.Members[1] = LedgerMember{Email: "a@b.c"}
	l.Packages["p"] = LedgerPackage{Name: "p", Digest: "d"}
	props := l.Properties()
	for _, k := range AllKinds {
		sec := kinds[k].ledger
		if sec == "" {
			continue
		}
		found := false
		for name := range props {
			found = found || name == LedgerPrefix+sec || strings.HasPrefix(name, LedgerPrefix+sec+".")
		}
		if !found {
			t.Errorf("kind %q: ledger section %q is not written by Properties", k, sec)
		}
	}
	if _, err := ParseLedger(props); err != nil {
		t.Fatal(err)
	}
}
