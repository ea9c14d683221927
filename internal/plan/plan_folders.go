package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func (pl *planner) folderCreateID(p spec.Path) string {
	return ActionID(OpCreate, KindFolder, spec.FolderKey(p))
}

// folderDeps are the actions a thing in folder p waits for: the creation
// of p (which itself waits for its parents).
func (pl *planner) folderDeps(p spec.Path) []string {
	if p.IsHome() {
		return nil
	}
	if _, ok := pl.byID[pl.folderCreateID(p)]; ok {
		return []string{pl.folderCreateID(p)}
	}
	return nil
}

func (pl *planner) planFolders() {
	for _, f := range pl.t.Folders {
		key := f.Key()
		lf, ok := pl.folders[key.Path()]
		switch {
		case !ok && pl.renamed(f):
		case !ok:
			pl.add(Action{Op: OpCreate, Kind: KindFolder, Key: key, Reason: "not in the workspace", DependsOn: pl.folderDeps(key.Folder), Desired: f}, f.Pos)
		default:
			le, owned := pl.ledger.Folders[lf.ID]
			switch {
			case !owned && !f.Implied:
				pl.add(Action{Op: OpAdopt, Kind: KindFolder, Key: key, LiveID: lf.ID, Reason: "exists; not yet managed", Desired: f, Before: lf}, f.Pos)
			case owned && le.Protect != f.Protect && !f.Implied:
				pl.add(asProtect(Action{Kind: KindFolder, Key: key, LiveID: lf.ID, Desired: f, Before: lf}, le.Protect, f.Protect), f.Pos)
			}
			if f.Protect {
				pl.protect(KindFolder, lf.ID)
			}
		}
	}
}

// renamed plans an update when an owned folder that the ledger knows at
// f's path is found under the same parent with another name.
func (pl *planner) renamed(f spec.Folder) bool {
	key := f.Key()
	for _, id := range sortedIDs(pl.ledger.Folders) {
		if pl.ledger.Folders[id].Path != f.Path {
			continue
		}
		cur, ok := pl.paths[id]
		if !ok || cur.Parent() != key.Folder {
			return false
		}
		lf := pl.folders[cur]
		pl.add(Action{Op: OpUpdate, Kind: KindFolder, Key: key, LiveID: id, Reason: "renamed in the workspace",
			Changes: []Change{{Field: "name", Old: cur.Base(), New: key.Name}}, Desired: f, Before: lf}, f.Pos)
		pl.folders[key.Path()] = LiveFolder{ID: id, ParentID: lf.ParentID, Path: f.Path, Name: key.Name}
		pl.paths[id] = key.Path()
		return true
	}
	return false
}

// pruneFolders deletes owned folders that left the manifest, under
// prune.folders. It runs after the connections' pruning: a folder is
// deleted only when everything in it goes too (its subfolders and
// connections, each delete before the folder's), and is otherwise reported
// with what it holds, and so are the folders that hold it.
func (pl *planner) pruneFolders() {
	if !pl.t.Prune.Folders {
		return
	}
	declared := map[spec.Path]bool{}
	for _, f := range pl.t.Folders {
		declared[f.Key().Path()] = true
	}
	var gone []spec.Path
	for _, id := range sortedIDs(pl.ledger.Folders) {
		if p, ok := pl.paths[id]; ok && !declared[p] {
			gone = append(gone, p)
		}
	}
	if len(gone) > 0 && !pl.live.RecipesRead {
		pl.problem("internal: recipes were not read, so the plan cannot tell whether folders to prune are empty")
		return
	}
	// Deepest first: a folder's subfolders are decided before it.
	slices.SortStableFunc(gone, func(a, b spec.Path) int { return cmp.Compare(b.Depth(), a.Depth()) })
	deleting := map[int64]string{}
	for _, p := range gone {
		lf := pl.folders[p]
		deps, holds := pl.folderContents(lf, deleting)
		key := spec.FolderKey(p)
		if len(holds) > 0 {
			pl.add(Action{Op: OpUnmanaged, Kind: KindFolder, Key: key, LiveID: lf.ID, Before: lf,
				Reason: "left the manifest, but still holds " + strings.Join(holds, ", ") + ", which workato-gitops does not delete; left alone"}, spec.Pos{})
			continue
		}
		a := pl.add(Action{Op: OpDelete, Kind: KindFolder, Key: key, LiveID: lf.ID, Reason: "left the manifest (prune.folders)", DependsOn: deps, Before: lf}, spec.Pos{})
		deleting[lf.ID] = a.ID
		if pl.ledger.Folders[lf.ID].Protect {
			pl.protect(KindFolder, lf.ID)
		}
	}
}

// folderContents lists the deletes a folder's delete must wait for, and
// what it holds that no action of this plan deletes.
func (pl *planner) folderContents(lf LiveFolder, deleting map[int64]string) (deps, holds []string) {
	for _, sub := range pl.live.Folders {
		if sub.ParentID != lf.ID || sub.ID == lf.ID {
			continue
		}
		if id, ok := deleting[sub.ID]; ok {
			deps = append(deps, id)
		} else {
			holds = append(holds, fmt.Sprintf("folder %q (#%d)", sub.Name, sub.ID))
		}
	}
	for _, lc := range pl.live.Connections {
		if lc.FolderID != lf.ID {
			continue
		}
		if id, ok := pl.connDeletes[lc.ID]; ok {
			deps = append(deps, id)
		} else {
			holds = append(holds, fmt.Sprintf("connection %q (#%d)", lc.Name, lc.ID))
		}
	}
	for _, lr := range pl.live.Recipes {
		if lr.FolderID == lf.ID {
			holds = append(holds, fmt.Sprintf("recipe %q (#%d)", lr.Name, lr.ID))
		}
	}
	return deps, holds
}

func sortedIDs[V any](m map[int64]V) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// folderID is the live id of a declared folder path (Home for Home), or 0
// when it does not exist yet.
func (pl *planner) folderID(p spec.Path) int64 {
	if p.IsHome() {
		return pl.live.HomeID
	}
	return pl.folders[p].ID
}

// asProtect makes a a change of protect, recorded in the ledger. It is its
// own line and count, never an adopt: a reviewer must see protection
// removed.
func asProtect(a Action, was, want bool) Action {
	a.Op, a.Reason = OpProtect, "protect: true in the manifest"
	if !want {
		a.Op, a.Reason = OpUnprotect, "protect removed from the manifest: it may now be disconnected or deleted"
	}
	a.Changes = []Change{{Field: "protect", Old: was, New: want}}
	return a
}

var _ = register(KindFolder, kindInfo{
	order: 30, ops: []Op{OpCreate, OpUpdate, OpProtect, OpUnprotect, OpAdopt, OpDelete, OpUnmanaged}, phase: 1,
	ledger: []section{folderSection},
	plan:   (*planner).planFolders, prune: (*planner).pruneFolders,
	live: func(l *Live, id int64) (any, bool) {
		return byID(l.Folders, id, func(f LiveFolder) int64 { return f.ID })
	},
})
