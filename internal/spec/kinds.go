package spec

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// A kind of object a manifest lists (members, folders, connections, ...)
// is one row of objectKinds (model.go): its type, its manifest key and the
// few things only it knows. Everything a layer does with its lists, decode,
// merge, override, check and hand to the Tenant, goes through this table,
// so a kind is added in one place; kinds_test.go checks the table against
// the schema and the Tenant.
type objectKind interface {
	// Name is the kind as plans name it ("member").
	Name() string
	// Field is the manifest's key for the list ("members").
	Field() string
	decode(d *decoder, l *layer)
	union(dst, src *layer, conflict func(kind, label string, a, b Pos))
	override(dst, own *layer)
	duplicates(l *layer) Diagnostics
	paths(l *layer, check func(p Pos, field, s string))
	references(l *layer, known map[string]bool) Diagnostics
	toTenant(t *Tenant, l *layer)
	fill(l *layer, n int) // tests: n zero objects
	count(l *layer) int
}

// ListKinds names every kind of object a manifest lists, in manifest
// order: the customer, one per manifest, is not among them.
func ListKinds() []string {
	out := make([]string, len(objectKinds))
	for i, k := range objectKinds {
		out[i] = k.Name()
	}
	return out
}

// ListField is the manifest's key for the list of kind ("members" for
// "member"), "" when no list holds that kind.
func ListField(kind string) string {
	for _, k := range objectKinds {
		if k.Name() == kind {
			return k.Field()
		}
	}
	return ""
}

// object is what every manifest object is: keyed, and declared somewhere.
type object interface {
	Key() Key
	position() Pos
}

// objects is the row of one kind of object of type T.
type objects[T object] struct {
	kind string // as plans name it
	list string // the manifest's key
	// label names an object in a conflict between bases; dupLabel, when
	// set, in a duplicate inside one manifest.
	label, dupLabel func(T) string
	// folderField is the field that holds a folder path, checked wherever
	// it is written; "" when the kind has none.
	folderField string
	folderOf    func(T) string
	// ownPath: the folder field is the object's own path (folders), not
	// a reference to a declared folder.
	ownPath bool
	// tenant is the Tenant's list of the kind.
	tenant func(*Tenant) *[]T
	// more decodes what the YAML fields alone do not (connection input);
	// finish completes the merged list for the Tenant (implied folders,
	// default states).
	more   func(d *decoder, ptr string, x *T)
	finish func([]T) []T
}

func (k *objects[T]) Name() string  { return k.kind }
func (k *objects[T]) Field() string { return k.list }

// of is the kind's list in l.
func (k *objects[T]) of(l *layer) []T {
	xs, _ := l.lists[k.kind].([]T)
	return xs
}

func (k *objects[T]) set(l *layer, xs []T) {
	if l.lists == nil {
		l.lists = map[string]any{}
	}
	l.lists[k.kind] = xs
}

// decoder is what decoding a manifest's objects needs beyond the YAML.
type decoder struct {
	doc       *document
	pos       func(ptr string) Pos
	inputs    map[string]Secret
	plaintext bool
}

func (k *objects[T]) decode(d *decoder, l *layer) {
	node := mappingValue(d.doc.root, k.list)
	if node == nil {
		return
	}
	var xs []T
	if err := node.Decode(&xs); err != nil {
		// The schema has vouched for every type: this cannot happen.
		panic(fmt.Sprintf("internal: decoding %s: %v", k.list, err))
	}
	for i := range xs {
		ptr := fmt.Sprintf("/%s/%d", k.list, i)
		any(&xs[i]).(interface{ setPos(Pos) }).setPos(d.pos(ptr))
		if k.more != nil {
			k.more(d, ptr, &xs[i])
		}
	}
	k.set(l, xs)
}

func (k *objects[T]) union(dst, src *layer, conflict func(kind, label string, a, b Pos)) {
	k.set(dst, unionList(k.of(dst), k.of(src), func(a, b T) { conflict(k.kind, k.label(a), a.position(), b.position()) }))
}

func (k *objects[T]) override(dst, own *layer) { k.set(dst, overrideList(k.of(dst), k.of(own))) }

func (k *objects[T]) duplicates(l *layer) Diagnostics {
	var ds Diagnostics
	label := k.label
	if k.dupLabel != nil {
		label = k.dupLabel
	}
	dups(&ds, k.kind, k.of(l), label)
	return ds
}

func (k *objects[T]) paths(l *layer, check func(p Pos, field, s string)) {
	if k.folderField == "" {
		return
	}
	for _, x := range k.of(l) {
		check(x.position(), k.folderField, k.folderOf(x))
	}
}

// references reports objects in a folder that the tenant does not declare.
func (k *objects[T]) references(l *layer, known map[string]bool) Diagnostics {
	var ds Diagnostics
	if k.folderField == "" || k.ownPath {
		return nil
	}
	for _, x := range k.of(l) {
		if f := k.folderOf(x); f != "" && !known[f] {
			ds = append(ds, x.position().diag(k.folderField, "folder %q is not declared in folders", f))
		}
	}
	return ds
}

func (k *objects[T]) toTenant(t *Tenant, l *layer) {
	xs := k.of(l)
	if k.finish != nil {
		xs = k.finish(xs)
	}
	*k.tenant(t) = xs
}

func (k *objects[T]) fill(l *layer, n int) { k.set(l, make([]T, n)) }
func (k *objects[T]) count(l *layer) int   { return len(k.of(l)) }

// setPos lets decoding place the Pos embedded in every object.
func (p *Pos) setPos(q Pos) { *p = q }

// layer is what a manifest contributes to a tenant; bases and tenants are
// both layers, merged in extends order.
type layer struct {
	lists map[string]any // by kind: a []T of the kind's row
	prune rawPrune
}

func unionList[T object](dst, src []T, conflict func(a, b T)) []T {
	index := map[Key]int{}
	for i, x := range dst {
		index[x.Key()] = i
	}
	for _, x := range src {
		if i, ok := index[x.Key()]; ok {
			if !dst[i].position().same(x.position()) {
				conflict(dst[i], x)
			}
			continue
		}
		index[x.Key()] = len(dst)
		dst = append(dst, x)
	}
	return dst
}

func overrideList[T object](dst, own []T) []T {
	dst = slices.Clone(dst)
	index := map[Key]int{}
	for i, x := range dst {
		index[x.Key()] = i
	}
	for _, x := range own {
		if i, ok := index[x.Key()]; ok {
			dst[i] = x
			continue
		}
		dst = append(dst, x)
	}
	return dst
}

func dups[T object](ds *Diagnostics, kind string, xs []T, label func(T) string) {
	seen := map[Key]Pos{}
	for _, x := range xs {
		if first, ok := seen[x.Key()]; ok {
			*ds = append(*ds, x.position().diag("", "duplicate %s %q (first declared at line %d)", kind, label(x), first.Line))
			continue
		}
		seen[x.Key()] = x.position()
	}
}

// mappingValue is the value of key in a mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; m != nil && m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
