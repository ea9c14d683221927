package spec

import (
	"path"
	"slices"
	"strings"
)

// checkLayer checks a merged tenant's references: folders, parents,
// states and pinned ids.
func checkLayer(l *layer) Diagnostics {
	var ds Diagnostics
	known := map[string]bool{}
	for _, f := range impliedFolders(folderKind.of(l)) {
		known[f.Path] = true
	}
	for _, k := range objectKinds {
		ds = append(ds, k.references(l, known)...)
	}
	ds = append(ds, checkConnections(connectionKind.of(l))...)
	return ds
}

// checkBase checks what can be checked of a base alone: its own folder
// references may point at folders that tenants add, so only the
// connections' internal rules apply.
func checkBase(l *layer) Diagnostics {
	return checkConnections(connectionKind.of(l))
}

func checkConnections(conns []Connection) Diagnostics {
	var ds Diagnostics
	byName := map[string]*Connection{}
	ambiguous := map[string]bool{}
	for i := range conns {
		if _, dup := byName[conns[i].Name]; dup {
			ambiguous[conns[i].Name] = true
		}
		byName[conns[i].Name] = &conns[i]
	}
	pinned := map[int64]string{}
	for _, c := range conns {
		switch {
		case c.State == StateConnected && !c.HasInput:
			ds = append(ds, c.diag("state", "a connected connection needs input (credentials); use state: shell to let the end user connect it"))
		case (c.State == StateShell || c.State == StateDisconnected) && c.HasInput:
			ds = append(ds, c.diag("input", "a %s connection takes no input; remove it or use state: connected", c.State))
		}
		if c.ID != 0 {
			if other, dup := pinned[c.ID]; dup {
				ds = append(ds, c.diag("id", "id %d is also pinned by connection %q", c.ID, other))
			}
			pinned[c.ID] = c.Name
		}
		if c.Parent == "" {
			continue
		}
		p, ok := byName[c.Parent]
		switch {
		case !ok:
			ds = append(ds, c.diag("parent", "no connection named %q in this tenant", c.Parent))
		case ambiguous[c.Parent]:
			ds = append(ds, c.diag("parent", "%q names more than one connection in this tenant (in different folders); parents must have unique names", c.Parent))
		case p.Name == c.Name:
			ds = append(ds, c.diag("parent", "a connection cannot be its own parent"))
		case p.Provider != c.Provider:
			ds = append(ds, c.diag("parent", "parent %q is a %s connection, not %s", p.Name, p.Provider, c.Provider))
		}
	}
	ds = append(ds, parentCycles(conns, byName)...)
	return ds
}

// parentCycles reports each cycle of parent references once, at the
// member of the cycle whose name sorts first.
func parentCycles(conns []Connection, byName map[string]*Connection) Diagnostics {
	var ds Diagnostics
	for _, c := range conns {
		index := map[string]int{}
		var chain []string
		for cur := byName[c.Name]; cur != nil; cur = byName[cur.Parent] {
			if i, seen := index[cur.Name]; seen {
				cycle := chain[i:]
				if c.Name == slices.Min(cycle) && c.Name == chain[0] {
					ds = append(ds, c.diag("parent", "parent references form a cycle: %s -> %s", strings.Join(cycle, " -> "), cycle[0]))
				}
				break
			}
			index[cur.Name] = len(chain)
			chain = append(chain, cur.Name)
			if cur.Parent == cur.Name {
				break // reported as "its own parent"
			}
		}
	}
	return ds
}

// impliedFolders adds the parents of every declared folder, sorted so that
// parents come first.
func impliedFolders(declared []Folder) []Folder {
	byPath := map[string]Folder{}
	for _, f := range declared {
		byPath[f.Path] = f
	}
	for _, f := range declared {
		for p := path.Dir(f.Path); p != "."; p = path.Dir(p) {
			if _, ok := byPath[p]; !ok {
				byPath[p] = Folder{Pos: f.Pos, Path: p, Implied: true}
			}
		}
	}
	out := make([]Folder, 0, len(byPath))
	for _, k := range sortedKeys(byPath) {
		out = append(out, byPath[k])
	}
	return out
}

// newTenant builds the public value from a checked manifest and its merged
// layer.
func newTenant(m *manifest, l *layer) *Tenant {
	t := &Tenant{
		Pos:      m.Pos,
		Name:     m.name,
		Extends:  m.extends,
		Customer: *m.customer,
	}
	for _, k := range objectKinds {
		k.toTenant(t, l)
	}
	t.Prune = Prune{Connections: deref(l.prune.Connections), Folders: deref(l.prune.Folders), Members: deref(l.prune.Members)}
	return t
}

// defaultStates gives each connection without a state its default: shell,
// or connected when it has input.
func defaultStates(conns []Connection) []Connection {
	var out []Connection
	for _, c := range conns {
		if c.State == "" {
			c.State = StateShell
			if c.HasInput {
				c.State = StateConnected
			}
		}
		out = append(out, c)
	}
	return out
}

func deref(b *bool) bool { return b != nil && *b }

// checkPaths rejects folder paths with empty, "." or ".." segments wherever
// one is written: such a path names another folder than it spells, so it
// would be created under one name and matched under another forever.
func checkPaths(l *layer) Diagnostics {
	var ds Diagnostics
	check := func(p Pos, field, s string) {
		if msg := CheckPath(s); s != "" && msg != "" {
			ds = append(ds, p.diag(field, "folder path %q: %s", s, msg))
		}
	}
	for _, k := range objectKinds {
		k.paths(l, check)
	}
	return ds
}
