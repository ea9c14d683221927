package plan

import (
	"fmt"
	"slices"
)

// kindInfo is everything the plan knows about one kind of object, in one
// place. Apply's executors (internal/apply/kinds.go) are the other half;
// tests check that both tables name every kind of AllKinds.
type kindInfo struct {
	// ops are the operations an action of this kind may carry.
	ops []Op
	// phase places a create, update, reconnect or adopt of this kind (the
	// other ops have a phase of their own, whatever the kind).
	phase int
	// createPhase, when not zero, places creates apart (connections are
	// created, parents first, before any is updated).
	createPhase int
	// ledger is the kind's section of the ledger ("" for none, such as
	// recipes, which the tool never owns).
	ledger string
	// plan matches desired objects to live ones, diffs them and adds
	// actions; prune handles owned live objects that left the manifest.
	// Both run in AllKinds order, every plan before any prune.
	plan, prune func(*planner)
	// live finds the live object with an id, for the stale check; ok is
	// false when the kind has no live objects of its own (packages).
	live func(l *Live, id int64) (obj any, ok bool)
}

// AllKinds lists every kind in the order a tenant's objects are planned.
var AllKinds = []Kind{KindCustomer, KindMember, KindFolder, KindConnection, KindPackage, KindRecipe}

// Ledger sections.
const (
	ledgerCustomer   = "customer"
	ledgerFolder     = "folder"
	ledgerConnection = "connection"
	ledgerMember     = "member"
	ledgerPackage    = "package"
	ledgerInvitation = "invitation"
)

var kinds = map[Kind]kindInfo{
	KindCustomer: {
		ops: []Op{OpCreate, OpUpdate, OpAdopt, OpPending}, phase: 0, ledger: ledgerCustomer,
		plan: (*planner).planCustomer, prune: nothing,
		live: func(l *Live, _ int64) (any, bool) { return l.Customer, l.Customer != nil },
	},
	KindMember: {
		ops: []Op{OpCreate, OpUpdate, OpAdopt, OpDelete, OpPending, OpUnmanaged}, phase: 1, ledger: ledgerMember,
		plan: (*planner).planMembers, prune: nothing,
		live: func(l *Live, id int64) (any, bool) {
			return byID(l.Members, id, func(m LiveMember) int64 { return m.ID })
		},
	},
	KindFolder: {
		ops: []Op{OpCreate, OpUpdate, OpProtect, OpUnprotect, OpAdopt, OpDelete, OpUnmanaged}, phase: 1, ledger: ledgerFolder,
		plan: (*planner).planFolders, prune: (*planner).pruneFolders,
		live: func(l *Live, id int64) (any, bool) {
			return byID(l.Folders, id, func(f LiveFolder) int64 { return f.ID })
		},
	},
	KindConnection: {
		ops:   []Op{OpCreate, OpUpdate, OpReconnect, OpProtect, OpUnprotect, OpAdopt, OpDisconnect, OpDelete, OpUnmanaged},
		phase: 3, createPhase: 2, ledger: ledgerConnection,
		plan: (*planner).planConnections, prune: (*planner).orphanConnections,
		live: func(l *Live, id int64) (any, bool) {
			return byID(l.Connections, id, func(c LiveConnection) int64 { return c.ID })
		},
	},
	KindPackage: {
		ops: []Op{OpImport}, phase: 4, ledger: ledgerPackage,
		plan: (*planner).planPackages, prune: nothing,
		live: func(*Live, int64) (any, bool) { return nil, false },
	},
	KindRecipe: {
		ops: []Op{OpStart, OpStop}, phase: 5,
		plan: (*planner).planRecipes, prune: nothing,
		live: func(l *Live, id int64) (any, bool) {
			return byID(l.Recipes, id, func(r LiveRecipe) int64 { return r.ID })
		},
	},
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
