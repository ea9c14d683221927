package plan

import (
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// reportUnverified says, for each ledger entry that did not verify, what
// the plan does about its object: an adopt re-signs the entry (the object
// still matches the manifest), an import records the package again, and
// any other live object is reported unmanaged and left alone. The entry
// itself granted nothing.
func (pl *planner) reportUnverified() {
	for _, u := range pl.ledger.Unverified {
		why := "ledger entry " + u.Reason
		if a := pl.actionFor(u); a != nil {
			switch a.Op {
			case OpAdopt:
				a.Reason = why + "; adopting re-signs it"
			case OpImport:
				a.Reason = why + "; importing records it again"
			case OpUnmanaged:
				a.Reason = why + "; not owned, left alone"
			}
			continue
		}
		if key, ok := pl.liveKey(u); ok {
			pl.add(Action{Op: OpUnmanaged, Kind: u.Kind, Key: key, LiveID: u.ID, Reason: why + "; not owned, left alone"}, spec.Pos{})
		}
	}
}

// actionFor is the action about an unverified entry's object, if any;
// adopt, import and unmanaged actions first, as they are what the entry
// is about.
func (pl *planner) actionFor(u Unverified) *Action {
	var found *Action
	for _, a := range pl.actions {
		var match bool
		switch u.Kind {
		case KindCustomer:
			match = a.Kind == KindCustomer
		case KindPackage:
			match = a.Kind == KindPackage && PackageProperty(a.Key.Name) == u.Property
		default:
			match = a.Kind == u.Kind && a.LiveID == u.ID
		}
		if !match {
			continue
		}
		if a.Op == OpAdopt || a.Op == OpImport || a.Op == OpUnmanaged {
			return a
		}
		if found == nil {
			found = a
		}
	}
	return found
}

// liveKey names the live object of an unverified entry, when the plan
// read it.
func (pl *planner) liveKey(u Unverified) (spec.Key, bool) {
	switch u.Kind {
	case KindFolder:
		p, ok := pl.paths[u.ID]
		return spec.FolderKey(p), ok
	case KindConnection:
		for _, lc := range pl.live.Connections {
			if lc.ID == u.ID {
				return pl.liveConnKey(lc), true
			}
		}
	case KindMember:
		if lm, ok := findMember(pl.live.Members, u.ID); ok {
			return spec.Key{Name: strings.ToLower(lm.Email)}, true
		}
	}
	return spec.Key{}, false
}

// keepUnsignedClaims turns each delete into an unmanaged report when the
// ledger could not be verified (no fingerprint key): a claim of ownership
// is enough to remember what was created, never to delete it.
func (pl *planner) keepUnsignedClaims() {
	if !pl.ledger.Unsigned {
		return
	}
	if pl.d.VerifyAtApply {
		for _, a := range pl.actions {
			if a.Op == OpDelete {
				a.Reason += " (the ledger's claim is verified when apply plans again with the key)"
			}
		}
		return
	}
	renamed := map[string]bool{}
	for _, a := range pl.actions {
		if a.Op != OpDelete {
			continue
		}
		delete(pl.byID, a.ID)
		renamed[a.ID] = true
		a.Op, a.DependsOn = OpUnmanaged, nil
		a.ID = ActionID(a.Op, a.Kind, a.Key)
		a.Reason = "the ledger claims it, but without the fingerprint key (not set in workato-gitops.yaml, or not decrypted) ownership cannot be verified; not deleted"
		pl.byID[a.ID] = a
	}
	for _, a := range pl.actions {
		a.DependsOn = slices.DeleteFunc(a.DependsOn, func(id string) bool { return renamed[id] })
	}
}
