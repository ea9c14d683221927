package apply

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/workato-gitops/workato-gitops/internal/plan"
)

// Stale compares the live state a saved plan was made from with the live
// state read now, for every object the plan touches (the customer, the
// ledger, and each object an action names by id), and says what changed,
// field by field. No finding means the plan still applies as it was made.
func Stale(tp plan.TenantPlan, then, now *plan.Live) []string {
	if then == nil || now == nil {
		return []string{tp.Label() + ": no live state to compare"}
	}
	var out []string
	say := func(format string, args ...any) { out = append(out, tp.Label()+": "+fmt.Sprintf(format, args...)) }
	switch {
	case (then.Customer == nil) != (now.Customer == nil):
		say("the workspace was created or deleted since the plan")
		return out
	case then.Customer != nil:
		for _, d := range fieldDiffs(then.Customer, now.Customer) {
			say("customer %q: %s", tp.ExternalID, d)
		}
	}
	if !mapsEqual(then.Ledger, now.Ledger) {
		say("the ledger changed since the plan (another apply ran?)")
	}
	seen := map[string]bool{}
	for _, a := range tp.Actions {
		if a.LiveID == 0 || a.Op == plan.OpUnmanaged {
			continue
		}
		key := string(a.Kind) + ":" + strconv.FormatInt(a.LiveID, 10)
		if seen[key] {
			continue
		}
		seen[key] = true
		before, after := liveObject(then, a.Kind, a.LiveID), liveObject(now, a.Kind, a.LiveID)
		switch {
		case before == nil:
		case after == nil:
			say("%s %q (#%d) no longer exists", a.Kind, a.Key, a.LiveID)
		default:
			for _, d := range fieldDiffs(before, after) {
				say("%s %q (#%d): %s", a.Kind, a.Key, a.LiveID, d)
			}
		}
	}
	return out
}

// liveObject is the live object an action names, from the kind's
// descriptor; nil when there is none.
func liveObject(l *plan.Live, kind plan.Kind, id int64) any {
	if obj, ok := plan.LiveObject(l, kind, id); ok {
		return obj
	}
	return nil
}

// fieldDiffs names each JSON field that differs between two objects of
// the same type, with both values.
func fieldDiffs(a, b any) []string {
	var ma, mb map[string]any
	da, _ := json.Marshal(a)
	db, _ := json.Marshal(b)
	_ = json.Unmarshal(da, &ma)
	_ = json.Unmarshal(db, &mb)
	keys := map[string]bool{}
	for k := range ma {
		keys[k] = true
	}
	for k := range mb {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		va, _ := json.Marshal(ma[k])
		vb, _ := json.Marshal(mb[k])
		if string(va) != string(vb) {
			out = append(out, fmt.Sprintf("%s changed from %s to %s", k, va, vb))
		}
	}
	return out
}

func mapsEqual(a, b map[string]string) bool {
	clean := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			if v != "" {
				out[k] = v
			}
		}
		return out
	}
	ca, cb := clean(a), clean(b)
	if len(ca) != len(cb) {
		return false
	}
	for k, v := range ca {
		if cb[k] != v {
			return false
		}
	}
	return true
}
