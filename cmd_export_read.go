package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// exportReader reads whole tenants for export: unlike a plan, export needs
// everything, so it walks every folder. Every call goes through the
// client's scheduler, shared by the tenants read at once.
type exportReader struct {
	client  *workato.Client
	schemas schemaCache
}

// schemaCache asks for each connector's input schema once per run: the
// v2 endpoint serves a connector's static base schema, the same in every
// workspace (a custom connector of the same name in two workspaces is
// assumed to be the same connector).
type schemaCache struct {
	mu      sync.Mutex
	entries map[string]*schemaEntry
}

type schemaEntry struct {
	once   sync.Once
	fields []workato.InputField
	known  bool
	note   string
}

func (sc *schemaCache) get(ctx context.Context, c *workato.Client, cust workato.CustomerRef, provider string) *schemaEntry {
	sc.mu.Lock()
	if sc.entries == nil {
		sc.entries = map[string]*schemaEntry{}
	}
	e := sc.entries[provider]
	if e == nil {
		e = &schemaEntry{}
		sc.entries[provider] = e
	}
	sc.mu.Unlock()
	e.once.Do(func() {
		fields, err := c.InputSchema(ctx, cust, provider)
		switch {
		case err == nil:
			e.fields, e.known = fields, true
		case errors.Is(err, workato.ErrNotFound) || errors.Is(err, workato.ErrRefused):
			e.note = fmt.Sprintf("Workato has no input schema for the %s connector: list its input fields yourself.", provider)
		default:
			e.note = fmt.Sprintf("The input schema of the %s connector could not be read (%v): list its input fields yourself.", provider, err)
		}
	})
	return e
}

// The manifest schema's patterns for what export copies from the API.
var (
	exportProvider = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	exportEmail    = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
)

// tenant reads one customer's workspace into what export writes.
func (r *exportReader) tenant(ctx context.Context, cust workato.Customer, name string) (*exported, error) {
	t := &exported{Name: name, Customer: exportedCustomer{
		ID: cust.ID, ExternalID: cust.ExternalID, Name: cust.Name, NotificationEmail: cust.NotificationEmail, PlanID: cust.PlanID,
	}}
	if cust.OriginURL != nil && (strings.HasPrefix(*cust.OriginURL, "https://") || strings.HasPrefix(*cust.OriginURL, "http://")) {
		t.Customer.OriginURL = *cust.OriginURL
	}
	ref := workato.ByID(cust.ID)
	var (
		wg      sync.WaitGroup
		errs    [5]error
		members []workato.Member
		tree    folderTree
		conns   []workato.Connection
		recipes []workato.Recipe
		props   map[string]string
	)
	wg.Go(func() { members, errs[0] = r.client.ListMembers(ctx, ref) })
	wg.Go(func() { tree, errs[1] = r.walkFolders(ctx, ref) })
	wg.Go(func() { conns, errs[2] = r.client.ListConnections(ctx, ref, workato.ListConnectionsOptions{}) })
	wg.Go(func() { recipes, errs[3] = r.client.ListRecipes(ctx, ref, workato.ListRecipesOptions{}) })
	wg.Go(func() { props, errs[4] = r.client.ListProperties(ctx, ref, plan.LedgerPrefix) })
	wg.Wait()
	for i, what := range []string{"members", "folders", "connections", "recipes", "ledger"} {
		if errs[i] != nil {
			return nil, fmt.Errorf("read %s: %w", what, errs[i])
		}
	}
	// A workspace that workato-gitops managed before keeps its protect
	// flags, so that re-exporting it (a lost repository, say) plans nothing.
	ledger, err := plan.ParseLedgerClaims(props) // protect only ever restricts
	if err != nil {
		ledger = &plan.Ledger{}
		t.Skipped = append(t.Skipped, "protect flags: the workspace's ledger is unreadable ("+err.Error()+")")
	}
	t.Members, t.Skipped = exportMembers(members, t.Skipped)
	t.Folders, t.Skipped = tree.folders(ledger), append(t.Skipped, tree.skipped...)
	t.Conns, t.Skipped = exportConns(conns, tree, ledger, t.Skipped)
	t.Recipes, t.Skipped = exportRecipes(recipes, tree, t.Skipped)
	for i := range t.Conns {
		cn := &t.Conns[i]
		e := r.schemas.get(ctx, r.client, ref, cn.Provider)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cn.Schema, cn.SchemaKnown, cn.SchemaNote = e.fields, e.known, e.note
	}
	return t, nil
}

func exportMembers(ms []workato.Member, skipped []string) ([]exportedMember, []string) {
	var out []exportedMember
	seen := map[string]bool{}
	for _, m := range ms {
		key := strings.ToLower(m.Email)
		switch {
		case !exportEmail.MatchString(m.Email):
			skipped = append(skipped, fmt.Sprintf("member #%d: no valid email address", m.ID))
			continue
		case m.RoleName == "":
			skipped = append(skipped, fmt.Sprintf("member %s: no role", m.Email))
			continue
		case seen[key]:
			continue
		}
		seen[key] = true
		out = append(out, exportedMember{Email: m.Email, Name: cmp.Or(m.Name, m.Email), Role: m.RoleName})
	}
	slices.SortFunc(out, func(a, b exportedMember) int {
		return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
	})
	return out, skipped
}

// folderTree is every folder of a workspace by id, with its path.
type folderTree struct {
	homeID  int64
	byID    map[int64]string // folder id -> path; Home is not in it
	skipIDs map[int64]bool   // folders that cannot be named by path, and their subtrees
	skipped []string
}

func (ft folderTree) folders(ledger *plan.Ledger) []exportedFolder {
	out := make([]exportedFolder, 0, len(ft.byID))
	for id, p := range ft.byID {
		out = append(out, exportedFolder{Path: p, Protect: ledger.Folders[id].Protect})
	}
	// A parent sorts before its children.
	slices.SortFunc(out, func(a, b exportedFolder) int { return strings.Compare(a.Path, b.Path) })
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

// walkFolders lists the whole tree, one parent at a time (the API lists
// one level per call). A folder whose name holds "/" or repeats a
// sibling's cannot be named by path: it is skipped with its subtree.
func (r *exportReader) walkFolders(ctx context.Context, ref workato.CustomerRef) (folderTree, error) {
	ft := folderTree{byID: map[int64]string{}, skipIDs: map[int64]bool{}}
	type parent struct {
		id   *int64
		path string
		skip bool
	}
	level := []parent{{}}
	for len(level) > 0 {
		var next []parent
		for _, p := range level {
			children, err := r.client.ListFolders(ctx, ref, p.id)
			if err != nil {
				return ft, fmt.Errorf("under %q: %w", cmp.Or(p.path, "Home"), err)
			}
			slices.SortFunc(children, func(a, b workato.Folder) int { return cmp.Compare(a.ID, b.ID) })
			seen := map[string]bool{}
			for _, f := range children {
				fp := exportJoin(p.path, f.Name)
				if p.id == nil && f.ParentID != nil {
					ft.homeID = *f.ParentID
				}
				skip := p.skip
				switch {
				case skip:
				case f.Name == "" || strings.Contains(f.Name, "/"):
					ft.skipped = append(ft.skipped, fmt.Sprintf("folder #%d %q and everything in it: a name with \"/\" cannot be written as a path", f.ID, fp))
					skip = true
				case seen[f.Name]:
					ft.skipped = append(ft.skipped, fmt.Sprintf("folder #%d %q and everything in it: another folder has the same path", f.ID, fp))
					skip = true
				}
				seen[f.Name] = true
				if skip {
					ft.skipIDs[f.ID] = true
				} else {
					ft.byID[f.ID] = fp
				}
				next = append(next, parent{id: &f.ID, path: fp, skip: skip})
			}
		}
		level = next
	}
	return ft, nil
}

func exportJoin(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

func exportConns(conns []workato.Connection, ft folderTree, ledger *plan.Ledger, skipped []string) ([]exportedConn, []string) {
	slices.SortFunc(conns, func(a, b workato.Connection) int { return cmp.Compare(a.ID, b.ID) })
	var out []exportedConn
	byKey := map[string]int{} // folder + name -> index in out
	nameCount := map[string]int{}
	for _, c := range conns {
		folder, ok := ft.folderOf(c.FolderID)
		if !ok {
			skipped = append(skipped, fmt.Sprintf("connection #%d %q: its folder #%d was not exported", c.ID, c.Name, c.FolderID))
			continue
		}
		if c.Name == "" || !exportProvider.MatchString(c.Provider) {
			skipped = append(skipped, fmt.Sprintf("connection #%d %q: its name or provider %q cannot be written in a manifest", c.ID, c.Name, c.Provider))
			continue
		}
		key := folder + "\x00" + c.Name
		if i, dup := byKey[key]; dup {
			out[i].ID = out[i].liveID
			skipped = append(skipped, fmt.Sprintf("connection #%d %q: another connection in its folder has the same name; the first (#%d) is pinned by id", c.ID, exportJoin(folder, c.Name), out[i].ID))
			continue
		}
		byKey[key] = len(out)
		nameCount[c.Name]++
		out = append(out, exportedConn{Name: c.Name, Provider: c.Provider, Folder: folder, ExternalID: exportStr(c.ExternalID),
			Authorized: exportStr(c.AuthorizationStatus) == "success", Protect: ledger.Connections[c.ID].Protect,
			liveID: c.ID, parentID: exportID(c.ParentID)})
	}
	byID := map[int64]*exportedConn{}
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
			skipped = append(skipped, fmt.Sprintf("parent of connection %q: connection #%d was not exported", exportJoin(c.Folder, c.Name), c.parentID))
		case nameCount[parent.Name] > 1 || parent.Provider != c.Provider:
			skipped = append(skipped, fmt.Sprintf("parent of connection %q: %q is not a unique name of a %s connection", exportJoin(c.Folder, c.Name), parent.Name, c.Provider))
		default:
			c.Parent = parent.Name
		}
	}
	slices.SortStableFunc(out, func(a, b exportedConn) int {
		return cmp.Or(strings.Compare(a.Folder, b.Folder), strings.Compare(a.Name, b.Name))
	})
	return out, skipped
}

func exportRecipes(recipes []workato.Recipe, ft folderTree, skipped []string) ([]exportedRecipe, []string) {
	slices.SortFunc(recipes, func(a, b workato.Recipe) int { return cmp.Compare(a.ID, b.ID) })
	var out []exportedRecipe
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
			skipped = append(skipped, fmt.Sprintf("recipe #%d %q: another recipe in its folder has the same name", r.ID, exportJoin(folder, r.Name)))
			continue
		}
		seen[key] = true
		out = append(out, exportedRecipe{Name: r.Name, Folder: folder, Running: r.Running})
	}
	slices.SortFunc(out, func(a, b exportedRecipe) int {
		return cmp.Or(strings.Compare(a.Folder, b.Folder), strings.Compare(a.Name, b.Name))
	})
	return out, skipped
}

func exportStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func exportID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
