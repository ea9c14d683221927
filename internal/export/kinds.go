package export

import (
	"context"
	"fmt"
	"regexp"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Kind is export's part of one kind of object, registered from the kind's
// own file (internal/apply/<kind>.go, beside its executor): export itself
// knows no kind. A kind of plan.AllKinds has one, or says in its plan
// descriptor why export writes none (plan.NotExported); a test checks it,
// and Reader.Tenant refuses to run without.
type Kind struct {
	// Field is the manifest's key for the kind ("members"); Single: it
	// holds one mapping (the customer), not a list.
	Field  string
	Single bool
	// Read lists the kind's objects in a whole workspace (every kind at
	// once, so it reads only w.Ref and w.Customer) and returns how to write
	// them. Writes run one after another in plan.AllKinds order, once every
	// kind has read, so folders are written (and set w.FolderOf) before
	// what they hold; a write may call the API through what Read captured.
	Read func(ctx context.Context, c *workato.Client, w *Workspace) (WriteObjects, error)
}

// WriteObjects turns what a kind read into its manifest objects, sorted.
type WriteObjects func(w *Workspace) ([]Object, error)

// Object is one manifest object as export writes it.
type Object struct {
	// Value is the object as the manifest holds it: a struct whose yaml
	// tags name its fields, in order; a field tagged omitempty is left out
	// when zero. Render writes strings, booleans and integers.
	Value any
	// Notes are comment lines written after its fields.
	Notes []Note
}

// Note is a comment line: Text, kept on its line whatever it holds; or,
// with Key set, a commented-out YAML entry "Key: Value" (each a YAML
// scalar; Value "" leaves a mapping key alone) indented by Depth levels,
// for the reader to uncomment.
type Note struct {
	Text       string
	Key, Value string
	Depth      int
}

// Section is one kind's objects in a Tenant.
type Section struct {
	Kind    plan.Kind
	Field   string
	Single  bool
	Objects []Object
}

// Workspace is what the kinds of one workspace share while it is exported.
type Workspace struct {
	Ref      workato.CustomerRef
	Customer *workato.Customer
	// Ledger holds the protect flags of an earlier workato-gitops (empty
	// when the workspace has none, or they are unreadable).
	Ledger *plan.Ledger
	// FolderOf names a folder id: its path ("" for Home), and false when
	// no exported path names it. HomeID is Home's id, 0 when unknown. The
	// folder kind sets both when it is written; until then no folder is
	// named.
	FolderOf func(id int64) (path string, ok bool)
	HomeID   int64

	skipped []string
	run     *runCache
}

// Skip notes an object that could not be exported, and why; the manifest's
// header lists every note.
func (w *Workspace) Skip(format string, args ...any) {
	w.skipped = append(w.skipped, fmt.Sprintf(format, args...))
}

// Once returns fn's answer for key, calling fn once per export run however
// many workspaces ask (each connector's input schema, say).
func (w *Workspace) Once(key string, fn func() any) any { return w.run.once(key, fn) }

// runCache is what Once keeps for one run.
type runCache struct {
	mu      sync.Mutex
	entries map[string]*runEntry
}

type runEntry struct {
	once sync.Once
	v    any
}

func (rc *runCache) once(key string, fn func() any) any {
	rc.mu.Lock()
	if rc.entries == nil {
		rc.entries = map[string]*runEntry{}
	}
	e := rc.entries[key]
	if e == nil {
		e = &runEntry{}
		rc.entries[key] = e
	}
	rc.mu.Unlock()
	e.once.Do(func() { e.v = fn() })
	return e.v
}

var kinds = map[plan.Kind]Kind{}

// Register adds kind k's export part; each kind's file calls it in a
// package-level var.
func Register(k plan.Kind, x Kind) struct{} {
	if _, dup := kinds[k]; dup {
		panic(fmt.Sprintf("internal: kind %q registered twice for export", k))
	}
	if x.Field == "" || x.Read == nil {
		panic(fmt.Sprintf("internal: kind %q: its export names no field or reads nothing", k))
	}
	kinds[k] = x
	return struct{}{}
}

// Registered is kind k's export part, and whether it has one.
func Registered(k plan.Kind) (Kind, bool) {
	x, ok := kinds[k]
	return x, ok
}

// Kinds lists the kinds export writes, in plan.AllKinds order. A kind
// with neither an export part nor a reason is an error, as is a part for
// a kind the plan does not know: the table is incomplete.
func Kinds() ([]plan.Kind, error) {
	var out []plan.Kind
	for _, k := range plan.AllKinds {
		_, ok := kinds[k]
		switch why := plan.NotExported(k); {
		case ok && why != "":
			return nil, fmt.Errorf("internal: kind %q registers an export and says it is not exported (%s)", k, why)
		case !ok && why == "":
			return nil, fmt.Errorf("internal: kind %q has no export: register one from its file in internal/apply, or say why not in its plan descriptor (notExported)", k)
		case ok:
			out = append(out, k)
		}
	}
	if len(out) != len(kinds) {
		return nil, fmt.Errorf("internal: %d kinds register an export, %d of them in plan.AllKinds", len(kinds), len(out))
	}
	return out, nil
}

// emailPattern is the manifest schema's pattern for an email address.
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)

// ValidEmail reports whether a manifest accepts s as an email address.
func ValidEmail(s string) bool { return emailPattern.MatchString(s) }

// Objects wraps manifest values that need no notes.
func Objects[T any](xs []T) []Object {
	out := make([]Object, len(xs))
	for i, x := range xs {
		out[i] = Object{Value: x}
	}
	return out
}
