package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/export"
	livewalk "github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// do performs one action. Adopt only records ownership; everything else
// is one API call (an import: upload and wait; a member's role: remove and
// add), followed by the ledger entry for what it did. What to do comes
// typed from the plan (a.Desired, a.Patch): apply never re-matches.
func (r *run) do(a plan.Action) error {
	if a.Kind != plan.KindCustomer && r.ref() == workato.ByID(0) {
		return errNoCustomer
	}
	return executorOf(a.Kind).do(r, a)
}

func unsupported(a plan.Action) error {
	return fmt.Errorf("%s of a %s is not something apply does", a.Op, a.Kind)
}

func (r *run) customer(a plan.Action) error {
	ctx, cancel := r.call()
	defer cancel()
	switch a.Op {
	case plan.OpCreate:
		c, err := desired[spec.Customer](a)
		if err != nil {
			return err
		}
		in := workato.CustomerCreate{Name: c.Name, NotificationEmail: c.NotificationEmail,
			PlanID: c.PlanID, ExternalID: c.ExternalID, OriginURL: c.OriginURL}
		got, err := settle(ctx, func() (*workato.Customer, error) { return r.x.Client.CreateCustomer(ctx, in) },
			r.customerByExternalID(ctx, c.ExternalID))
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.setCustomer(got.ID)
		r.mu.Unlock()
	case plan.OpUpdate:
		p, ok := a.Patch.(plan.CustomerPatch)
		if !ok {
			return fmt.Errorf("internal: %s carries no customer patch", a.ID)
		}
		upd := workato.CustomerUpdate{Name: p.Name, NotificationEmail: p.NotificationEmail, PlanID: p.PlanID, OriginURL: p.OriginURL}
		update := func() error { _, err := r.x.Client.UpdateCustomer(ctx, r.customerRef(), upd); return err }
		if err := settleErr(ctx, update, r.customerUpdated(ctx, upd)); err != nil {
			return err
		}
	case plan.OpAdopt:
	default:
		return unsupported(a)
	}
	r.mu.Lock()
	r.ledger.Customer = true
	r.mu.Unlock()
	return nil
}

// liveFolder is the client's view of the folder a delete acts on.
func liveFolder(a plan.Action) workato.Folder {
	lf, _ := a.Before.(plan.LiveFolder)
	f := workato.Folder{ID: a.LiveID, Name: lf.Name, IsProject: lf.IsProject}
	if lf.ParentID != 0 {
		f.ParentID = &lf.ParentID
	}
	if lf.ProjectID != 0 {
		f.ProjectID = &lf.ProjectID
	}
	return f
}

// parentRef is the id of the folder holding p, nil for Home.
func (r *run) parentRef(p spec.Path) (*int64, error) {
	parent := p.Parent()
	if parent.IsHome() {
		return nil, nil
	}
	r.mu.Lock()
	id, ok := r.folders[parent]
	r.mu.Unlock()
	if !ok || id == 0 {
		return nil, fmt.Errorf("folder %q does not exist", parent)
	}
	return &id, nil
}

func (r *run) folder(a plan.Action) error {
	ctx, cancel := r.call()
	defer cancel()
	p := a.Key.Path()
	if a.Op == plan.OpDelete {
		// A project goes through the projects endpoint, and a 404 counts
		// as gone only once the parent's listing agrees (RemoveFolder).
		lf := liveFolder(a)
		remove := func() error { return r.x.Client.RemoveFolder(ctx, r.ref(), lf) }
		if err := settleErr(ctx, remove, r.folderGone(ctx, lf)); err != nil {
			return err
		}
		r.mu.Lock()
		delete(r.ledger.Folders, a.LiveID)
		r.mu.Unlock()
		return nil
	}
	f, err := desired[spec.Folder](a)
	if err != nil {
		return err
	}
	record := func(id int64) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.folders[p] = id
		if !f.Implied || a.Op == plan.OpCreate {
			r.ledger.Folders[id] = plan.LedgerFolder{Path: p.String(), Protect: f.Protect}
		}
	}
	switch a.Op {
	case plan.OpCreate:
		parent, err := r.parentRef(p)
		if err != nil {
			return err
		}
		create := func() (*workato.Folder, error) { return r.x.Client.CreateFolder(ctx, r.ref(), p.Base(), parent) }
		got, err := settle(ctx, create, r.folderNamed(ctx, parent, p.Base()))
		if err != nil {
			return err
		}
		record(got.ID)
		return nil
	case plan.OpUpdate:
		name := p.Base()
		rename := func() error {
			_, err := r.x.Client.UpdateFolder(ctx, r.ref(), a.LiveID, workato.FolderUpdate{Name: &name})
			return err
		}
		if err := settleErr(ctx, rename, r.folderRenamed(ctx, p, a.LiveID)); err != nil {
			return err
		}
		record(a.LiveID)
		return nil
	case plan.OpAdopt, plan.OpProtect, plan.OpUnprotect:
		record(a.LiveID)
		return nil
	}
	return unsupported(a)
}

var (
	_ = registerExecutor(plan.KindCustomer, executor{
		do:     (*run).customer,
		record: func(r *run, _ spec.Key, id int64) { r.setCustomer(id) },
		idOf:   func(r *run, _ spec.Key) int64 { return r.custID },
		noRead: "read first, by Reader.Tenant: its id addresses every other read",
	})
	_ = registerExecutor(plan.KindFolder, executor{
		do:     (*run).folder,
		record: func(r *run, k spec.Key, id int64) { r.folders[k.Path()] = id },
		idOf:   func(r *run, k spec.Key) int64 { return r.folders[k.Path()] },
		read:   (*Reader).folders,
	})
	_ = export.Register(plan.KindCustomer, export.Kind{Field: "customer", Single: true, Read: exportCustomer})
	_ = export.Register(plan.KindFolder, export.Kind{Field: "folders", Read: exportFolders})
)

// exportCustomer writes the customer that export was given: it has
// nothing of its own to read. An origin URL the schema would refuse (not
// http or https) is left out.
func exportCustomer(context.Context, *workato.Client, *export.Workspace) (export.WriteObjects, error) {
	return func(w *export.Workspace) ([]export.Object, error) {
		c := livewalk.Customer(w.Customer)
		if o := c.OriginURL; !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
			c.OriginURL = ""
		}
		return export.Objects([]spec.Customer{{ExternalID: c.ExternalID, Name: c.Name,
			NotificationEmail: c.NotificationEmail, PlanID: c.PlanID, OriginURL: c.OriginURL}}), nil
	}, nil
}

// exportFolders walks every folder of the workspace. Its write names the
// folders for the kinds after it (w.FolderOf).
func exportFolders(ctx context.Context, c *workato.Client, w *export.Workspace) (export.WriteObjects, error) {
	tree, err := livewalk.WalkFolders(ctx, c, w.Ref, nil)
	if err != nil {
		return nil, err
	}
	return func(w *export.Workspace) ([]export.Object, error) {
		ft := newFolderTree(tree, w)
		w.FolderOf, w.HomeID = ft.folderOf, tree.HomeID
		out := make([]spec.Folder, 0, len(ft.byID))
		for id, p := range ft.byID {
			out = append(out, spec.Folder{Path: p, Protect: w.Ledger.Folders[id].Protect})
		}
		// A parent sorts before its children.
		slices.SortFunc(out, func(a, b spec.Folder) int { return strings.Compare(a.Path, b.Path) })
		return export.Objects(out), nil
	}, nil
}

// folderTree is every folder of a workspace that a path names, by id.
type folderTree struct {
	homeID  int64
	byID    map[int64]string // folder id -> path; Home is not in it
	skipIDs map[int64]bool   // folders that cannot be named by path (their subtrees were not walked)
}

// newFolderTree keeps the folders a path names. A folder whose name holds
// "/" or repeats a sibling's cannot be named: it is skipped (noted in w),
// and with it everything in it, which the walk did not list.
func newFolderTree(t *livewalk.Tree, w *export.Workspace) folderTree {
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
			w.Skip("folder #%d %q and everything in it: another folder has the same path", f.ID, f.Path)
		case ft.skipIDs[f.ID]:
			w.Skip("folder #%d %q and everything in it: a name with \"/\" cannot be written as a path", f.ID, f.Path)
		default:
			ft.byID[f.ID] = f.Path
		}
	}
	return ft
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
