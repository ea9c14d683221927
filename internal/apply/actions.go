package apply

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// do performs one action. Adopt only records ownership; everything else
// is one API call (an import: upload and wait; a member's role: remove and
// add), followed by the ledger entry for what it did.
func (r *run) do(a plan.Action) error {
	if a.Kind != plan.KindCustomer && r.ref() == workato.ByID(0) {
		return errNoCustomer
	}
	switch a.Kind {
	case plan.KindCustomer:
		return r.customer(a)
	case plan.KindMember:
		return r.member(a)
	case plan.KindFolder:
		return r.folder(a)
	case plan.KindConnection:
		return r.connection(a)
	case plan.KindPackage:
		return r.pkg(a)
	case plan.KindRecipe:
		return r.recipe(a)
	}
	return fmt.Errorf("unknown action kind %q", a.Kind)
}

func strPtr(s string) *string { return &s }

func (r *run) customer(a plan.Action) error {
	c := r.t.Customer
	ctx, cancel := r.call()
	defer cancel()
	switch a.Op {
	case plan.OpCreate:
		got, err := r.x.Client.CreateCustomer(ctx, workato.CustomerCreate{Name: c.Name, NotificationEmail: c.NotificationEmail,
			PlanID: c.PlanID, ExternalID: c.ExternalID, OriginURL: c.OriginURL})
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.customerID = got.ID
		r.mu.Unlock()
	case plan.OpUpdate:
		upd := workato.CustomerUpdate{}
		for _, ch := range a.Changes {
			v := fmt.Sprint(ch.New)
			switch ch.Field {
			case "name":
				upd.Name = strPtr(v)
			case "notification_email":
				upd.NotificationEmail = strPtr(v)
			case "plan_id":
				upd.PlanID = strPtr(v)
			case "origin_url":
				upd.OriginURL = strPtr(v)
			}
		}
		if _, err := r.x.Client.UpdateCustomer(ctx, r.ref(), upd); err != nil {
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

func unsupported(a plan.Action) error {
	return fmt.Errorf("%s of a %s is not something apply does", a.Op, a.Kind)
}

func (r *run) desiredMember(key string) (spec.Member, bool) {
	for _, m := range r.t.Members {
		if m.Key() == key {
			return m, true
		}
	}
	return spec.Member{}, false
}

func (r *run) member(a plan.Action) error {
	ctx, cancel := r.call()
	defer cancel()
	m, _ := r.desiredMember(a.Key)
	add := func() error {
		got, err := r.x.Client.AddMember(ctx, r.ref(), workato.MemberAdd{Email: m.Email, Name: m.Name, RoleName: m.Role})
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.members[a.Key] = got.ID
		r.ledger.Members[got.ID] = plan.LedgerMember{Email: a.Key}
		r.mu.Unlock()
		return nil
	}
	switch a.Op {
	case plan.OpCreate:
		return add()
	case plan.OpUpdate:
		// The member update endpoint is deprecated; a new role is a
		// remove and an add.
		if err := r.x.Client.RemoveMember(ctx, r.ref(), a.LiveID); err != nil && !errors.Is(err, workato.ErrNotFound) {
			return err
		}
		r.mu.Lock()
		delete(r.ledger.Members, a.LiveID)
		r.mu.Unlock()
		return add()
	case plan.OpAdopt:
		r.mu.Lock()
		r.ledger.Members[a.LiveID] = plan.LedgerMember{Email: a.Key}
		r.mu.Unlock()
		return nil
	case plan.OpDelete:
		if err := r.x.Client.RemoveMember(ctx, r.ref(), a.LiveID); err != nil && !errors.Is(err, workato.ErrNotFound) {
			return err
		}
		r.mu.Lock()
		delete(r.ledger.Members, a.LiveID)
		r.mu.Unlock()
		return nil
	}
	return unsupported(a)
}

func (r *run) desiredFolder(p string) spec.Folder {
	for _, f := range r.t.Folders {
		if f.Path == p {
			return f
		}
	}
	return spec.Folder{Path: p}
}

// parentRef is the id of the folder holding p, nil for Home.
func (r *run) parentRef(p string) (*int64, error) {
	parent := path.Dir(p)
	if parent == "." {
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
	f := r.desiredFolder(a.Key)
	record := func(id int64) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.folders[a.Key] = id
		if !f.Implied || a.Op == plan.OpCreate {
			r.ledger.Folders[id] = plan.LedgerFolder{Path: a.Key, Protect: f.Protect}
		}
	}
	switch a.Op {
	case plan.OpCreate:
		parent, err := r.parentRef(a.Key)
		if err != nil {
			return err
		}
		got, err := r.x.Client.CreateFolder(ctx, r.ref(), path.Base(a.Key), parent)
		if err != nil {
			return err
		}
		record(got.ID)
		return nil
	case plan.OpUpdate:
		if _, err := r.x.Client.UpdateFolder(ctx, r.ref(), a.LiveID, workato.FolderUpdate{Name: strPtr(path.Base(a.Key))}); err != nil {
			return err
		}
		record(a.LiveID)
		return nil
	case plan.OpAdopt, plan.OpProtect, plan.OpUnprotect:
		record(a.LiveID)
		return nil
	case plan.OpDelete:
		if err := r.x.Client.DeleteFolder(ctx, r.ref(), a.LiveID); err != nil && !errors.Is(err, workato.ErrNotFound) {
			return err
		}
		r.mu.Lock()
		delete(r.ledger.Folders, a.LiveID)
		r.mu.Unlock()
		return nil
	}
	return unsupported(a)
}

func (r *run) desiredConnection(key string) (spec.Connection, bool) {
	for _, c := range r.t.Connections {
		if plan.ConnectionKey(c) == key {
			return c, true
		}
	}
	return spec.Connection{}, false
}

func (r *run) connection(a plan.Action) error {
	ctx, cancel := r.call()
	defer cancel()
	c, _ := r.desiredConnection(a.Key)
	switch a.Op {
	case plan.OpCreate:
		return r.createConnection(ctx, a, c)
	case plan.OpUpdate:
		upd := workato.ConnectionUpdate{}
		for _, ch := range a.Changes {
			switch ch.Field {
			case "external_id":
				upd.ExternalID = strPtr(fmt.Sprint(ch.New))
			case "parent", "parent_id":
				r.mu.Lock()
				pid, ok := r.connByName[c.Parent]
				r.mu.Unlock()
				if !ok {
					return fmt.Errorf("parent connection %q does not exist", c.Parent)
				}
				upd.ParentID = &pid
			}
		}
		if _, err := r.x.Client.UpdateConnection(ctx, r.ref(), a.LiveID, upd); err != nil {
			return err
		}
		r.recordConnection(a.LiveID, c, "", true)
		return nil
	case plan.OpReconnect:
		fp := c.Input.Fingerprint(r.w.Desired.FingerprintKey)
		if _, err := r.x.Client.UpdateConnection(ctx, r.ref(), a.LiveID, workato.ConnectionUpdate{Input: c.Input.Reveal()}); err != nil {
			return err
		}
		r.recordConnection(a.LiveID, c, fp, true)
		return nil
	case plan.OpAdopt, plan.OpProtect, plan.OpUnprotect:
		r.recordConnection(a.LiveID, c, "", false)
		return nil
	case plan.OpDisconnect:
		return r.x.Client.DisconnectConnection(ctx, r.ref(), a.LiveID, false)
	case plan.OpDelete:
		if err := r.x.Client.DeleteConnection(ctx, r.ref(), a.LiveID); err != nil && !errors.Is(err, workato.ErrNotFound) {
			return err
		}
		r.mu.Lock()
		delete(r.ledger.Connections, a.LiveID)
		r.mu.Unlock()
		return nil
	}
	return unsupported(a)
}

func (r *run) createConnection(ctx context.Context, a plan.Action, c spec.Connection) error {
	r.mu.Lock()
	folderID, folderOK := r.folders[c.Folder]
	parentID, parentOK := r.connByName[c.Parent]
	r.mu.Unlock()
	in := workato.ConnectionCreate{Name: c.Name, Provider: c.Provider, ExternalID: c.ExternalID, ShellConnection: c.State != spec.StateConnected}
	if c.Folder != "" {
		if !folderOK || folderID == 0 {
			return fmt.Errorf("folder %q does not exist", c.Folder)
		}
		in.FolderID = &folderID
	}
	if c.Parent != "" {
		if !parentOK {
			return fmt.Errorf("parent connection %q does not exist", c.Parent)
		}
		in.ParentID = &parentID
	}
	fp := ""
	if c.State == spec.StateConnected {
		in.Input = c.Input.Reveal()
		fp = c.Input.Fingerprint(r.w.Desired.FingerprintKey)
	}
	got, err := r.x.Client.CreateConnection(ctx, r.ref(), in)
	if err != nil {
		return err
	}
	r.recordConnection(got.ID, c, fp, true)
	if c.State == spec.StateDisconnected && deref(got.AuthorizationStatus) == "success" {
		return r.x.Client.DisconnectConnection(ctx, r.ref(), got.ID, false)
	}
	return nil
}

// recordConnection notes a connection's id and its ledger entry; fp, when
// set, is the fingerprint of the input just sent.
func (r *run) recordConnection(id int64, c spec.Connection, fp string, touched bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := plan.ConnectionKey(c)
	r.conns[key] = id
	r.connByName[c.Name] = id
	e := r.ledger.Connections[id]
	e.Folder, e.Name, e.Protect = c.Folder, c.Name, c.Protect
	if fp != "" {
		e.Fingerprint = fp
	}
	r.ledger.Connections[id] = e
	if touched {
		r.touched[key] = true
	}
}

func (r *run) desiredPackage(name string) (spec.Package, bool) {
	for _, p := range r.t.Packages {
		if p.Name == name {
			return p, true
		}
	}
	return spec.Package{}, false
}

// pkg uploads a package and waits for Workato to finish importing it.
func (r *run) pkg(a plan.Action) error {
	p, ok := r.desiredPackage(a.Key)
	if !ok || a.Op != plan.OpImport {
		return unsupported(a)
	}
	built, err := r.x.Packages.Get(p)
	if err != nil {
		return err
	}
	r.mu.Lock()
	folderID := r.folders[p.Folder]
	r.mu.Unlock()
	if folderID == 0 {
		return fmt.Errorf("folder %q does not exist", p.Folder)
	}
	ctx, cancel := r.call()
	defer cancel()
	imp, err := r.x.Client.ImportPackage(ctx, r.ref(), folderID, bytes.NewReader(built.Zip),
		workato.ImportOptions{RestartRecipes: p.RestartRecipes, IncludeTags: p.IncludeTags})
	if err != nil {
		return err
	}
	poll := cmp.Or(r.x.ImportPoll, 2*time.Second)
	timeout := cmp.Or(r.x.ImportTimeout, 10*time.Minute)
	if _, err := r.x.Client.WaitImport(ctx, r.ref(), imp.ID, poll, timeout); err != nil {
		return err
	}
	r.mu.Lock()
	r.ledger.Packages[p.Name] = plan.LedgerPackage{Name: p.Name, Digest: built.Digest, Folder: p.Folder}
	r.mu.Unlock()
	return nil
}

func (r *run) recipe(a plan.Action) error {
	ctx, cancel := r.call()
	defer cancel()
	id := a.LiveID
	if id == 0 {
		// Brought by an import in this apply: find it now.
		var rec spec.Recipe
		for _, rc := range r.t.Recipes {
			if plan.RecipeKey(rc) == a.Key {
				rec = rc
			}
		}
		r.mu.Lock()
		folderID := r.folders[rec.Folder]
		r.mu.Unlock()
		recipes, err := r.x.Client.ListRecipes(ctx, r.ref(), workato.ListRecipesOptions{FolderID: &folderID})
		if err != nil {
			return err
		}
		for _, lr := range recipes {
			if lr.Name == rec.Name && lr.FolderID == folderID {
				id = lr.ID
			}
		}
		if id == 0 {
			return fmt.Errorf("recipe %q is not in folder %q after the import", rec.Name, rec.Folder)
		}
	}
	switch a.Op {
	case plan.OpStart:
		return r.x.Client.StartRecipe(ctx, r.ref(), id)
	case plan.OpStop:
		return r.x.Client.StopRecipe(ctx, r.ref(), id)
	}
	return unsupported(a)
}
