package apply

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/export"
	livewalk "github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

func (r *run) connection(a plan.Action) error {
	ctx, cancel := r.call()
	defer cancel()
	switch a.Op {
	case plan.OpDisconnect:
		return r.disconnect(ctx, a.LiveID)
	case plan.OpDelete:
		remove := func() error {
			if err := r.x.Client.DeleteConnection(ctx, r.ref(), a.LiveID); err != nil && !errors.Is(err, workato.ErrNotFound) {
				return err
			}
			return nil
		}
		if err := settleErr(ctx, remove, r.connectionGone(ctx, a.LiveID)); err != nil {
			return err
		}
		r.mu.Lock()
		delete(r.ledger.Connections, a.LiveID)
		r.mu.Unlock()
		return nil
	}
	c, err := desired[spec.Connection](a)
	if err != nil {
		return err
	}
	switch a.Op {
	case plan.OpCreate:
		return r.createConnection(ctx, c)
	case plan.OpUpdate:
		p, ok := a.Patch.(plan.ConnectionPatch)
		if !ok {
			return fmt.Errorf("internal: %s carries no connection patch", a.ID)
		}
		upd := workato.ConnectionUpdate{ExternalID: p.ExternalID}
		if p.Parent != "" {
			r.mu.Lock()
			pid, ok := r.connByName[p.Parent]
			r.mu.Unlock()
			if !ok {
				return fmt.Errorf("parent connection %q does not exist", p.Parent)
			}
			upd.ParentID = &pid
		}
		update := func() error { _, err := r.x.Client.UpdateConnection(ctx, r.ref(), a.LiveID, upd); return err }
		if err := settleErr(ctx, update, r.connectionUpdated(ctx, a.LiveID, upd)); err != nil {
			return err
		}
		r.recordConnection(a.LiveID, c, "", true)
		return nil
	case plan.OpReconnect:
		fp := c.Input.Fingerprint(r.w.Desired.FingerprintKey)
		// An input cannot be read back; sending the same one again is safe.
		reconnect := func() error {
			_, err := r.x.Client.UpdateConnection(ctx, r.ref(), a.LiveID, workato.ConnectionUpdate{Input: c.Input.Reveal()})
			return err
		}
		if err := settleErr(ctx, reconnect, nil); err != nil {
			return err
		}
		r.recordConnection(a.LiveID, c, fp, true)
		return nil
	case plan.OpAdopt, plan.OpProtect, plan.OpUnprotect:
		r.recordConnection(a.LiveID, c, "", false)
		return nil
	}
	return unsupported(a)
}

func (r *run) createConnection(ctx context.Context, c spec.Connection) error {
	key := c.Key()
	r.mu.Lock()
	folderID, folderOK := r.folders[key.Folder]
	parentID, parentOK := r.connByName[c.Parent]
	r.mu.Unlock()
	in := workato.ConnectionCreate{Name: c.Name, Provider: c.Provider, ExternalID: c.ExternalID, ShellConnection: c.State != spec.StateConnected}
	if !key.Folder.IsHome() {
		if !folderOK || folderID == 0 {
			return fmt.Errorf("folder %q does not exist", key.Folder)
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
	var folder int64
	if in.FolderID != nil {
		folder = *in.FolderID
	}
	create := func() (*workato.Connection, error) { return r.x.Client.CreateConnection(ctx, r.ref(), in) }
	got, err := settle(ctx, create, r.connectionNamed(ctx, folder, c.Name))
	if err != nil {
		return err
	}
	r.recordConnection(got.ID, c, fp, true)
	if c.State == spec.StateDisconnected && deref(got.AuthorizationStatus) == "success" {
		return r.disconnect(ctx, got.ID)
	}
	return nil
}

// recordConnection notes a connection's id and its ledger entry; fp, when
// set, is the fingerprint of the input just sent.
func (r *run) recordConnection(id int64, c spec.Connection, fp string, touched bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := c.Key()
	r.conns[key] = id
	r.connByName[c.Name] = id
	e := r.ledger.Connections[id]
	e.Folder, e.Name, e.Protect = c.Folder, c.Name, c.Protect
	if fp != "" {
		e.Fingerprint = fp
	}
	// The ciphertext digests go with the fingerprint of the same input, so
	// that a plan without the decryption key can compare them.
	e.Ciphertext = nil
	if c.Input != nil && c.Ciphertext != nil && e.Fingerprint == c.Input.Fingerprint(r.w.Desired.FingerprintKey) {
		e.Ciphertext = c.Ciphertext
	}
	r.ledger.Connections[id] = e
	if touched {
		r.touched[key] = true
	}
}

// pkg uploads a package and waits for Workato to finish importing it.
func (r *run) pkg(a plan.Action) error {
	if a.Op != plan.OpImport {
		return unsupported(a)
	}
	p, err := desired[spec.Package](a)
	if err != nil {
		return err
	}
	built, err := r.x.Packages.Get(p)
	if err != nil {
		return err
	}
	r.mu.Lock()
	folderID := r.folders[spec.ParsePath(p.Folder)]
	r.mu.Unlock()
	if folderID == 0 {
		return fmt.Errorf("folder %q does not exist", p.Folder)
	}
	ctx, cancel := r.call()
	defer cancel()
	// Importing the same package into the same folder again is safe, so
	// an ambiguous import is sent again. Root-folder assets and a Home
	// assets project go to the package's own folder: Workato requires
	// folder_id_for_home_assets then, and it may never be Home, which the
	// schema keeps a package's folder from being.
	imp, err := settle(ctx, func() (*workato.Import, error) {
		return r.x.Client.ImportPackage(ctx, r.ref(), folderID, bytes.NewReader(built.Zip),
			workato.ImportOptions{RestartRecipes: p.RestartRecipes, IncludeTags: p.IncludeTags, FolderIDForHomeAssets: &folderID})
	}, nil)
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
	if a.Op != plan.OpStart && a.Op != plan.OpStop {
		return unsupported(a)
	}
	ctx, cancel := r.call()
	defer cancel()
	id := a.LiveID
	if id == 0 {
		// Brought by an import in this apply: find it now, in its folder.
		r.mu.Lock()
		folderID := r.folders[a.Key.Folder]
		r.mu.Unlock()
		recipes, err := r.x.Client.ListRecipes(ctx, r.ref(), workato.ListRecipesOptions{FolderID: &folderID})
		if err != nil {
			return err
		}
		for _, lr := range recipes {
			if lr.Name == a.Key.Name && lr.FolderID == folderID {
				id = lr.ID
			}
		}
		if id == 0 {
			return fmt.Errorf("recipe %q is not in folder %q after the import", a.Key.Name, a.Key.Folder)
		}
	}
	// Starting a running recipe, or stopping a stopped one, changes nothing.
	if a.Op == plan.OpStart {
		return settleErr(ctx, func() error { return r.x.Client.StartRecipe(ctx, r.ref(), id) }, nil)
	}
	return settleErr(ctx, func() error { return r.x.Client.StopRecipe(ctx, r.ref(), id) }, nil)
}

// disconnect disconnects connection id, and settles an ambiguous answer
// by reading its authorization status back.
func (r *run) disconnect(ctx context.Context, id int64) error {
	return settleErr(ctx, func() error { return r.x.Client.DisconnectConnection(ctx, r.ref(), id, false) },
		r.connectionDisconnected(ctx, id))
}

var (
	_ = registerExecutor(plan.KindConnection, executor{
		do:     (*run).connection,
		record: func(r *run, k spec.Key, id int64) { r.conns[k] = id },
		idOf:   func(r *run, k spec.Key) int64 { return r.conns[k] },
		read:   (*Reader).connections,
	})
	_ = registerExecutor(plan.KindPackage, executor{
		do:     (*run).pkg,
		record: func(*run, spec.Key, int64) {}, // an import has no id of its own
		idOf:   func(*run, spec.Key) int64 { return 0 },
		noRead: "a package has no live object: its ledger entry records the last import",
	})
	_ = registerExecutor(plan.KindRecipe, executor{
		do:     (*run).recipe,
		record: func(*run, spec.Key, int64) {}, // recipes are found by the plan, never created
		idOf:   func(*run, spec.Key) int64 { return 0 },
		read:   (*Reader).recipes,
	})
	_ = export.Register(plan.KindRecipe, export.Kind{Field: "recipes", Read: exportRecipes})
)

// exportRecipes writes each recipe a manifest can name (by folder and
// name, once) and whether it runs.
func exportRecipes(ctx context.Context, c *workato.Client, w *export.Workspace) (export.WriteObjects, error) {
	recipes, err := c.ListRecipes(ctx, w.Ref, workato.ListRecipesOptions{})
	if err != nil {
		return nil, err
	}
	return func(w *export.Workspace) ([]export.Object, error) {
		rs := livewalk.Recipes(recipes)
		slices.SortFunc(rs, func(a, b plan.LiveRecipe) int { return cmp.Compare(a.ID, b.ID) })
		var out []spec.Recipe
		seen := map[spec.Key]bool{}
		for _, r := range rs {
			folder, ok := w.FolderOf(r.FolderID)
			if !ok || (folder == "" && w.HomeID == 0) {
				// A plan matches a recipe at Home by Home's id, which only a
				// top-level folder's parent_id tells.
				w.Skip("recipe #%d %q: its folder #%d cannot be named (skipped, or Home of a workspace without folders)", r.ID, r.Name, r.FolderID)
				continue
			}
			x := spec.Recipe{Name: r.Name, Folder: folder, Running: r.Running}
			if seen[x.Key()] || r.Name == "" {
				w.Skip("recipe #%d %q: another recipe in its folder has the same name", r.ID, livewalk.Join(folder, r.Name))
				continue
			}
			seen[x.Key()] = true
			out = append(out, x)
		}
		slices.SortFunc(out, func(a, b spec.Recipe) int {
			return cmp.Or(strings.Compare(a.Folder, b.Folder), strings.Compare(a.Name, b.Name))
		})
		return export.Objects(out), nil
	}, nil
}
