package apply

import (
	"context"
	"errors"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// The read-backs of each kind, for settle: after an ambiguous write, is
// the object there by its natural key (a create), is the field what was
// sent (an update), is the object gone (a delete)?

// customerByExternalID finds the workspace a create may have made: the
// customer's natural key is its external id.
func (r *run) customerByExternalID(ctx context.Context, ext string) func() (*workato.Customer, bool, error) {
	return func() (*workato.Customer, bool, error) {
		got, err := r.x.Client.GetCustomer(ctx, workato.ByExternalID(ext))
		if errors.Is(err, workato.ErrNotFound) {
			return nil, false, nil
		}
		return got, err == nil, err
	}
}

// customerUpdated reports whether the workspace's fields are the ones sent.
func (r *run) customerUpdated(ctx context.Context, upd workato.CustomerUpdate) func() (bool, error) {
	return func() (bool, error) {
		got, err := r.x.Client.GetCustomer(ctx, r.customerRef())
		if err != nil {
			return false, err
		}
		same := func(want *string, have string) bool { return want == nil || *want == have }
		return same(upd.Name, got.Name) && same(upd.NotificationEmail, got.NotificationEmail) &&
			same(upd.PlanID, got.PlanID) && same(upd.OriginURL, deref(got.OriginURL)), nil
	}
}

// folderIn finds, among the folders in parent (nil: the top level), the
// one a check accepts.
func (r *run) folderIn(ctx context.Context, parent *int64, match func(workato.Folder) bool) (*workato.Folder, bool, error) {
	fs, err := r.x.Client.ListFolders(ctx, r.ref(), parent)
	if err != nil {
		return nil, false, err
	}
	for i := range fs {
		if match(fs[i]) {
			return &fs[i], true, nil
		}
	}
	return nil, false, nil
}

// folderNamed finds a folder by its natural key: its parent and its name.
func (r *run) folderNamed(ctx context.Context, parent *int64, name string) func() (*workato.Folder, bool, error) {
	return func() (*workato.Folder, bool, error) {
		return r.folderIn(ctx, parent, func(f workato.Folder) bool { return f.Name == name })
	}
}

// folderRenamed reports whether folder id is now listed at path p.
func (r *run) folderRenamed(ctx context.Context, p spec.Path, id int64) func() (bool, error) {
	return func() (bool, error) {
		parent, err := r.parentRef(p)
		if err != nil {
			return false, err
		}
		_, ok, err := r.folderIn(ctx, parent, func(f workato.Folder) bool { return f.ID == id && f.Name == p.Base() })
		return ok, err
	}
}

// folderGone reports whether folder f is no longer listed in its parent.
func (r *run) folderGone(ctx context.Context, f workato.Folder) func() (bool, error) {
	parent := f.ParentID
	if f.IsProject {
		parent = nil
	}
	return func() (bool, error) {
		_, there, err := r.folderIn(ctx, parent, func(g workato.Folder) bool { return g.ID == f.ID })
		return !there, err
	}
}

// connectionWhere finds the connection a check accepts.
func (r *run) connectionWhere(ctx context.Context, match func(workato.Connection) bool) (*workato.Connection, bool, error) {
	cs, err := r.x.Client.ListConnections(ctx, r.ref(), workato.ListConnectionsOptions{})
	if err != nil {
		return nil, false, err
	}
	for i := range cs {
		if match(cs[i]) {
			return &cs[i], true, nil
		}
	}
	return nil, false, nil
}

// connectionNamed finds a connection by its natural key: its folder and
// its name. folderID 0 is Home, whose id a workspace created in this
// apply does not know: there, any connection of that name outside the
// folders this apply knows is the one.
func (r *run) connectionNamed(ctx context.Context, folderID int64, name string) func() (*workato.Connection, bool, error) {
	return func() (*workato.Connection, bool, error) {
		r.mu.Lock()
		home := r.folders[spec.Home]
		known := map[int64]bool{}
		for p, id := range r.folders {
			if !p.IsHome() {
				known[id] = true
			}
		}
		r.mu.Unlock()
		return r.connectionWhere(ctx, func(c workato.Connection) bool {
			switch {
			case c.Name != name:
				return false
			case folderID != 0:
				return c.FolderID == folderID
			case home != 0:
				return c.FolderID == home
			}
			return !known[c.FolderID]
		})
	}
}

// connectionUpdated reports whether connection id has the fields sent.
func (r *run) connectionUpdated(ctx context.Context, id int64, upd workato.ConnectionUpdate) func() (bool, error) {
	return func() (bool, error) {
		_, ok, err := r.connectionWhere(ctx, func(c workato.Connection) bool {
			return c.ID == id && (upd.ExternalID == nil || *upd.ExternalID == deref(c.ExternalID)) &&
				(upd.ParentID == nil || (c.ParentID != nil && *c.ParentID == *upd.ParentID))
		})
		return ok, err
	}
}

// connectionDisconnected reports whether connection id is no longer
// authorized.
func (r *run) connectionDisconnected(ctx context.Context, id int64) func() (bool, error) {
	return func() (bool, error) {
		_, authorized, err := r.connectionWhere(ctx, func(c workato.Connection) bool {
			return c.ID == id && deref(c.AuthorizationStatus) == "success"
		})
		return !authorized, err
	}
}

// connectionGone reports whether connection id is no longer listed.
func (r *run) connectionGone(ctx context.Context, id int64) func() (bool, error) {
	return func() (bool, error) {
		_, there, err := r.connectionWhere(ctx, func(c workato.Connection) bool { return c.ID == id })
		return !there, err
	}
}

// memberGone reports whether member id is no longer listed.
func (r *run) memberGone(ctx context.Context, id int64) func() (bool, error) {
	return func() (bool, error) {
		ms, err := r.x.Client.ListMembers(ctx, r.ref())
		if err != nil {
			return false, err
		}
		for _, m := range ms {
			if m.ID == id {
				return false, nil
			}
		}
		return true, nil
	}
}

// removeMember removes a member; a 404 means it is gone already.
func (r *run) removeMember(ctx context.Context, id int64) error {
	return settleErr(ctx, func() error {
		if err := r.x.Client.RemoveMember(ctx, r.ref(), id); err != nil && !errors.Is(err, workato.ErrNotFound) {
			return err
		}
		return nil
	}, r.memberGone(ctx, id))
}
