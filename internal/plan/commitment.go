package plan

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Differences compares a saved plan (what was reviewed) with a plan made
// afresh from the manifests and live state (what would run), and names
// every difference: a tenant or action only one of them has, and for each
// action both have, its op, kind, key, live id, changes and dependencies;
// for each tenant, its status, error and guards. No difference means the
// fresh plan is the one that was reviewed. The saved plan is never
// executed: it is a commitment the fresh plan must meet, so nothing in the
// file can add, widen or redirect an action.
func Differences(saved, fresh *Plan) []string {
	var out []string
	byName := map[string]*TenantPlan{}
	for i := range fresh.Tenants {
		byName[fresh.Tenants[i].Unit()] = &fresh.Tenants[i]
	}
	seen := map[string]bool{}
	for i := range saved.Tenants {
		s := &saved.Tenants[i]
		if seen[s.Unit()] {
			out = append(out, fmt.Sprintf("%s: the saved plan holds this tenant twice", s.Label()))
			continue
		}
		seen[s.Unit()] = true
		f, ok := byName[s.Unit()]
		if !ok {
			out = append(out, fmt.Sprintf("%s: in the saved plan, but planning again does not plan it", s.Label()))
			continue
		}
		out = append(out, tenantDifferences(s, f)...)
	}
	for i := range fresh.Tenants {
		if !seen[fresh.Tenants[i].Unit()] {
			out = append(out, fmt.Sprintf("%s: planning again plans it, the saved plan does not", fresh.Tenants[i].Label()))
		}
	}
	return out
}

func tenantDifferences(s, f *TenantPlan) []string {
	var out []string
	say := func(format string, args ...any) { out = append(out, s.Label()+": "+fmt.Sprintf(format, args...)) }
	if s.ExternalID != f.ExternalID || s.CustomerID != f.CustomerID {
		say("workspace was %s (#%d), now %s (#%d)", s.ExternalID, s.CustomerID, f.ExternalID, f.CustomerID)
	}
	if s.WorkspaceID != f.WorkspaceID {
		say("environment workspace was #%d, now #%d", s.WorkspaceID, f.WorkspaceID)
	}
	if s.Status != f.Status {
		say("status was %s, now %s", s.Status, f.Status)
	}
	if s.Error != f.Error {
		say("error was %q, now %q", s.Error, f.Error)
	}
	if a, b := jsonOf(orNil(s.Guards)), jsonOf(orNil(f.Guards)); a != b {
		say("guards were %s, now %s", a, b)
	}
	fresh := map[string]*Action{}
	for i := range f.Actions {
		fresh[f.Actions[i].ID] = &f.Actions[i]
	}
	seen := map[string]bool{}
	for i := range s.Actions {
		a := &s.Actions[i]
		switch b, ok := fresh[a.ID]; {
		case seen[a.ID]:
			say("the saved plan holds action %q twice", a.ID)
		case !ok:
			say("the saved plan has %s, planning again does not", describe(a))
		default:
			out = append(out, actionDifferences(s.Label(), a, b)...)
		}
		seen[a.ID] = true
	}
	for i := range f.Actions {
		if !seen[f.Actions[i].ID] {
			say("planning again gives %s, the saved plan does not", describe(&f.Actions[i]))
		}
	}
	if len(out) == 0 && !slices.EqualFunc(s.Actions, f.Actions, func(a, b Action) bool { return a.ID == b.ID }) {
		say("the actions are in another order")
	}
	return out
}

func actionDifferences(tenant string, s, f *Action) []string {
	var out []string
	field := func(name string, was, now any) {
		if a, b := jsonOf(was), jsonOf(now); a != b {
			out = append(out, fmt.Sprintf("%s: action %q: %s was %s, now %s", tenant, f.ID, name, a, b))
		}
	}
	field("op", s.Op, f.Op)
	field("kind", s.Kind, f.Kind)
	field("key", s.Key, f.Key)
	field("live_id", s.LiveID, f.LiveID)
	field("changes", orNil(s.Changes), orNil(f.Changes))
	field("depends_on", orNil(s.DependsOn), orNil(f.DependsOn))
	return out
}

func describe(a *Action) string {
	if a.LiveID != 0 {
		return fmt.Sprintf("%s %s %q (#%d)", a.Op, a.Kind, a.Key, a.LiveID)
	}
	return fmt.Sprintf("%s %s %q", a.Op, a.Kind, a.Key)
}

// orNil treats an empty list as none: a saved file leaves empty lists out.
func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// jsonOf is a value's JSON, for comparing and showing plain-data fields
// (Change values are strings, booleans, numbers or null after a round
// trip through a saved file, so JSON is the common ground).
func jsonOf(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(data)
}
