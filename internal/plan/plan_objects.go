package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func (pl *planner) planMembers() {
	if !pl.newCust && !pl.live.MembersRead {
		return
	}
	live := map[spec.Key]LiveMember{}
	for _, m := range pl.live.Members {
		live[spec.Member{Email: m.Email}.Key()] = m
	}
	declared := map[spec.Key]bool{}
	for _, m := range pl.t.Members {
		key := m.Key()
		declared[key] = true
		lm, ok := live[key]
		if !ok {
			pl.planInvitation(m)
			continue
		}
		if m.Role != lm.Role {
			pl.add(Action{Op: OpUpdate, Kind: KindMember, Key: key, LiveID: lm.ID, Reason: "role differs from the manifest; Workato has no role update, so the member is removed and invited again", Desired: m, Before: lm,
				Changes: []Change{{Field: "role", Old: lm.Role, New: m.Role}}}, m.Pos)
		}
		if _, owned := pl.ledger.Members[lm.ID]; !owned {
			why := "already a member; not yet managed"
			if _, invited := pl.ledger.Invitations[key.Name]; invited {
				why = "accepted the invitation"
			}
			pl.add(Action{Op: OpAdopt, Kind: KindMember, Key: key, LiveID: lm.ID, Reason: why, Desired: m, Before: lm}, m.Pos)
		}
	}
	for _, id := range sortedIDs(pl.ledger.Members) {
		lm, ok := findMember(pl.live.Members, id)
		key := spec.Member{Email: lm.Email}.Key()
		if !ok || declared[key] {
			continue
		}
		if pl.t.Prune.Members {
			pl.add(Action{Op: OpDelete, Kind: KindMember, Key: spec.Member{Email: pl.ledger.Members[id].Email}.Key(), LiveID: id, Before: lm,
				Reason: "left the manifest (prune.members)"}, spec.Pos{})
		} else {
			pl.add(Action{Op: OpUnmanaged, Kind: KindMember, Key: key, LiveID: id, Before: lm, Reason: "left the manifest; prune.members is off"}, spec.Pos{})
		}
	}
}

// planInvitation plans a declared member who is not in the workspace.
// Workato adds no member by email, only invites one (once per email and
// workspace every 20 minutes), so an invitation on record is reported as
// pending, never sent again: the collaborator joins by accepting it, and
// the next plan adopts them.
func (pl *planner) planInvitation(m spec.Member) {
	key := m.Key()
	if inv, ok := pl.ledger.Invitations[key.Name]; ok {
		why := "invitation pending since " + inv.Sent
		if inv.Role != m.Role {
			why += fmt.Sprintf(" (as %s; the manifest says %s, which the next plan sets once they join)", inv.Role, m.Role)
		}
		pl.add(Action{Op: OpPending, Kind: KindMember, Key: key, Reason: why, Desired: m}, m.Pos)
		return
	}
	pl.add(Action{Op: OpCreate, Kind: KindMember, Key: key, Reason: "not a member of the workspace; will be invited by email", Desired: m,
		Changes: []Change{{Field: "role", New: m.Role}, {Field: "name", New: nonEmpty(m.Name)}}}, m.Pos)
}

func findMember(ms []LiveMember, id int64) (LiveMember, bool) {
	for _, m := range ms {
		if m.ID == id {
			return m, true
		}
	}
	return LiveMember{}, false
}

func (pl *planner) planPackages() {
	previous := ""
	for _, p := range pl.t.Packages {
		digest := pl.d.PackageDigests[p.Name]
		le, ok := pl.ledger.Packages[p.Name]
		var reason string
		var ch []Change
		switch {
		case !ok:
			reason = "never imported by workato-gitops"
			ch = []Change{{Field: "digest", New: digest}, {Field: "folder", New: p.Folder}}
		case le.Digest != digest || le.Folder != p.Folder:
			reason = "package content changed"
			if le.Digest == digest {
				reason = "target folder changed"
			}
			ch = diff(ch, "digest", le.Digest, digest, true)
			ch = diff(ch, "folder", le.Folder, p.Folder, true)
		default:
			continue
		}
		folder := spec.ParsePath(p.Folder)
		deps := pl.folderDeps(folder)
		// The import binds the package's connections by name in its
		// folder: credentials set there first are the ones it finds.
		for _, f := range sortedPaths(pl.connActions) {
			if f.Within(folder) {
				deps = append(deps, pl.connActions[f]...)
			}
		}
		// One import at a time per workspace: whether Workato allows more is
		// UNCONFIRMED, and the UI allows one.
		if previous != "" {
			deps = append(deps, previous)
		}
		previous = pl.add(Action{Op: OpImport, Kind: KindPackage, Key: p.Key(), Reason: reason, Changes: ch, DependsOn: deps, Desired: p}, p.Pos).ID
	}
}

func (pl *planner) planRecipes() {
	if len(pl.t.Recipes) == 0 {
		return
	}
	if !pl.newCust && !pl.live.RecipesRead {
		pl.problem("internal: recipes were not read")
		return
	}
	for _, r := range pl.t.Recipes {
		key := r.Key()
		fid := pl.folderID(key.Folder)
		var matches []LiveRecipe
		for _, lr := range pl.live.Recipes {
			if lr.Name == r.Name && fid != 0 && lr.FolderID == fid {
				matches = append(matches, lr)
			}
		}
		if len(matches) > 1 {
			pl.problem("recipe %q matches %d recipes in the workspace (ids %s); rename one, the tool will not guess", key, len(matches), recipeIDs(matches))
			continue
		}
		imports := pl.importsInto(key.Folder)
		if len(matches) == 0 {
			if len(imports) == 0 {
				pl.problem("recipe %q is not in the workspace and no package import is planned into its folder (%s)", key, r.Pos)
				continue
			}
			if r.Running {
				pl.add(Action{Op: OpStart, Kind: KindRecipe, Key: key, Reason: "brought by the import; start it after", Desired: r,
					DependsOn: append(imports, pl.allConnActions()...)}, r.Pos)
			}
			continue
		}
		lr := matches[0]
		switch {
		case r.Running && !lr.Running:
			pl.add(Action{Op: OpStart, Kind: KindRecipe, Key: key, LiveID: lr.ID, Reason: "stopped; the manifest wants it running", Desired: r, Before: lr,
				DependsOn: append(imports, pl.allConnActions()...)}, r.Pos)
		case !r.Running && lr.Running:
			a := pl.add(Action{Op: OpStop, Kind: KindRecipe, Key: key, LiveID: lr.ID, Reason: "running; the manifest wants it stopped", Desired: r, Before: lr,
				DependsOn: imports}, r.Pos)
			pl.stopping[lr.ID] = a.ID
		}
	}
}

// importsInto lists planned imports into folder p or one of its parents.
func (pl *planner) importsInto(p spec.Path) []string {
	var ids []string
	for _, pkg := range pl.t.Packages {
		id := ActionID(OpImport, KindPackage, pkg.Key())
		if _, planned := pl.byID[id]; planned && p.Within(spec.ParsePath(pkg.Folder)) {
			ids = append(ids, id)
		}
	}
	return ids
}

func (pl *planner) allConnActions() []string {
	var ids []string
	for _, p := range sortedPaths(pl.connActions) {
		ids = append(ids, pl.connActions[p]...)
	}
	return ids
}

// sortedPaths orders a map's paths by their display form, as the plan
// always has.
func sortedPaths[V any](m map[spec.Path]V) []spec.Path {
	paths := make([]spec.Path, 0, len(m))
	for p := range m {
		paths = append(paths, p)
	}
	slices.SortFunc(paths, func(a, b spec.Path) int { return strings.Compare(a.String(), b.String()) })
	return paths
}

func recipeIDs(rs []LiveRecipe) string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = fmt.Sprint(r.ID)
	}
	return strings.Join(ids, ", ")
}

var (
	_ = register(KindMember, kindInfo{
		order: 20, ops: []Op{OpCreate, OpUpdate, OpAdopt, OpDelete, OpPending, OpUnmanaged}, phase: 1,
		ledger: []section{memberSection, invitationSection},
		plan:   (*planner).planMembers, prune: nothing,
		live: func(l *Live, id int64) (any, bool) {
			return byID(l.Members, id, func(m LiveMember) int64 { return m.ID })
		},
	})
	_ = register(KindPackage, kindInfo{
		order: 50, ops: []Op{OpImport}, phase: 4, ledger: []section{packageSection},
		plan: (*planner).planPackages, prune: nothing,
		live:        func(*Live, int64) (any, bool) { return nil, false },
		notExported: "a package's content is files in the repository, which the workspace does not give back",
	})
	_ = register(KindRecipe, kindInfo{
		order: 60, ops: []Op{OpStart, OpStop}, phase: 5,
		plan: (*planner).planRecipes, prune: nothing,
		live: func(l *Live, id int64) (any, bool) {
			return byID(l.Recipes, id, func(r LiveRecipe) int64 { return r.ID })
		},
	})
)
