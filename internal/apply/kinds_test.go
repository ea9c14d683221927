package apply

import (
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestEveryKindHasAnExecutor: apply's half of each kind's descriptor is
// complete (a live read, or why it has none), and nothing else is in the
// table; ids recorded for a key read back for it.
func TestEveryKindHasAnExecutor(t *testing.T) {
	if len(executors) != len(plan.AllKinds) {
		t.Errorf("the executor table has %d kinds, plan.AllKinds %d", len(executors), len(plan.AllKinds))
	}
	for _, k := range plan.AllKinds {
		x, ok := executors[k]
		if !ok {
			t.Errorf("kind %q has no executor", k)
			continue
		}
		if x.do == nil || x.record == nil || x.idOf == nil {
			t.Errorf("kind %q: executor is missing a part", k)
			continue
		}
		if (x.read == nil) == (x.noRead == "") {
			t.Errorf("kind %q: an executor has a live read or says why not (noRead), not both or neither", k)
		}
		r := &run{folders: map[spec.Path]int64{}, conns: map[spec.Key]int64{}, members: map[spec.Key]int64{}}
		key := spec.Key{Folder: spec.ParsePath("A/B"), Name: "x"}
		x.record(r, key, 7)
		if got := x.idOf(r, key); got != 7 && got != 0 {
			t.Errorf("kind %q: idOf after record = %d", k, got)
		}
	}
}

// TestWrongPayloadFails: an action whose typed payload is not its kind's
// fails instead of acting on a zero value.
func TestWrongPayloadFails(t *testing.T) {
	a := plan.Action{ID: "create customer A1", Op: plan.OpCreate, Kind: plan.KindCustomer, Desired: spec.Folder{Path: "A"}}
	if _, err := desired[spec.Customer](a); err == nil {
		t.Error("a folder passed as a customer")
	}
	if _, err := desired[spec.Customer](plan.Action{}); err == nil {
		t.Error("no payload passed as a customer")
	}
}
