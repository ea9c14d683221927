// Package planrun plans a loaded repository: it picks the tenants, reads
// their live state (through apply's reader, or from a saved plan), builds
// the plan inputs and the plan, saves a plan, and says how a saved plan
// differs from what the manifests and the workspaces say now. Package main
// chooses the API and prints; planrun decides nothing about output.
package planrun

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/atomicfile"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Planned is everything a plan run produced, for printing, saving and
// applying.
type Planned struct {
	Repo     *spec.Repo
	Tenants  []*spec.Tenant
	Inputs   []plan.Input
	Plan     *plan.Plan
	Packages *apply.Packages
	// Client read the live state (nil when it came from a saved plan);
	// apply writes through the same one, so that one scheduler counts
	// every call against Workato's budget.
	Client *workato.Client
	// Warnings are what the run could not check, for package main to
	// print (the connectors catalogue could not be read).
	Warnings []string
	// display: the run kept no live state (Live.Display without SaveLive).
	display bool
}

// Live is where the live state comes from: a client, or a saved plan.
type Live struct {
	Client      *workato.Client
	Parallelism int // tenants read at once; 0: the config's
	Saved       *plan.Saved
	SavedName   string // the saved plan's file, for errors
	// Narrow, when set, narrows the tenants the patterns selected (the
	// ones a git change affects, for --changed-since).
	Narrow Narrow
	// Units, when not nil, narrows the selection to these entries
	// (plan.UnitKey), as a saved plan holds them (SavedUnits).
	Units map[string]bool
	// Display keeps only what printing the plan needs, for a run that
	// applies nothing (the plan command): the actions lose the typed
	// fields apply acts on (Desired, Before, Patch), Inputs keep only each
	// entry's environment, read error and, with SaveLive, live state, and
	// the manifests' tenants are released as they are planned: Run takes
	// repo.Tenants over (it is nil after), and Planned.Tenants is nil.
	// Apply leaves it unset.
	Display bool
	// SaveLive keeps each entry's live state with Display, for Saved.
	SaveLive bool
}

// Narrow narrows a selection of tenants further.
type Narrow func(context.Context, []*spec.Tenant) ([]*spec.Tenant, error)

// Run plans the tenants of repo that match patterns (all with none).
// Each tenant is planned as soon as its live state is read, so that with
// Display its listings are dropped while the rest of the fleet is read.
func Run(ctx context.Context, repo *spec.Repo, patterns []string, live Live) (*Planned, error) {
	sel, err := SelectTenants(repo.Tenants, patterns)
	if err != nil {
		return nil, err
	}
	if live.Narrow != nil {
		if sel.Tenants, err = live.Narrow(ctx, sel.Tenants); err != nil {
			return nil, err
		}
	}
	sel = sel.keepUnits(live.Units)
	tenants := sel.Tenants
	pl := &Planned{Repo: repo, Tenants: tenants, Packages: &apply.Packages{}, Client: live.Client,
		display: live.Display && !live.SaveLive}
	// One input per tenant, or per environment of a tenant with
	// customer.environments, in the reader's order.
	digests := make([]map[string]string, len(tenants))
	for i, t := range tenants {
		d, err := pl.Packages.Digests(t)
		if err != nil {
			return nil, err
		}
		digests[i] = d
	}
	opts := plan.Options{
		MaxDeletesPerTenant: repo.Config.Guards.MaxDeletesPerTenant, MaxDeletesTotal: repo.Config.Guards.MaxDeletesTotal,
		Rollout:   repo.Config.Rollout,
		Providers: pl.catalog(ctx),
	}
	fleetSize := len(repo.Tenants)
	if live.Display {
		repo.Tenants, pl.Tenants = nil, nil
	}
	inputs := make([][]plan.Input, len(tenants))
	plans := make([][]plan.TenantPlan, len(tenants))
	var mu sync.Mutex // planning one tenant at a time
	readLive(ctx, repo.Config, fleetSize, sel, live, func(i int, units []apply.LiveResult) {
		mu.Lock()
		defer mu.Unlock()
		if w := withoutCustomerEntry(units); w != "" {
			pl.Warnings = append(pl.Warnings, w)
		}
		for _, res := range units {
			in := plan.Input{
				Desired: plan.Desired{Tenant: res.Tenant, PackageDigests: digests[i], FingerprintKey: repo.Config.FingerprintKey,
					VerifyAtApply: repo.Config.FingerprintKeySealed, Environment: res.Env},
				Live: res.Live, ReadErr: res.Err,
			}
			tp := plan.Tenant(in, opts)
			if live.Display {
				for j := range tp.Actions {
					a := &tp.Actions[j]
					a.Desired, a.Before, a.Patch = nil, nil, nil
				}
				in.Desired = plan.Desired{Environment: res.Env}
				if !live.SaveLive {
					in.Live = nil
				}
			}
			inputs[i] = append(inputs[i], in)
			plans[i] = append(plans[i], tp)
		}
		if live.Display {
			tenants[i], digests[i] = nil, nil // rendering needs none of the manifest
		}
	})
	var all []plan.TenantPlan
	for i := range tenants {
		pl.Inputs = append(pl.Inputs, inputs[i]...)
		all = append(all, plans[i]...)
	}
	pl.Plan = plan.Assemble(all, opts)
	return pl, nil
}

// catalog reads the connectors catalogue once for the whole fleet, when a
// tenant declares connections; a failed read is a warning and the
// providers go unchecked (apply would still meet Workato's refusal).
func (pl *Planned) catalog(ctx context.Context) plan.Providers {
	if pl.Client == nil || !slices.ContainsFunc(pl.Tenants, func(t *spec.Tenant) bool { return len(t.Connections) > 0 }) {
		return nil
	}
	cat, err := pl.Client.ConnectorCatalog(ctx)
	if err != nil {
		pl.Warnings = append(pl.Warnings, fmt.Sprintf("connectors catalogue: %v; providers are not checked", err))
		return nil
	}
	return cat
}

// readLive hands each tenant's live state (one result, or one per
// environment) to fn, read or from a saved plan.
func readLive(ctx context.Context, cfg spec.Config, fleetSize int, sel Selection, live Live, fn func(int, []apply.LiveResult)) {
	tenants := sel.Tenants
	if live.Saved != nil {
		for i, t := range tenants {
			envs := sel.Environments(t)
			if len(envs) == 0 {
				envs = []string{""}
			}
			var out []apply.LiveResult
			for _, env := range envs {
				res := apply.LiveResult{Tenant: t, Env: env}
				if l, ok := live.Saved.Live[plan.UnitKey(t.Name, env)]; ok {
					res.Live = l
				} else {
					res.Err = fmt.Errorf("%s holds no live state for this tenant", live.SavedName)
				}
				out = append(out, res)
			}
			fn(i, out)
		}
		return
	}
	// The fleet's size lets the reader fetch a few customers one by one
	// instead of listing them all.
	r := &apply.Reader{Client: live.Client, Parallelism: live.Parallelism, FleetSize: fleetSize, Environments: sel.Environments}
	if r.Parallelism == 0 {
		r.Parallelism = cfg.Parallelism
	}
	r.Each(ctx, tenants, fn)
}

// Executor is the executor of this plan: it writes through the client
// that read the live state (one scheduler counts every call), with the
// packages the plan digested and the repository's rollout threshold.
// parallelism, when positive, overrides the config's.
func (p *Planned) Executor(parallelism int) *apply.Executor {
	return &apply.Executor{Client: p.Client, Packages: p.Packages,
		Parallelism:    firstPositive(parallelism, p.Repo.Config.Parallelism),
		MaxFailedShare: p.Repo.Config.Rollout.MaxFailedShare}
}

// Work is what the executor applies: each tenant's plan with the desired
// and live state it was made from.
func (p *Planned) Work() []apply.Work {
	work := make([]apply.Work, len(p.Inputs))
	for i, in := range p.Inputs {
		work[i] = apply.Work{Plan: p.Plan.Tenants[i], Desired: in.Desired, Live: in.Live}
	}
	return work
}

func firstPositive(xs ...int) int {
	for _, x := range xs {
		if x > 0 {
			return x
		}
	}
	return 0
}

// Saved is the plan as plan --out saves it: the plan, the manifests'
// digests and the live state of every tenant read.
func (p *Planned) Saved(toolVersion string) *plan.Saved {
	if p.display {
		panic("planrun: Saved of a run that kept no live state (Live.Display without SaveLive)")
	}
	saved := &plan.Saved{
		FormatVersion: plan.FormatVersion, ToolVersion: toolVersion, Manifests: map[string]string{},
		Plan: p.Plan, Live: map[string]*plan.Live{},
	}
	for _, f := range p.Repo.Files {
		saved.Manifests[f.Path] = f.SHA256
	}
	for i, in := range p.Inputs {
		if in.Live != nil && in.ReadErr == nil {
			saved.Live[p.Plan.Tenants[i].Unit()] = in.Live
		}
	}
	return saved
}

// Save writes the plan as plan --out saves it (see Saved) to file, as
// indented JSON, replacing the file whole: a crash leaves the old file or
// the new one, never half of either.
func (p *Planned) Save(file, toolVersion string) error {
	return atomicfile.Write(file, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p.Saved(toolVersion))
	})
}

// ReadSaved reads a saved plan file, through a size limit: the file comes
// from outside (a CI artifact) and is checked before it is believed.
func ReadSaved(file string) (*plan.Saved, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, plan.MaxSavedPlan+1))
	if err != nil {
		return nil, err
	}
	if len(data) > plan.MaxSavedPlan {
		return nil, fmt.Errorf("%s: larger than %d MiB, not a saved plan", file, plan.MaxSavedPlan>>20)
	}
	s, err := plan.ReadSaved(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}
