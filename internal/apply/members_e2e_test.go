package apply_test

import (
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

const memberYAML = "members:\n  - email: Dev@acme.example\n    name: Dev\n    role: Admin\n"

// onlyAction is the plan's action for the declared member, failing
// unless there is exactly one.
func onlyAction(t *testing.T, tp plan.TenantPlan) plan.Action {
	t.Helper()
	var ms []plan.Action
	for _, a := range tp.Actions {
		if a.Kind == plan.KindMember {
			ms = append(ms, a)
		}
	}
	if len(ms) != 1 {
		t.Fatalf("actions %v, want one for the member", actionIDs(tp))
	}
	return ms[0]
}

// TestInvitationPending: a member declared by email, whose invitee has no
// Workato account yet, is invited once; later plans report the invitation
// as pending (no change for --detailed-exitcode, no second invitation
// within Workato's 20 minutes), and once accepted the member is adopted.
func TestInvitationPending(t *testing.T) {
	srv, l := newLoop(t, emptyCustomer(nil))
	tenant := loadYAML(t, memberYAML)
	if a := onlyAction(t, l.apply(tenant)); a.Op != plan.OpCreate {
		t.Fatalf("first plan: %s, want create", a.ID)
	}
	inv := srv.Snapshot().Customers[0].Invitations
	if len(inv) != 1 || len(srv.Snapshot().Customers[0].Members) != 0 {
		t.Fatalf("after the first apply: invitations %+v, members %+v", inv, srv.Snapshot().Customers[0].Members)
	}
	for run := 2; run <= 3; run++ {
		tp := l.apply(tenant) // fails if the apply fails
		a := onlyAction(t, tp)
		if a.Op != plan.OpPending || !strings.HasPrefix(a.Reason, "invitation pending since 20") || tp.Changes() {
			t.Fatalf("run %d: %s (%s), changes %v; want a pending report", run, a.ID, a.Reason, tp.Changes())
		}
	}
	if got := srv.Snapshot().Customers[0].Invitations; len(got) != 1 || !got[0].SentAt.Equal(inv[0].SentAt) {
		t.Errorf("invitations after three runs: %+v, want the first one only", got)
	}
	if err := srv.AcceptInvitation(100, "dev@acme.example"); err != nil {
		t.Fatal(err)
	}
	if a := onlyAction(t, l.apply(tenant)); a.Op != plan.OpAdopt || a.Reason != "accepted the invitation" {
		t.Fatalf("after acceptance: %s (%s), want adopt", a.ID, a.Reason)
	}
	l.converged(tenant)
	props := srv.Snapshot().Customers[0].Properties
	led, err := plan.ParseLedgerClaims(props)
	if err != nil {
		t.Fatal(err)
	}
	if len(led.Invitations) != 0 || len(led.Members) != 1 {
		t.Errorf("ledger after adoption: invitations %v, members %v", led.Invitations, led.Members)
	}
}

// TestInvitationAlreadySent: an invitation sent minutes ago that the
// ledger does not know of (a run whose ledger write was lost) makes
// Workato refuse the next one; apply records it as pending from when it
// was sent instead of failing, and does not retry.
func TestInvitationAlreadySent(t *testing.T) {
	sent := time.Now().Add(-5 * time.Minute).UTC()
	seed := emptyCustomer(func(c *sandbox.Customer, _ *plan.Ledger) {
		c.Invitations = []sandbox.Invitation{{Name: "Dev", Email: "dev@acme.example", RoleName: "Admin", SentAt: sent}}
	})
	srv, l := newLoop(t, seed)
	tenant := loadYAML(t, memberYAML)
	if a := onlyAction(t, l.apply(tenant)); a.Op != plan.OpCreate {
		t.Fatalf("first plan: %s, want create", a.ID)
	}
	l.converged(tenant)
	led, err := plan.ParseLedgerClaims(srv.Snapshot().Customers[0].Properties)
	if err != nil {
		t.Fatal(err)
	}
	got, err := time.Parse(time.RFC3339, led.Invitations["dev@acme.example"].Sent)
	if err != nil {
		t.Fatalf("ledger invitation %+v: %v", led.Invitations, err)
	}
	if d := got.Sub(sent); d < -2*time.Second || d > 2*time.Second {
		t.Errorf("recorded as sent at %s, want about %s", got, sent)
	}
}

// TestMemberRoleChangeInvitesAgain: Workato has no member role update, so
// a new role removes the member and invites them with it; the invitation
// is then pending, and not sent again on the next run.
func TestMemberRoleChangeInvitesAgain(t *testing.T) {
	seed := emptyCustomer(func(c *sandbox.Customer, led *plan.Ledger) {
		c.Members = []sandbox.Member{{ID: 400, Name: "Dev", Email: "dev@acme.example", RoleName: "Analyst"}}
		led.Members[400] = plan.LedgerMember{Email: "dev@acme.example"}
	})
	srv, l := newLoop(t, seed)
	tenant := loadYAML(t, memberYAML)
	if a := onlyAction(t, l.apply(tenant)); a.Op != plan.OpUpdate {
		t.Fatalf("first plan: %s, want update", a.ID)
	}
	st := srv.Snapshot().Customers[0]
	if len(st.Members) != 0 || len(st.Invitations) != 1 || st.Invitations[0].RoleName != "Admin" {
		t.Fatalf("after the role change: members %+v, invitations %+v", st.Members, st.Invitations)
	}
	if a := onlyAction(t, l.apply(tenant)); a.Op != plan.OpPending {
		t.Fatalf("second plan: %s, want pending", a.ID)
	}
	l.converged(tenant)
}
