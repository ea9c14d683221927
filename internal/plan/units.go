package plan

// UnitCount counts plan entries as what they are: tenants (manifests) and,
// when any entry is an environment's, the workspaces they apply to. A
// tenant with customer.environments is one tenant and one workspace per
// environment; a tenant without them is one of each.
type UnitCount struct {
	names        map[string]bool
	Workspaces   int  // entries counted
	Environments bool // some entry is an environment's
}

// Add counts one entry.
func (c *UnitCount) Add(name, env string) {
	if c.names == nil {
		c.names = map[string]bool{}
	}
	c.names[name] = true
	c.Workspaces++
	c.Environments = c.Environments || env != ""
}

// Tenants is how many tenants the counted entries belong to.
func (c *UnitCount) Tenants() int { return len(c.names) }

// String is "3 tenants", or with environments "3 tenants (5 workspaces)".
func (c *UnitCount) String() string {
	s := plural(c.Tenants(), "tenant", "tenants")
	if c.Environments {
		s += " (" + plural(c.Workspaces, "workspace", "workspaces") + ")"
	}
	return s
}

// CountUnits counts the entries of tenants.
func CountUnits(tenants []TenantPlan) UnitCount {
	var c UnitCount
	for i := range tenants {
		c.Add(tenants[i].Name, tenants[i].Environment)
	}
	return c
}

// ToApply counts the entries apply would change (planned, with changes),
// for the confirmation question.
func (p *Plan) ToApply() UnitCount {
	var c UnitCount
	for i := range p.Tenants {
		if t := &p.Tenants[i]; t.Status == StatusPlanned && t.Changes() {
			c.Add(t.Name, t.Environment)
		}
	}
	return c
}
