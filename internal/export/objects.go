package export

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/plan"
)

func exportMembers(ms []plan.LiveMember, skipped []string) ([]Member, []string) {
	var out []Member
	seen := map[string]bool{}
	for _, m := range ms {
		key := strings.ToLower(m.Email)
		switch {
		case !emailPattern.MatchString(m.Email):
			skipped = append(skipped, fmt.Sprintf("member #%d: no valid email address", m.ID))
			continue
		case m.Role == "":
			skipped = append(skipped, fmt.Sprintf("member %s: no role", m.Email))
			continue
		case seen[key]:
			continue
		}
		seen[key] = true
		out = append(out, Member{Email: m.Email, Name: cmp.Or(m.Name, m.Email), Role: m.Role})
	}
	slices.SortFunc(out, func(a, b Member) int {
		return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
	})
	return out, skipped
}

// folderTree is every folder of a workspace that a path names, by id.
type folderTree struct {
	homeID  int64
	byID    map[int64]string // folder id -> path; Home is not in it
	skipIDs map[int64]bool   // folders that cannot be named by path (their subtrees were not walked)
	skipped []string
}

// newFolderTree keeps the folders a path names. A folder whose name holds
// "/" or repeats a sibling's cannot be named: it is skipped, and with it
// everything in it, which the walk did not list.
func newFolderTree(t *live.Tree) folderTree {
	ft := folderTree{homeID: t.HomeID, byID: map[int64]string{}, skipIDs: map[int64]bool{}}
	for _, f := range t.Unnamable {
		ft.skipIDs[f.ID] = true
	}
	dup := map[int64]bool{}
	for _, d := range t.Duplicates {
		for _, id := range d.IDs {
			dup[id], ft.skipIDs[id] = true, true
		}
	}
	for _, f := range t.Folders {
		switch {
		case dup[f.ID]:
			ft.skipped = append(ft.skipped, fmt.Sprintf("folder #%d %q and everything in it: another folder has the same path", f.ID, f.Path))
		case ft.skipIDs[f.ID]:
			ft.skipped = append(ft.skipped, fmt.Sprintf("folder #%d %q and everything in it: a name with \"/\" cannot be written as a path", f.ID, f.Path))
		default:
			ft.byID[f.ID] = f.Path
		}
	}
	return ft
}

func (ft folderTree) folders(ledger *plan.Ledger) []Folder {
	out := make([]Folder, 0, len(ft.byID))
	for id, p := range ft.byID {
		out = append(out, Folder{Path: p, Protect: ledger.Folders[id].Protect})
	}
	// A parent sorts before its children.
	slices.SortFunc(out, func(a, b Folder) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// folderOf is the path of a folder id, "" for Home. An id that is no
// folder found is Home when Home's id is unknown (the API tells it only
// as the parent_id of a top-level folder), as a plan reads it too.
func (ft folderTree) folderOf(id int64) (string, bool) {
	if p, ok := ft.byID[id]; ok {
		return p, true
	}
	return "", !ft.skipIDs[id] && (ft.homeID == 0 || id == ft.homeID)
}

func exportConns(conns []plan.LiveConnection, ft folderTree, ledger *plan.Ledger, skipped []string) ([]Conn, []string) {
	slices.SortFunc(conns, func(a, b plan.LiveConnection) int { return cmp.Compare(a.ID, b.ID) })
	var out []Conn
	byKey := map[string]int{} // folder + name -> index in out
	nameCount := map[string]int{}
	for _, c := range conns {
		folder, ok := ft.folderOf(c.FolderID)
		if !ok {
			skipped = append(skipped, fmt.Sprintf("connection #%d %q: its folder #%d was not exported", c.ID, c.Name, c.FolderID))
			continue
		}
		if c.Name == "" || !providerPattern.MatchString(c.Provider) {
			skipped = append(skipped, fmt.Sprintf("connection #%d %q: its name or provider %q cannot be written in a manifest", c.ID, c.Name, c.Provider))
			continue
		}
		key := folder + "\x00" + c.Name
		if i, dup := byKey[key]; dup {
			out[i].ID = out[i].liveID
			skipped = append(skipped, fmt.Sprintf("connection #%d %q: another connection in its folder has the same name; the first (#%d) is pinned by id", c.ID, live.Join(folder, c.Name), out[i].ID))
			continue
		}
		byKey[key] = len(out)
		nameCount[c.Name]++
		out = append(out, Conn{Name: c.Name, Provider: c.Provider, Folder: folder, ExternalID: c.ExternalID,
			Authorized: c.Authorized(), Protect: ledger.Connections[c.ID].Protect,
			liveID: c.ID, parentID: c.ParentID})
	}
	skipped = linkParents(out, nameCount, skipped)
	slices.SortStableFunc(out, func(a, b Conn) int {
		return cmp.Or(strings.Compare(a.Folder, b.Folder), strings.Compare(a.Name, b.Name))
	})
	return out, skipped
}

// linkParents names each connection's parent, when the parent was
// exported and its name is unique among connections of its provider.
func linkParents(out []Conn, nameCount map[string]int, skipped []string) []string {
	byID := map[int64]*Conn{}
	for i := range out {
		byID[out[i].liveID] = &out[i]
	}
	for i := range out {
		c := &out[i]
		if c.parentID == 0 {
			continue
		}
		parent := byID[c.parentID]
		switch {
		case parent == nil:
			skipped = append(skipped, fmt.Sprintf("parent of connection %q: connection #%d was not exported", live.Join(c.Folder, c.Name), c.parentID))
		case nameCount[parent.Name] > 1 || parent.Provider != c.Provider:
			skipped = append(skipped, fmt.Sprintf("parent of connection %q: %q is not a unique name of a %s connection", live.Join(c.Folder, c.Name), parent.Name, c.Provider))
		default:
			c.Parent = parent.Name
		}
	}
	return skipped
}

func exportRecipes(recipes []plan.LiveRecipe, ft folderTree, skipped []string) ([]Recipe, []string) {
	slices.SortFunc(recipes, func(a, b plan.LiveRecipe) int { return cmp.Compare(a.ID, b.ID) })
	var out []Recipe
	seen := map[string]bool{}
	for _, r := range recipes {
		folder, ok := ft.folderOf(r.FolderID)
		if !ok || (folder == "" && ft.homeID == 0) {
			// A plan matches a recipe at Home by Home's id, which only a
			// top-level folder's parent_id tells.
			skipped = append(skipped, fmt.Sprintf("recipe #%d %q: its folder #%d cannot be named (skipped, or Home of a workspace without folders)", r.ID, r.Name, r.FolderID))
			continue
		}
		key := folder + "\x00" + r.Name
		if seen[key] || r.Name == "" {
			skipped = append(skipped, fmt.Sprintf("recipe #%d %q: another recipe in its folder has the same name", r.ID, live.Join(folder, r.Name)))
			continue
		}
		seen[key] = true
		out = append(out, Recipe{Name: r.Name, Folder: folder, Running: r.Running})
	}
	slices.SortFunc(out, func(a, b Recipe) int {
		return cmp.Or(strings.Compare(a.Folder, b.Folder), strings.Compare(a.Name, b.Name))
	})
	return out, skipped
}
