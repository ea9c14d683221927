package plan

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func (pl *planner) planMembers() {
	if pl.newCust || pl.live.MembersRead {
		live := map[string]LiveMember{}
		for _, m := range pl.live.Members {
			live[strings.ToLower(m.Email)] = m
		}
		declared := map[string]bool{}
		for _, m := range pl.t.Members {
			key := m.Key()
			declared[key] = true
			lm, ok := live[key]
			switch {
			case !ok:
				pl.add(Action{Op: OpCreate, Kind: KindMember, Key: key, Reason: "not a member of the workspace",
					Changes: []Change{{Field: "role", New: m.Role}, {Field: "name", New: nonEmpty(m.Name)}}}, m.Pos)
			default:
				if m.Role != lm.Role {
					pl.add(Action{Op: OpUpdate, Kind: KindMember, Key: key, LiveID: lm.ID, Reason: "role differs from the manifest",
						Changes: []Change{{Field: "role", Old: lm.Role, New: m.Role}}}, m.Pos)
				}
				if _, owned := pl.ledger.Members[lm.ID]; !owned {
					pl.add(Action{Op: OpAdopt, Kind: KindMember, Key: key, LiveID: lm.ID, Reason: "already a member; not yet managed"}, m.Pos)
				}
			}
		}
		for _, id := range sortedIDs(pl.ledger.Members) {
			e := pl.ledger.Members[id]
			lm, ok := findMember(pl.live.Members, id)
			if !ok || declared[strings.ToLower(lm.Email)] {
				continue
			}
			if pl.t.Prune.Members {
				pl.add(Action{Op: OpDelete, Kind: KindMember, Key: strings.ToLower(e.Email), LiveID: id, Reason: "left the manifest (prune.members)"}, spec.Pos{})
			} else {
				pl.add(Action{Op: OpUnmanaged, Kind: KindMember, Key: strings.ToLower(lm.Email), LiveID: id, Reason: "left the manifest; prune.members is off"}, spec.Pos{})
			}
		}
	}
}

func findMember(ms []LiveMember, id int64) (LiveMember, bool) {
	for _, m := range ms {
		if m.ID == id {
			return m, true
		}
	}
	return LiveMember{}, false
}

func (pl *planner) folderCreateID(p string) string {
	return string(OpCreate) + " " + string(KindFolder) + " " + p
}

// folderDeps are the actions a thing in folder p waits for: the creation
// of p (which itself waits for its parents).
func (pl *planner) folderDeps(p string) []string {
	if p == "" {
		return nil
	}
	if _, ok := pl.byID[pl.folderCreateID(p)]; ok {
		return []string{pl.folderCreateID(p)}
	}
	return nil
}

func (pl *planner) planFolders() {
	declared := map[string]bool{}
	for _, f := range pl.t.Folders {
		declared[f.Path] = true
		lf, ok := pl.folders[f.Path]
		switch {
		case !ok && pl.renamed(f):
		case !ok:
			pl.add(Action{Op: OpCreate, Kind: KindFolder, Key: f.Path, Reason: "not in the workspace", DependsOn: pl.folderDeps(parentPath(f.Path))}, f.Pos)
		default:
			le, owned := pl.ledger.Folders[lf.ID]
			switch {
			case !owned && !f.Implied:
				pl.add(Action{Op: OpAdopt, Kind: KindFolder, Key: f.Path, LiveID: lf.ID, Reason: "exists; not yet managed"}, f.Pos)
			case owned && le.Protect != f.Protect && !f.Implied:
				pl.add(protectAction(KindFolder, f.Path, lf.ID, le.Protect, f.Protect), f.Pos)
			}
			if f.Protect {
				pl.protected[lf.ID] = true
			}
		}
	}
	if !pl.t.Prune.Folders {
		return
	}
	// Owned folders that left the manifest, deepest first so that children
	// go before their parents.
	var gone []LiveFolder
	for _, id := range sortedIDs(pl.ledger.Folders) {
		p, ok := pl.paths[id]
		if ok && !declared[p] {
			gone = append(gone, pl.folders[p])
		}
	}
	slices.SortFunc(gone, func(a, b LiveFolder) int { return strings.Compare(b.Path, a.Path) })
	for _, lf := range gone {
		pl.add(Action{Op: OpDelete, Kind: KindFolder, Key: lf.Path, LiveID: lf.ID, Reason: "left the manifest (prune.folders)"}, spec.Pos{})
		if pl.ledger.Folders[lf.ID].Protect {
			pl.protected[lf.ID] = true
		}
	}
}

// renamed plans an update when an owned folder that the ledger knows at
// path f.Path is found under the same parent with another name.
func (pl *planner) renamed(f spec.Folder) bool {
	for _, id := range sortedIDs(pl.ledger.Folders) {
		if pl.ledger.Folders[id].Path != f.Path {
			continue
		}
		cur, ok := pl.paths[id]
		if !ok || parentPath(cur) != parentPath(f.Path) {
			return false
		}
		pl.add(Action{Op: OpUpdate, Kind: KindFolder, Key: f.Path, LiveID: id, Reason: "renamed in the workspace",
			Changes: []Change{{Field: "name", Old: path.Base(cur), New: path.Base(f.Path)}}}, f.Pos)
		pl.folders[f.Path] = LiveFolder{ID: id, Path: f.Path, Name: path.Base(f.Path)}
		pl.paths[id] = f.Path
		return true
	}
	return false
}

func parentPath(p string) string {
	if d := path.Dir(p); d != "." {
		return d
	}
	return ""
}

func sortedIDs[V any](m map[int64]V) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// folderID is the live id of a declared folder path (Home for ""), or 0
// when it does not exist yet.
func (pl *planner) folderID(p string) int64 {
	if p == "" {
		return pl.live.HomeID
	}
	return pl.folders[p].ID
}

func (pl *planner) planPackages() {
	previous := ""
	for _, p := range pl.t.Packages {
		digest := pl.d.PackageDigests[p.Name]
		le, ok := pl.ledger.Packages[p.Name]
		var reason string
		var ch []Change
		switch {
		case !ok:
			reason = "never imported by workato-gitops"
			ch = []Change{{Field: "digest", New: digest}, {Field: "folder", New: p.Folder}}
		case le.Digest != digest || le.Folder != p.Folder:
			reason = "package content changed"
			if le.Digest == digest {
				reason = "target folder changed"
			}
			ch = diff(ch, "digest", le.Digest, digest, true)
			ch = diff(ch, "folder", le.Folder, p.Folder, true)
		default:
			continue
		}
		deps := pl.folderDeps(p.Folder)
		// The import binds the package's connections by name in its
		// folder: credentials set there first are the ones it finds.
		for _, folder := range sortedKeys(pl.connActions) {
			if within(p.Folder, folder) {
				deps = append(deps, pl.connActions[folder]...)
			}
		}
		// One import at a time per workspace: whether Workato allows more is
		// UNCONFIRMED, and the UI allows one.
		if previous != "" {
			deps = append(deps, previous)
		}
		previous = pl.add(Action{Op: OpImport, Kind: KindPackage, Key: p.Name, Reason: reason, Changes: ch, DependsOn: deps}, p.Pos).ID
	}
}

func within(root, p string) bool { return p == root || strings.HasPrefix(p, root+"/") }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (pl *planner) planRecipes() {
	if len(pl.t.Recipes) == 0 {
		return
	}
	if !pl.newCust && !pl.live.RecipesRead {
		pl.problem("internal: recipes were not read")
		return
	}
	for _, r := range pl.t.Recipes {
		key := RecipeKey(r)
		fid := pl.folderID(r.Folder)
		var matches []LiveRecipe
		for _, lr := range pl.live.Recipes {
			if lr.Name == r.Name && fid != 0 && lr.FolderID == fid {
				matches = append(matches, lr)
			}
		}
		if len(matches) > 1 {
			pl.problem("recipe %q matches %d recipes in the workspace (ids %s); rename one, the tool will not guess", key, len(matches), recipeIDs(matches))
			continue
		}
		imports := pl.importsInto(r.Folder)
		if len(matches) == 0 {
			if len(imports) == 0 {
				pl.problem("recipe %q is not in the workspace and no package import is planned into its folder (%s)", key, r.Pos)
				continue
			}
			if r.Running {
				pl.add(Action{Op: OpStart, Kind: KindRecipe, Key: key, Reason: "brought by the import; start it after", DependsOn: append(imports, pl.allConnActions()...)}, r.Pos)
			}
			continue
		}
		lr := matches[0]
		switch {
		case r.Running && !lr.Running:
			pl.add(Action{Op: OpStart, Kind: KindRecipe, Key: key, LiveID: lr.ID, Reason: "stopped; the manifest wants it running", DependsOn: append(imports, pl.allConnActions()...)}, r.Pos)
		case !r.Running && lr.Running:
			a := pl.add(Action{Op: OpStop, Kind: KindRecipe, Key: key, LiveID: lr.ID, Reason: "running; the manifest wants it stopped", DependsOn: imports}, r.Pos)
			pl.stopping[lr.ID] = a.ID
		}
	}
}

// importsInto lists planned imports into folder p or one of its parents.
func (pl *planner) importsInto(p string) []string {
	var ids []string
	for _, pkg := range pl.t.Packages {
		id := string(OpImport) + " " + string(KindPackage) + " " + pkg.Name
		if _, planned := pl.byID[id]; planned && within(pkg.Folder, p) {
			ids = append(ids, id)
		}
	}
	return ids
}

func (pl *planner) allConnActions() []string {
	var ids []string
	for _, key := range sortedKeys(pl.connActions) {
		ids = append(ids, pl.connActions[key]...)
	}
	return ids
}

func recipeIDs(rs []LiveRecipe) string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = fmt.Sprint(r.ID)
	}
	return strings.Join(ids, ", ")
}

// RecipeKey is a recipe's key in plans: its folder path and name.
func RecipeKey(r spec.Recipe) string {
	if r.Folder == "" {
		return r.Name
	}
	return r.Folder + "/" + r.Name
}

// protectAction records a change of protect in the ledger. It is its own
// line and count, never an adopt: a reviewer must see protection removed.
func protectAction(kind Kind, key string, id int64, was, want bool) Action {
	a := Action{Op: OpProtect, Kind: kind, Key: key, LiveID: id, Reason: "protect: true in the manifest",
		Changes: []Change{{Field: "protect", Old: was, New: want}}}
	if !want {
		a.Op, a.Reason = OpUnprotect, "protect removed from the manifest: it may now be disconnected or deleted"
	}
	return a
}
