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

// Tenant reads one customer's workspace into what export writes.
func (r *Reader) Tenant(ctx context.Context, cust workato.Customer, name string) (*Tenant, error) {
	t := &Tenant{Name: name, Customer: *live.Customer(&cust)}
	if o := t.Customer.OriginURL; !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
		t.Customer.OriginURL = ""
	}
	ref := workato.ByID(cust.ID)
	var (
		wg      sync.WaitGroup
		errs    [5]error
		members []workato.Member
		tree    *live.Tree
		conns   []workato.Connection
		recipes []workato.Recipe
		props   map[string]string
	)
	wg.Go(func() { members, errs[0] = r.Client.ListMembers(ctx, ref) })
	wg.Go(func() { tree, errs[1] = live.WalkFolders(ctx, r.Client, ref, nil) })
	wg.Go(func() { conns, errs[2] = r.Client.ListConnections(ctx, ref, workato.ListConnectionsOptions{}) })
	wg.Go(func() { recipes, errs[3] = r.Client.ListRecipes(ctx, ref, workato.ListRecipesOptions{}) })
	wg.Go(func() { props, errs[4] = r.Client.ListProperties(ctx, ref, plan.LedgerPrefix) })
	wg.Wait()
	for i, what := range []string{"members", "folders", "connections", "recipes", "ledger"} {
		if errs[i] != nil {
			return nil, fmt.Errorf("read %s: %w", what, errs[i])
		}
	}
	// A workspace that workato-gitops managed before keeps its protect
	// flags, so that re-exporting it (a lost repository, say) plans nothing.
	ledger, err := plan.ParseLedger(props)
	if err != nil {
		ledger = &plan.Ledger{}
		t.Skipped = append(t.Skipped, "protect flags: the workspace's ledger is unreadable ("+err.Error()+")")
	}
	ft := newFolderTree(tree)
	t.Members, t.Skipped = exportMembers(live.Members(members), t.Skipped)
	t.Folders, t.Skipped = ft.folders(ledger), append(t.Skipped, ft.skipped...)
	t.Conns, t.Skipped = exportConns(live.Connections(conns), ft, ledger, t.Skipped)
	t.Recipes, t.Skipped = exportRecipes(live.Recipes(recipes), ft, t.Skipped)
	for i := range t.Conns {
		cn := &t.Conns[i]
		e := r.schemas.get(ctx, r.Client, ref, cn.Provider)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cn.Schema, cn.SchemaKnown, cn.SchemaNote = e.fields, e.known, e.note
	}
	return t, nil
}
