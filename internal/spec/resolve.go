package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const (
	kindTenant = "Tenant"
	kindBase   = "Base"
)

// resolve checks names across files, merges bases into tenants and checks
// every tenant's references. A tenant with any problem is left out.
func (l *loader) resolve(manifests []*manifest) []*Tenant {
	byName := map[string]*manifest{}
	bases := map[string]*manifest{}
	var tenants []*manifest
	for _, m := range manifests {
		if m == nil {
			continue
		}
		if first, dup := byName[m.name]; dup {
			l.diags = append(l.diags, m.diag("metadata.name", "name %q is already used by %s", m.name, first.Pos))
			continue
		}
		byName[m.name] = m
		if m.kind == kindBase {
			bases[m.name] = m
		} else {
			tenants = append(tenants, m)
		}
	}
	r := &resolver{bases: bases, done: map[string]*layer{}, busy: map[string]bool{}}
	var out []*Tenant
	externalIDs := map[string]*manifest{}
	ids := map[int64]*manifest{}
	for _, m := range tenants {
		var ds Diagnostics
		if first, dup := externalIDs[m.customer.ExternalID]; dup {
			ds = append(ds, m.customer.diag("externalId", "customer %q is also declared by tenant %q (%s)", m.customer.ExternalID, first.name, first.Pos))
		} else {
			externalIDs[m.customer.ExternalID] = m
		}
		if id := m.customer.ID; id != 0 {
			if first, dup := ids[id]; dup {
				ds = append(ds, m.customer.diag("id", "customer id %d is also pinned by tenant %q (%s)", id, first.name, first.Pos))
			} else {
				ids[id] = m
			}
		}
		merged, mds := r.expand(m)
		ds = append(ds, mds...)
		if merged != nil {
			ds = append(ds, checkLayer(merged)...)
		}
		l.diags = append(l.diags, ds...)
		if len(ds) == 0 {
			t := newTenant(m, merged)
			t.Sources = append([]string{m.digest.Path}, r.baseFiles(m)...)
			out = append(out, t)
		}
	}
	// Bases no tenant uses are still checked on their own.
	for _, name := range sortedKeys(bases) {
		if merged, ds := r.expand(bases[name]); len(ds) > 0 {
			l.diags = append(l.diags, ds...)
		} else {
			l.diags = append(l.diags, checkBase(merged)...)
		}
	}
	slices.SortFunc(out, func(a, b *Tenant) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (m *manifest) diag(field, format string, args ...any) Diagnostic {
	return Diagnostic{File: m.File, Line: m.Line, Field: field, Message: fmt.Sprintf(format, args...)}
}

type resolver struct {
	bases map[string]*manifest
	done  map[string]*layer
	busy  map[string]bool
}

// expand returns m's own layer merged over everything it extends.
func (r *resolver) expand(m *manifest) (*layer, Diagnostics) {
	own := m.layer
	if ds := append(checkPaths(&own), checkDuplicates(&own)...); ds != nil {
		return nil, ds
	}
	if len(m.extends) == 0 {
		return &own, nil
	}
	var inherited layer
	var ds Diagnostics
	var sources []string
	for _, name := range m.extends {
		b, ok := r.bases[name]
		if !ok {
			ds = append(ds, m.extendsPos.diag("", "no Base named %q%s", name, suggest(name, r.bases)))
			continue
		}
		l, bds := r.expandBase(b)
		if bds != nil {
			ds = append(ds, bds...) // reported at the base itself; repeats are dropped
			continue
		}
		ds = append(ds, union(&inherited, l, m.extendsPos, strings.Join(sources, ", "), name)...)
		sources = append(sources, name)
	}
	if ds != nil {
		return nil, ds
	}
	override(&inherited, &own)
	return &inherited, nil
}

// baseFiles lists the files of every base m extends, directly or not,
// sorted; m expanded without problems, so every base exists and there is
// no cycle.
func (r *resolver) baseFiles(m *manifest) []string {
	seen := map[string]bool{}
	var walk func(*manifest)
	walk = func(m *manifest) {
		for _, name := range m.extends {
			if b := r.bases[name]; b != nil && !seen[b.digest.Path] {
				seen[b.digest.Path] = true
				walk(b)
			}
		}
	}
	walk(m)
	return sortedKeys(seen)
}

func (r *resolver) expandBase(b *manifest) (*layer, Diagnostics) {
	if l, ok := r.done[b.name]; ok {
		return l, nil
	}
	if r.busy[b.name] {
		return nil, Diagnostics{b.extendsPos.diag("", "bases extend each other in a cycle through %q", b.name)}
	}
	r.busy[b.name] = true
	defer delete(r.busy, b.name)
	l, ds := r.expand(b)
	if ds == nil {
		r.done[b.name] = l
	}
	return l, ds
}

// union adds src to dst; an object whose key both define is a conflict
// unless it is the very same declaration (reached through two paths).
func union(dst, src *layer, at Pos, dstNames, srcName string) Diagnostics {
	var ds Diagnostics
	conflict := func(kind, key string, a, b Pos) {
		ds = append(ds, at.diag("", "%s %q is defined by base %q (%s) and by an earlier base (%s); define it in this manifest to choose", kind, key, srcName, b, a))
	}
	for _, k := range objectKinds {
		k.union(dst, src, conflict)
	}
	dst.prune = overridePrune(dst.prune, src.prune)
	return ds
}

// override lays own over inherited: an object with an inherited key
// replaces it in place; new ones follow in their own order.
func override(dst, own *layer) {
	for _, k := range objectKinds {
		k.override(dst, own)
	}
	dst.prune = overridePrune(dst.prune, own.prune)
}

func overridePrune(a, b rawPrune) rawPrune {
	if b.Connections != nil {
		a.Connections = b.Connections
	}
	if b.Folders != nil {
		a.Folders = b.Folders
	}
	if b.Members != nil {
		a.Members = b.Members
	}
	return a
}

// checkDuplicates reports objects declared twice in one manifest.
func checkDuplicates(l *layer) Diagnostics {
	var ds Diagnostics
	for _, k := range objectKinds {
		ds = append(ds, k.duplicates(l)...)
	}
	return ds
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// suggest offers the closest name when one differs only a little.
func suggest(name string, names map[string]*manifest) string {
	best, bestD := "", 3
	for _, n := range sortedKeys(names) {
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean " + strconv.Quote(best) + "?"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
