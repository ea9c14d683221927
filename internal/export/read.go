package export

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Reader reads whole tenants for export: unlike a plan, export needs
// everything, so it walks every folder. Every call goes through the
// client's scheduler, shared by the tenants read at once.
type Reader struct {
	Client  *workato.Client
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
	providerPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	emailPattern    = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
)

// workspace is what export read of one workspace, kind by kind.
type workspace struct {
	ref     workato.CustomerRef
	cust    workato.Customer
	members []workato.Member
	tree    *live.Tree
	conns   []workato.Connection
	recipes []workato.Recipe
	ledger  *plan.Ledger
	ft      folderTree // made when the folders are written
}

// exporter is export's part of one kind: what it lists from a workspace
// (nil: nothing of its own) and how it writes what it listed. Kinds run in
// plan.AllKinds order, so folders are written before what they hold. A
// kind of plan.AllKinds has an exporter or says, in its plan descriptor,
// why export writes none (plan.NotExported); a test checks it.
type exporter struct {
	what  string // for errors: "read <what>"
	list  func(ctx context.Context, c *workato.Client, w *workspace) error
	write func(t *Tenant, w *workspace)
}

var exporters = map[plan.Kind]exporter{
	plan.KindCustomer: {
		write: func(t *Tenant, w *workspace) {
			t.Customer = *live.Customer(&w.cust)
			if o := t.Customer.OriginURL; !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
				t.Customer.OriginURL = ""
			}
		},
	},
	plan.KindMember: {
		what: "members",
		list: func(ctx context.Context, c *workato.Client, w *workspace) (err error) {
			w.members, err = c.ListMembers(ctx, w.ref)
			return err
		},
		write: func(t *Tenant, w *workspace) {
			t.Members, t.Skipped = exportMembers(live.Members(w.members), t.Skipped)
		},
	},
	plan.KindFolder: {
		what: "folders",
		list: func(ctx context.Context, c *workato.Client, w *workspace) (err error) {
			w.tree, err = live.WalkFolders(ctx, c, w.ref, nil)
			return err
		},
		write: func(t *Tenant, w *workspace) {
			w.ft = newFolderTree(w.tree)
			t.Folders, t.Skipped = w.ft.folders(w.ledger), append(t.Skipped, w.ft.skipped...)
		},
	},
	plan.KindConnection: {
		what: "connections",
		list: func(ctx context.Context, c *workato.Client, w *workspace) (err error) {
			w.conns, err = c.ListConnections(ctx, w.ref, workato.ListConnectionsOptions{})
			return err
		},
		write: func(t *Tenant, w *workspace) {
			t.Conns, t.Skipped = exportConns(live.Connections(w.conns), w.ft, w.ledger, t.Skipped)
		},
	},
	plan.KindRecipe: {
		what: "recipes",
		list: func(ctx context.Context, c *workato.Client, w *workspace) (err error) {
			w.recipes, err = c.ListRecipes(ctx, w.ref, workato.ListRecipesOptions{})
			return err
		},
		write: func(t *Tenant, w *workspace) {
			t.Recipes, t.Skipped = exportRecipes(live.Recipes(w.recipes), w.ft, t.Skipped)
		},
	},
}

// Tenant reads one customer's workspace into what export writes.
func (r *Reader) Tenant(ctx context.Context, cust workato.Customer, name string) (*Tenant, error) {
	t := &Tenant{Name: name}
	w := &workspace{ref: workato.ByID(cust.ID), cust: cust}
	var (
		wg    sync.WaitGroup
		kinds []exporter
		props map[string]string
	)
	for _, k := range plan.AllKinds {
		if x, ok := exporters[k]; ok {
			kinds = append(kinds, x)
		}
	}
	errs := make([]error, len(kinds)+1)
	for i, x := range kinds {
		if x.list != nil {
			wg.Go(func() { errs[i] = x.list(ctx, r.Client, w) })
		}
	}
	wg.Go(func() { props, errs[len(kinds)] = r.Client.ListProperties(ctx, w.ref, plan.LedgerPrefix) })
	wg.Wait()
	for i, x := range kinds {
		if errs[i] != nil {
			return nil, fmt.Errorf("read %s: %w", x.what, errs[i])
		}
	}
	if err := errs[len(kinds)]; err != nil {
		return nil, fmt.Errorf("read ledger: %w", err)
	}
	// A workspace that workato-gitops managed before keeps its protect
	// flags, so that re-exporting it (a lost repository, say) plans nothing.
	ledger, err := plan.ParseLedgerClaims(props) // protect only ever restricts
	if err != nil {
		ledger = &plan.Ledger{}
		t.Skipped = append(t.Skipped, "protect flags: the workspace's ledger is unreadable ("+err.Error()+")")
	}
	w.ledger = ledger
	for _, x := range kinds {
		x.write(t, w)
	}
	for i := range t.Conns {
		cn := &t.Conns[i]
		e := r.schemas.get(ctx, r.Client, w.ref, cn.Provider)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cn.Schema, cn.SchemaKnown, cn.SchemaNote = e.fields, e.known, e.note
	}
	return t, nil
}
