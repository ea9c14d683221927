package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// parentDepth orders connections so that parents come before children.
func parentDepth(c spec.Connection, byName map[string]spec.Connection) int {
	d := 0
	for seen := map[string]bool{}; c.Parent != "" && !seen[c.Name]; d++ {
		seen[c.Name] = true
		c = byName[c.Parent]
	}
	return d
}

func (pl *planner) planConnections() {
	byName := map[string]spec.Connection{}
	for _, c := range pl.t.Connections {
		byName[c.Name] = c
		// Without the key a fingerprint would be a plain hash of the
		// credentials, which the ledger must never hold.
		if c.HasInput && c.Input != nil && pl.d.FingerprintKey.IsZero() {
			pl.problem("connection %q has input, but workato-gitops.yaml sets no fingerprintKey to track it with (%s)", c.Key(), c.Pos)
			return
		}
	}
	desired := slices.Clone(pl.t.Connections)
	slices.SortStableFunc(desired, func(a, b spec.Connection) int {
		return cmp.Compare(parentDepth(a, byName), parentDepth(b, byName))
	})
	for _, c := range desired {
		lc, found, err := pl.matchConnection(c)
		if err != nil {
			pl.problem("%v", err)
			continue
		}
		if c.Protect && found {
			pl.protect(KindConnection, lc.ID)
		}
		if !found {
			pl.createConnection(c, byName)
			continue
		}
		pl.matched[lc.ID] = true
		pl.conns[c.Name] = lc.ID
		pl.updateConnection(c, lc, byName)
	}
}

// matchConnection finds the live connection for c: by pinned id, else by
// folder and name. Two candidates are an error: the tool never guesses.
func (pl *planner) matchConnection(c spec.Connection) (LiveConnection, bool, error) {
	if pl.newCust {
		return LiveConnection{}, false, nil
	}
	key := c.Key()
	if c.ID != 0 {
		for _, lc := range pl.live.Connections {
			if lc.ID == c.ID {
				return lc, true, nil
			}
		}
		return LiveConnection{}, false, fmt.Errorf("connection %q pins id %d, which is not in the workspace (%s)", key, c.ID, c.Pos)
	}
	fid := pl.folderID(key.Folder)
	if !key.Folder.IsHome() && fid == 0 {
		return LiveConnection{}, false, nil // its folder is to be created
	}
	var found, unsure []LiveConnection
	for _, lc := range pl.live.Connections {
		if lc.Name != c.Name {
			continue
		}
		switch {
		case !key.Folder.IsHome():
			if lc.FolderID == fid {
				found = append(found, lc)
			}
		default:
			if home, sure := pl.atHome(lc); home && sure {
				found = append(found, lc)
			} else if !sure {
				unsure = append(unsure, lc)
			}
		}
	}
	if len(unsure) > 0 {
		return LiveConnection{}, false, fmt.Errorf("connection %q is declared at Home, but Home's folder id is unknown (no top-level folder gave its parent_id), so the connection(s) with id %s may be in another folder; pin one with id: to adopt it, the tool will not guess",
			key, connIDs(unsure))
	}
	switch len(found) {
	case 0:
		return LiveConnection{}, false, nil
	case 1:
		return found[0], true, nil
	}
	return LiveConnection{}, false, fmt.Errorf("connection %q matches %d connections in the workspace (ids %s); pin one with id: or rename the others, the tool will not guess",
		key, len(found), connIDs(found))
}

// atHome says whether a live connection is at Home, and whether the plan
// can be sure: with Home's id unknown, a connection outside the folders
// the plan walked may be at Home or deeper, unless Home holds no folder
// at all (then there is nowhere else to be).
func (pl *planner) atHome(lc LiveConnection) (home, sure bool) {
	switch {
	case pl.live.HomeID != 0:
		return lc.FolderID == pl.live.HomeID || lc.FolderID == 0, true
	case lc.FolderID == 0 || len(pl.live.Folders) == 0:
		return true, true
	}
	_, walked := pl.paths[lc.FolderID]
	return false, walked
}

func connIDs(cs []LiveConnection) string {
	ids := make([]string, len(cs))
	for i, lc := range cs {
		ids[i] = fmt.Sprint(lc.ID)
	}
	return strings.Join(ids, ", ")
}

func (pl *planner) createConnection(c spec.Connection, byName map[string]spec.Connection) {
	ch := []Change{
		{Field: "provider", New: c.Provider},
		{Field: "folder", New: nonEmpty(c.Folder)},
		{Field: "external_id", New: nonEmpty(c.ExternalID)},
		{Field: "parent", New: nonEmpty(c.Parent)},
		{Field: "state", New: c.State},
	}
	if c.State == spec.StateConnected {
		ch = append(ch, Change{Field: "input", Sensitive: true})
	}
	key := c.Key()
	deps := pl.folderDeps(key.Folder)
	if c.Parent != "" && pl.conns[c.Parent] == 0 {
		deps = append(deps, ActionID(OpCreate, KindConnection, byName[c.Parent].Key()))
	}
	a := pl.add(Action{Op: OpCreate, Kind: KindConnection, Key: key, Reason: "not in the workspace", Changes: ch, DependsOn: deps, Desired: c}, c.Pos)
	pl.conns[c.Name] = 0
	pl.connActions[key.Folder] = append(pl.connActions[key.Folder], a.ID)
}

func (pl *planner) updateConnection(c spec.Connection, lc LiveConnection, byName map[string]spec.Connection) {
	key := c.Key()
	if lc.Provider != c.Provider {
		pl.problem("connection %q is a %s connection in the workspace but %s in the manifest (%s); a provider cannot change, rename one of them", key, lc.Provider, c.Provider, c.Pos)
		return
	}
	setsCredentials := func(a *Action) { pl.connActions[key.Folder] = append(pl.connActions[key.Folder], a.ID) }
	le, owned := pl.ledger.Connections[lc.ID]
	if !owned {
		setsCredentials(pl.add(Action{Op: OpAdopt, Kind: KindConnection, Key: key, LiveID: lc.ID, Reason: "exists; not yet managed", Desired: c, Before: lc}, c.Pos))
	} else if le.Protect != c.Protect {
		setsCredentials(pl.add(asProtect(Action{Kind: KindConnection, Key: key, LiveID: lc.ID, Desired: c, Before: lc}, le.Protect, c.Protect), c.Pos))
	}
	var ch []Change
	var deps []string
	var patch ConnectionPatch
	ch = diffField(ch, &patch.ExternalID, "external_id", lc.ExternalID, c.ExternalID, c.ExternalID != "")
	if c.Parent != "" {
		pid := pl.conns[c.Parent]
		if pid == 0 {
			ch = append(ch, Change{Field: "parent", Old: nonZero(lc.ParentID), New: c.Parent + " (created by this plan)"})
			deps = append(deps, ActionID(OpCreate, KindConnection, byName[c.Parent].Key()))
			patch.Parent = c.Parent
		} else if pid != lc.ParentID {
			ch = append(ch, Change{Field: "parent_id", Old: nonZero(lc.ParentID), New: pid})
			patch.Parent = c.Parent
		}
	}
	if len(ch) > 0 {
		setsCredentials(pl.add(Action{Op: OpUpdate, Kind: KindConnection, Key: key, LiveID: lc.ID, Reason: "fields differ from the manifest", Changes: ch, DependsOn: deps,
			Desired: c, Before: lc, Patch: patch}, c.Pos))
	}
	switch c.State {
	case spec.StateConnected:
		if c.Input == nil {
			pl.keylessInput(c, lc, le, deps)
			return
		}
		fp := c.Input.Fingerprint(pl.d.FingerprintKey)
		if fp == le.Fingerprint {
			return
		}
		reason := "input changed since the last apply"
		if le.Fingerprint == "" {
			reason = "input never sent by workato-gitops"
		}
		setsCredentials(pl.add(Action{Op: OpReconnect, Kind: KindConnection, Key: key, LiveID: lc.ID, Reason: reason,
			Changes: []Change{{Field: "input", Sensitive: true}}, DependsOn: deps, Desired: c, Before: lc}, c.Pos))
	case spec.StateDisconnected:
		if lc.Authorized() {
			pl.add(Action{Op: OpDisconnect, Kind: KindConnection, Key: key, LiveID: lc.ID, Reason: "connected; the manifest wants it disconnected", Desired: c, Before: lc}, c.Pos)
		}
	}
}

func nonZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// orphanConnections handles live connections no manifest entry matched:
// owned ones are deleted under prune.connections, the rest are reported.
// It runs after the recipes, so that a delete can wait for the stop of a
// recipe that uses the connection, and before the folders' pruning, which
// needs to know which connections go.
func (pl *planner) orphanConnections() {
	live := slices.Clone(pl.live.Connections)
	slices.SortFunc(live, func(a, b LiveConnection) int { return cmp.Compare(a.ID, b.ID) })
	for _, lc := range live {
		if pl.matched[lc.ID] {
			continue
		}
		key := pl.liveConnKey(lc)
		le, owned := pl.ledger.Connections[lc.ID]
		switch {
		case !owned:
			pl.add(Action{Op: OpUnmanaged, Kind: KindConnection, Key: key, LiveID: lc.ID, Before: lc, Reason: "not created or adopted by workato-gitops; left alone"}, spec.Pos{})
		case pl.t.Prune.Connections:
			a := pl.add(Action{Op: OpDelete, Kind: KindConnection, Key: key, LiveID: lc.ID, Before: lc, Reason: "left the manifest (prune.connections)"}, spec.Pos{})
			pl.connDeletes[lc.ID] = a.ID
			if le.Protect {
				pl.protect(KindConnection, lc.ID)
			}
			for _, r := range pl.live.Recipes {
				if stop, ok := pl.stopping[r.ID]; ok && slices.Contains(r.ConnectionIDs, lc.ID) {
					a.DependsOn = append(a.DependsOn, stop)
				}
			}
		default:
			pl.add(Action{Op: OpUnmanaged, Kind: KindConnection, Key: key, LiveID: lc.ID, Before: lc, Reason: "left the manifest; prune.connections is off"}, spec.Pos{})
		}
	}
}

// liveConnKey names a live connection by folder path when the plan walked
// its folder, else by folder id.
func (pl *planner) liveConnKey(lc LiveConnection) spec.Key {
	if lc.FolderID == pl.live.HomeID || lc.FolderID == 0 {
		return spec.Key{Name: lc.Name}
	}
	if p, ok := pl.paths[lc.FolderID]; ok {
		return spec.Key{Folder: p, Name: lc.Name}
	}
	return spec.Key{Folder: spec.Home.Child(fmt.Sprintf("(folder #%d)", lc.FolderID)), Name: lc.Name}
}

var _ = register(KindConnection, kindInfo{
	order: 40, ops: []Op{OpCreate, OpUpdate, OpReconnect, OpProtect, OpUnprotect, OpAdopt, OpDisconnect, OpDelete, OpUnmanaged},
	phase: 3, createPhase: 2, ledger: []section{connectionSection},
	plan: (*planner).planConnections, prune: (*planner).orphanConnections,
	live: func(l *Live, id int64) (any, bool) {
		return byID(l.Connections, id, func(c LiveConnection) int64 { return c.ID })
	},
})
