package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// tally is the plan's arithmetic, shared by every renderer so that they
// never disagree. Apply does nothing for blocked or failed tenants, so
// ToApply counts the actions of planned tenants only. It counts entries:
// a tenant with customer.environments once per environment (totalLine
// says so, with CountUnits).
type tally struct {
	Tenants, Planned, Blocked, Failed, NoChanges int
	ToApply                                      Counts
	// AwaitedEnvironments counts the pending reports of environments not
	// provisioned yet (a new customer's TEST and PROD), among
	// ToApply[OpPending]; the others are invitations.
	AwaitedEnvironments int
}

func tallyPlan(p *Plan) tally {
	t := tally{Tenants: len(p.Tenants), ToApply: Counts{}}
	for i := range p.Tenants {
		tp := &p.Tenants[i]
		switch tp.Status {
		case StatusBlocked:
			t.Blocked++
			continue
		case StatusFailed:
			t.Failed++
			continue
		}
		t.Planned++
		if !tp.Changes() {
			t.NoChanges++
		}
		for op, n := range tp.Counts() {
			t.ToApply[op] += n
		}
		for _, a := range tp.Actions {
			if a.Op == OpPending && a.Kind == KindCustomer {
				t.AwaitedEnvironments++
			}
		}
	}
	return t
}

// TenantsToApply says how many tenants apply would change, and how many it
// would leave alone because they could not be planned or a guard blocked
// them: the CLI's confirmation and hints count from the renderers' tally,
// so that they never disagree with the plan shown.
func (p *Plan) TenantsToApply() (changes, failed, blocked int) {
	t := tallyPlan(p)
	return t.Planned - t.NoChanges, t.Failed, t.Blocked
}

// totalLine is the closing sentence of the text plan and the headline of
// the Markdown one.
// TotalLine is the plan's last line in text ("Plan: 2 to create, ...").
func TotalLine(p *Plan) string { return totalLine(p) }

func totalLine(p *Plan) string {
	t := tallyPlan(p)
	units := CountUnits(p.Tenants)
	switch {
	case t.Tenants == 0:
		return "No changes. No tenants to plan."
	case t.NoChanges == t.Tenants:
		s := fmt.Sprintf("No changes. %s tenants match their manifests.", commas(t.Tenants))
		switch {
		case units.Environments && units.Tenants() == 1:
			s = fmt.Sprintf("No changes. %s matches its manifest.", units.String())
		case units.Environments:
			s = fmt.Sprintf("No changes. %s match their manifests.", units.String())
		case t.Tenants == 1:
			s = "No changes. 1 tenant matches its manifest."
		}
		if n := t.ToApply[OpPending] - t.AwaitedEnvironments; n > 0 {
			s += fmt.Sprintf(" %s pending.", plural(n, "invitation is", "invitations are"))
		}
		if n := t.AwaitedEnvironments; n > 0 {
			s += fmt.Sprintf(" %s pending.", plural(n, "environment is", "environments are"))
		}
		if n := t.ToApply[OpUnmanaged]; n > 0 {
			s += fmt.Sprintf(" %s not managed.", plural(n, "object is", "objects are"))
		}
		return s
	}
	var bad []string
	if t.Blocked > 0 {
		bad = append(bad, commas(t.Blocked)+" blocked")
	}
	if t.Failed > 0 {
		bad = append(bad, commas(t.Failed)+" failed")
	}
	if units.Environments {
		// Blocked and failed are entries: say they are workspaces.
		across := plural(units.Tenants(), "tenant", "tenants") + " (" + plural(units.Workspaces, "workspace", "workspaces")
		if len(bad) > 0 {
			across += ": " + strings.Join(bad, ", ")
		}
		return fmt.Sprintf("Plan: %s across %s).", countsPhrase(t.ToApply), across)
	}
	s := fmt.Sprintf("Plan: %s across %s", countsPhrase(t.ToApply), plural(t.Tenants, "tenant", "tenants"))
	if len(bad) > 0 {
		s += " (" + strings.Join(bad, ", ") + ")"
	}
	return s + "."
}

// countsPhrase always names create, update and delete (Terraform's add,
// change, destroy) and the other ops only when they occur.
func countsPhrase(c Counts) string {
	var parts []string
	for _, op := range Ops {
		n := c[op]
		switch {
		case op.ReportOnly() && n > 0:
			parts = append(parts, commas(n)+" "+string(op))
		case op == OpCreate || op == OpUpdate || op == OpDelete || (n > 0 && !op.ReportOnly()):
			parts = append(parts, fmt.Sprintf("%s to %s", commas(n), op))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return commas(n) + " " + many
}

// commas writes 1734 as 1,734.
func commas(n int) string {
	if n < 0 {
		return "-" + commas(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
