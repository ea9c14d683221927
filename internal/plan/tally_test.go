package plan

import "testing"

// TestTenantsToApply: tenants with changes count once, whatever their
// number of actions; a tenant with only report-only actions (unmanaged
// objects) has nothing to apply; failed and blocked tenants are counted
// apart and never as changes, whatever actions they carry.
func TestTenantsToApply(t *testing.T) {
	act := func(op Op) Action { return Action{Op: op, Kind: KindFolder} }
	p := &Plan{Tenants: []TenantPlan{
		{Name: "a", Status: StatusPlanned, Actions: []Action{act(OpCreate), act(OpCreate)}},
		{Name: "b", Status: StatusPlanned, Actions: []Action{act(OpDelete)}},
		{Name: "c", Status: StatusPlanned, Actions: []Action{act(OpUnmanaged)}},
		{Name: "d", Status: StatusPlanned},
		{Name: "e", Status: StatusBlocked, Actions: []Action{act(OpDelete)}},
		{Name: "f", Status: StatusFailed, Error: "read failed"},
		{Name: "g", Status: StatusFailed, Error: "read failed"},
	}}
	changes, failed, blocked := p.TenantsToApply()
	if changes != 2 || failed != 2 || blocked != 1 {
		t.Errorf("TenantsToApply() = %d, %d, %d; want 2 with changes, 2 failed, 1 blocked", changes, failed, blocked)
	}
}
