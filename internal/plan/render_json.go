package plan

import (
	"encoding/json"
	"io"
)

// RenderJSON writes the plan as indented JSON in the format documented in
// docs/plan-json.md: the Plan's own fields (format_version first), a
// summary, and per-tenant counts. It only reads p. Sensitive changes lose
// any value a caller left in them.
func RenderJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Keys and messages are read by people too; "<" beats "\u003c".
	enc.SetEscapeHTML(false)
	return enc.Encode(newJSONPlan(p))
}

// jsonPlan embeds Plan so that a field the lead adds to it reaches the
// JSON without a change here; its Tenants is shadowed by the richer list.
type jsonPlan struct {
	Plan
	Summary jsonSummary  `json:"summary"`
	Tenants []jsonTenant `json:"tenants"`
}

type jsonSummary struct {
	Tenants int `json:"tenants"` // entries: one per workspace
	// DistinctTenants is how many tenants (manifests) the entries are,
	// only when some entry is an environment's (1.3).
	DistinctTenants int        `json:"distinct_tenants,omitempty"`
	Planned         int        `json:"planned"`
	Blocked         int        `json:"blocked"`
	Failed          int        `json:"failed"`
	NoChanges       int        `json:"no_changes"`
	ToApply         jsonCounts `json:"to_apply"`
}

type jsonTenant struct {
	TenantPlan
	Counts jsonCounts `json:"counts"`
}

// jsonCounts is a struct rather than a map so that every op is present
// and the keys come in display order, not alphabetical order.
type jsonCounts struct {
	Create     int `json:"create"`
	Update     int `json:"update"`
	Reconnect  int `json:"reconnect"`
	Disconnect int `json:"disconnect"`
	Delete     int `json:"delete"`
	Import     int `json:"import"`
	Start      int `json:"start"`
	Stop       int `json:"stop"`
	Protect    int `json:"protect"`
	Unprotect  int `json:"unprotect"`
	Adopt      int `json:"adopt"`
	Pending    int `json:"pending"`
	Unmanaged  int `json:"unmanaged"`
}

func newJSONCounts(c Counts) jsonCounts {
	return jsonCounts{
		Create: c[OpCreate], Update: c[OpUpdate], Reconnect: c[OpReconnect],
		Disconnect: c[OpDisconnect], Delete: c[OpDelete], Import: c[OpImport],
		Start: c[OpStart], Stop: c[OpStop], Protect: c[OpProtect], Unprotect: c[OpUnprotect], Adopt: c[OpAdopt], Pending: c[OpPending], Unmanaged: c[OpUnmanaged],
	}
}

// newJSONPlan copies what it changes (nil action lists, sensitive values)
// so that the caller's plan stays as it was.
func newJSONPlan(p *Plan) jsonPlan {
	t := tallyPlan(p)
	units := CountUnits(p.Tenants)
	jp := jsonPlan{
		Plan: *p,
		Summary: jsonSummary{
			Tenants: t.Tenants, Planned: t.Planned, Blocked: t.Blocked, Failed: t.Failed,
			NoChanges: t.NoChanges, ToApply: newJSONCounts(t.ToApply),
		},
		Tenants: make([]jsonTenant, len(p.Tenants)),
	}
	if units.Environments {
		jp.Summary.DistinctTenants = units.Tenants()
	}
	// The renderer writes the current format, whatever plan it was given.
	jp.FormatVersion = FormatVersion
	jp.Plan.Tenants = nil
	for i := range p.Tenants {
		tp := p.Tenants[i]
		tp.Actions = scrubActions(tp.Actions)
		jp.Tenants[i] = jsonTenant{TenantPlan: tp, Counts: newJSONCounts(tp.Counts())}
	}
	return jp
}

// scrubActions returns the actions with no value left in a sensitive
// change, and never nil, so that "actions" is always an array.
func scrubActions(in []Action) []Action {
	out := make([]Action, len(in))
	copy(out, in)
	for i := range out {
		if !hasSensitiveValue(out[i].Changes) {
			continue
		}
		ch := make([]Change, len(out[i].Changes))
		for j, c := range out[i].Changes {
			if c.Sensitive {
				c.Old, c.New = nil, nil
			}
			ch[j] = c
		}
		out[i].Changes = ch
	}
	return out
}

func hasSensitiveValue(ch []Change) bool {
	for _, c := range ch {
		if c.Sensitive && (c.Old != nil || c.New != nil) {
			return true
		}
	}
	return false
}
