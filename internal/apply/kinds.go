package apply

import (
	"fmt"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// executor is apply's half of a kind's descriptor (plan/kinds.go holds the
// other): how to perform its actions, and where its ids are kept. A test
// checks that every kind of plan.AllKinds has one.
type executor struct {
	// do performs one action of the kind.
	do func(r *run, a plan.Action) error
	// record notes the live id of the object with key k; idOf reads it
	// back (0 when the kind keeps no ids, or the object has none yet).
	record func(r *run, k spec.Key, id int64)
	idOf   func(r *run, k spec.Key) int64
}

var executors = map[plan.Kind]executor{
	plan.KindCustomer: {
		do:     (*run).customer,
		record: func(r *run, _ spec.Key, id int64) { r.setCustomer(id) },
		idOf:   func(r *run, _ spec.Key) int64 { return r.custID },
	},
	plan.KindMember: {
		do:     (*run).member,
		record: func(r *run, k spec.Key, id int64) { r.members[k] = id },
		idOf:   func(r *run, k spec.Key) int64 { return r.members[k] },
	},
	plan.KindFolder: {
		do:     (*run).folder,
		record: func(r *run, k spec.Key, id int64) { r.folders[k.Path()] = id },
		idOf:   func(r *run, k spec.Key) int64 { return r.folders[k.Path()] },
	},
	plan.KindConnection: {
		do:     (*run).connection,
		record: func(r *run, k spec.Key, id int64) { r.conns[k] = id },
		idOf:   func(r *run, k spec.Key) int64 { return r.conns[k] },
	},
	plan.KindPackage: {
		do:     (*run).pkg,
		record: func(*run, spec.Key, int64) {}, // an import has no id of its own
		idOf:   func(*run, spec.Key) int64 { return 0 },
	},
	plan.KindRecipe: {
		do:     (*run).recipe,
		record: func(*run, spec.Key, int64) {}, // recipes are found by the plan, never created
		idOf:   func(*run, spec.Key) int64 { return 0 },
	},
}

// executorOf is the executor of kind k. A kind missing from the table is a
// programming error, never a default.
func executorOf(k plan.Kind) executor {
	x, ok := executors[k]
	if !ok {
		panic(fmt.Sprintf("internal: kind %q has no executor in apply/kinds.go", k))
	}
	return x
}

// desired is the manifest object an action carries, of the type its kind
// needs; a plan that lacks it is a programming error, reported as the
// action's failure.
func desired[T any](a plan.Action) (T, error) {
	v, ok := a.Desired.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("internal: %s carries %T, not %T", a.ID, a.Desired, zero)
	}
	return v, nil
}
