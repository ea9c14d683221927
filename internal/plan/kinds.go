package plan

import (
	"cmp"
	"fmt"
	"slices"
)

// kindInfo is everything the plan knows about one kind of object. Each
// kind registers its own in the file that plans it (plan.go,
// plan_folders.go, plan_connections.go, plan_objects.go), beside its Kind;
// apply's executors (internal/apply/kinds.go) are the other half. Tests
// check that the spec's kinds, this table, apply's executors and export
// name the same kinds.
type kindInfo struct {
	// order places the kind in AllKinds: the order a tenant's objects are
	// planned (and pruned, backwards).
	order int
	// ops are the operations an action of this kind may carry.
	ops []Op
	// phase places a create, update, reconnect or adopt of this kind (the
	// other ops have a phase of their own, whatever the kind).
	phase int
	// createPhase, when not zero, places creates apart (connections are
	// created, parents first, before any is updated).
	createPhase int
	// ledger lists the kind's sections of the ledger (none for recipes,
	// which the tool never owns).
	ledger []section
	// plan matches desired objects to live ones, diffs them and adds
	// actions; prune handles owned live objects that left the manifest.
	// Both run in AllKinds order, every plan before any prune.
	plan, prune func(*planner)
	// live finds the live object with an id, for the stale check; ok is
	// false when the kind has no live objects of its own (packages).
	live func(l *Live, id int64) (obj any, ok bool)
	// notExported, when set, says why export writes no object of the
	// kind; otherwise the kind's file in internal/apply registers its
	// export part (export.Register).
	notExported string
}

// AllKinds lists every kind in the order a tenant's objects are planned;
// it is made from the registered descriptors' order.
var AllKinds []Kind

var kinds = map[Kind]kindInfo{}

// register adds a kind's descriptor; each kind's file calls it in a
// package-level var, so that every kind is in the table before any init
// function runs.
func register(k Kind, ki kindInfo) struct{} {
	if _, dup := kinds[k]; dup {
		panic(fmt.Sprintf("internal: kind %q registered twice", k))
	}
	kinds[k] = ki
	return struct{}{}
}

func init() {
	for k := range kinds {
		AllKinds = append(AllKinds, k)
	}
	slices.SortFunc(AllKinds, func(a, b Kind) int { return cmp.Compare(kinds[a].order, kinds[b].order) })
}

func nothing(*planner) {}

func byID[T any](xs []T, id int64, idOf func(T) int64) (any, bool) {
	if i := slices.IndexFunc(xs, func(x T) bool { return idOf(x) == id }); i >= 0 {
		return xs[i], true
	}
	return nil, false
}

// info is the descriptor of k. A kind missing from the table is a
// programming error, never a default.
func info(k Kind) kindInfo {
	ki, ok := kinds[k]
	if !ok {
		panic(fmt.Sprintf("internal: kind %q has no descriptor in plan/kinds.go", k))
	}
	return ki
}

// KindOps lists the operations an action of kind k may carry.
func KindOps(k Kind) []Op { return slices.Clone(info(k).ops) }

// NotExported says why export writes no object of kind k, or "" when it
// writes them.
func NotExported(k Kind) string { return info(k).notExported }

// LiveObject is the live object of kind k with the given id in l, and
// whether there is one. Kinds without live objects (packages) have none.
func LiveObject(l *Live, k Kind, id int64) (any, bool) { return info(k).live(l, id) }

// opPhases place the ops whose phase does not depend on the kind.
var opPhases = map[Op]int{OpImport: 4, OpStart: 5, OpStop: 6, OpDisconnect: 7, OpDelete: 8, OpPending: 9, OpUnmanaged: 9}

// Phase is the place of an action in a tenant's plan: customer, then
// folders and members, connections created (parents first), connections
// updated, imports, starts, stops, disconnects, deletes (contents before
// their folder, by dependency), and reports last. Dependencies only ever
// point to an earlier phase or, inside a phase, to a parent or to contents,
// so the order is a topological one.
func Phase(a *Action) int {
	ki := info(a.Kind)
	if p, ok := opPhases[a.Op]; ok {
		return p
	}
	if a.Op == OpCreate && ki.createPhase != 0 {
		return ki.createPhase
	}
	return ki.phase
}
