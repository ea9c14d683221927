package apply

import (
	"context"
	"fmt"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// executor is apply's half of a kind's descriptor (plan/kinds.go holds the
// other): how to read its live objects, how to perform its actions, and
// where its ids are kept. Each kind registers its own beside its do
// (actions.go, connections.go, members.go), and its export part beside it
// (export.Register); tests check that every kind of plan.AllKinds has
// both, or says why it is not exported.
type executor struct {
	// do performs one action of the kind.
	do func(r *run, a plan.Action) error
	// record notes the live id of the object with key k; idOf reads it
	// back (0 when the kind keeps no ids, or the object has none yet).
	record func(r *run, k spec.Key, id int64)
	idOf   func(r *run, k spec.Key) int64
	// read fills the kind's part of a tenant's live state, reading only
	// what the plan needs; all kinds read at once. noRead, set instead,
	// says why the kind reads nothing here.
	read   func(r *Reader, ctx context.Context, q liveQuery, live *plan.Live) error
	noRead string
}

// liveQuery is what a kind's live read may look at.
type liveQuery struct {
	tenant *spec.Tenant
	ledger *plan.Ledger // its claims: enough to decide what to read
	ref    workato.CustomerRef
}

var executors = map[plan.Kind]executor{}

// registerExecutor adds a kind's executor; each kind's file calls it in a
// package-level var.
func registerExecutor(k plan.Kind, x executor) struct{} {
	if _, dup := executors[k]; dup {
		panic(fmt.Sprintf("internal: kind %q has two executors", k))
	}
	executors[k] = x
	return struct{}{}
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
