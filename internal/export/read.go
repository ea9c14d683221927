package export

import (
	"context"
	"fmt"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Reader reads whole tenants for export: unlike a plan, export needs
// everything, so each kind reads all of its objects. Every call goes
// through the client's scheduler, shared by the tenants read at once.
type Reader struct {
	Client *workato.Client
	run    runCache // what kinds keep once per run (Workspace.Once)
}

// Tenant reads one customer's workspace into what export writes: every
// registered kind and the ledger at once, then each kind's objects in
// plan.AllKinds order.
func (r *Reader) Tenant(ctx context.Context, cust workato.Customer, name string) (*Tenant, error) {
	ks, err := Kinds()
	if err != nil {
		return nil, err
	}
	t := &Tenant{Name: name, CustomerID: cust.ID, ExternalID: cust.ExternalID}
	w := &Workspace{Ref: workato.ByID(cust.ID), Customer: &cust, FolderOf: func(int64) (string, bool) { return "", false }, run: &r.run}
	var (
		wg     sync.WaitGroup
		writes = make([]WriteObjects, len(ks))
		errs   = make([]error, len(ks)+1)
		props  map[string]string
	)
	for i, k := range ks {
		wg.Go(func() { writes[i], errs[i] = kinds[k].Read(ctx, r.Client, w) })
	}
	wg.Go(func() { props, errs[len(ks)] = r.Client.ListProperties(ctx, w.Ref, plan.LedgerPrefix) })
	wg.Wait()
	for i, k := range ks {
		if errs[i] != nil {
			return nil, fmt.Errorf("read %s: %w", kinds[k].Field, errs[i])
		}
	}
	if err := errs[len(ks)]; err != nil {
		return nil, fmt.Errorf("read ledger: %w", err)
	}
	// A workspace that workato-gitops managed before keeps its protect
	// flags, so that re-exporting it (a lost repository, say) plans nothing.
	ledger, err := plan.ParseLedgerClaims(props) // protect only ever restricts
	if err != nil {
		ledger = &plan.Ledger{}
		w.Skip("protect flags: the workspace's ledger is unreadable (%s)", err.Error())
	}
	w.Ledger = ledger
	for i, k := range ks {
		objs, err := writes[i](w)
		if err != nil {
			return nil, err
		}
		x := kinds[k]
		t.Sections = append(t.Sections, Section{Kind: k, Field: x.Field, Single: x.Single, Objects: objs})
	}
	t.Skipped = w.skipped
	return t, nil
}
