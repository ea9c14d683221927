package live

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// MaxFolders bounds one workspace's walk: a server that keeps answering
// with new folders (an endless chain, say) stops the walk with an error
// instead of running forever. Real workspaces hold a few hundred.
const MaxFolders = 100_000

// Tree is a workspace's folders as far as they were walked.
type Tree struct {
	// HomeID is Home's id when known: the API tells it only as the
	// parent_id of a top-level folder.
	HomeID int64
	// Folders is every folder listed, level by level and by id within a
	// parent, each with its path from Home. A folder id appears once.
	Folders []plan.LiveFolder
	// Duplicates are sibling folders that share a name: one path names
	// more than one folder, so none of them is walked into.
	Duplicates []Duplicate
	// Unnamable are folders whose name is empty or holds "/": no path
	// names them, so they are not walked into either.
	Unnamable []plan.LiveFolder
}

// Duplicate is a name that more than one folder under one parent holds.
type Duplicate struct {
	Path string  // the path they share
	IDs  []int64 // ascending
}

// DuplicateError reports sibling folders that share a name. A plan cannot
// tell them apart, so the tenant is not planned.
type DuplicateError struct{ Duplicates []Duplicate }

func (e *DuplicateError) Error() string {
	parts := make([]string, len(e.Duplicates))
	for i, d := range e.Duplicates {
		ids := make([]string, len(d.IDs))
		for j, id := range d.IDs {
			ids[j] = "#" + strconv.FormatInt(id, 10)
		}
		parts[i] = fmt.Sprintf("%q names %d folders (%s)", d.Path, len(d.IDs), strings.Join(ids, ", "))
	}
	return "sibling folders share a name, so a path cannot tell them apart: " + strings.Join(parts, "; ") + "; rename or remove all but one in Workato"
}

// Err is a *DuplicateError when the tree has duplicates, else nil.
func (t *Tree) Err() error {
	if len(t.Duplicates) == 0 {
		return nil
	}
	return &DuplicateError{Duplicates: t.Duplicates}
}

// Children lists the folders found directly under the folder at path
// ("" for Home), by id.
func (t *Tree) Children(path string) []plan.LiveFolder {
	var out []plan.LiveFolder
	for _, f := range t.Folders {
		if parentOf(f.Path, f.Name) == path {
			out = append(out, f)
		}
	}
	return out
}

func parentOf(path, name string) string {
	return strings.TrimSuffix(strings.TrimSuffix(path, name), "/")
}

// Join is a folder path: parent, "/", name; just name at Home.
func Join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

// WalkFolders lists the folder tree from Home, one parent per call (the
// API lists one level at a time). It lists the children of a folder only
// when descend says so for its path (nil: every folder), and never those
// of a folder whose path is ambiguous or unnamable. Every folder id and
// every path is listed at most once, whatever the server answers.
func WalkFolders(ctx context.Context, c *workato.Client, ref workato.CustomerRef, descend func(path string) bool) (*Tree, error) {
	t := &Tree{}
	type parent struct {
		id   *int64
		path string
	}
	seen := map[int64]bool{}    // folder ids recorded
	listed := map[string]bool{} // paths whose children were listed
	for level := []parent{{}}; len(level) > 0; {
		var next []parent
		for _, p := range level {
			if listed[p.path] {
				continue
			}
			listed[p.path] = true
			children, err := c.ListFolders(ctx, ref, p.id)
			if err != nil {
				return t, fmt.Errorf("under %q: %w", cmp.Or(p.path, "Home"), err)
			}
			slices.SortFunc(children, func(a, b workato.Folder) int { return cmp.Compare(a.ID, b.ID) })
			names := map[string][]int64{}
			for _, f := range children {
				if !seen[f.ID] {
					names[f.Name] = append(names[f.Name], f.ID)
				}
			}
			for _, f := range children {
				if seen[f.ID] {
					continue // listed twice, or a cycle back to an ancestor
				}
				seen[f.ID] = true
				if len(seen) > MaxFolders {
					return t, fmt.Errorf("more than %d folders: the server's answers cannot be a real workspace", MaxFolders)
				}
				parentID := deref(f.ParentID)
				if p.id == nil && parentID != 0 {
					t.HomeID = parentID
				}
				lf := plan.LiveFolder{ID: f.ID, ParentID: parentID, Name: f.Name, Path: Join(p.path, f.Name),
					IsProject: f.IsProject || p.id == nil, ProjectID: deref(f.ProjectID)}
				t.Folders = append(t.Folders, lf)
				switch ids := names[f.Name]; {
				case f.Name == "" || strings.Contains(f.Name, "/"):
					t.Unnamable = append(t.Unnamable, lf)
				case len(ids) > 1:
					if ids[0] == f.ID {
						t.Duplicates = append(t.Duplicates, Duplicate{Path: lf.Path, IDs: ids})
					}
				case descend == nil || descend(lf.Path):
					next = append(next, parent{id: &f.ID, path: lf.Path})
				}
			}
		}
		level = next
	}
	return t, nil
}
