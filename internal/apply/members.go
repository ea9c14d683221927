package apply

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/export"
	livewalk "github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// invitationInterval is Workato's rule of one invitation per email and
// workspace every 20 minutes (docs/design.md, API assumptions: members).
const invitationInterval = 20 * time.Minute

// member performs a member action. Workato adds no member by email, so
// "adding" one is sending an invitation: the ledger records it as pending
// and later plans report it as such until the collaborator accepts and a
// plan adopts them (docs/design.md, "Members").
func (r *run) member(a plan.Action) error {
	ctx, cancel := r.call()
	defer cancel()
	email := a.Key.Name // the member key: the lower-case email
	switch a.Op {
	case plan.OpCreate:
		return r.invite(ctx, a)
	case plan.OpUpdate:
		// The member update endpoint is deprecated; a new role is a
		// removal and an invitation with the new role.
		if err := r.removeOwnedMember(ctx, a.LiveID); err != nil {
			return err
		}
		return r.invite(ctx, a)
	case plan.OpAdopt:
		r.mu.Lock()
		r.ledger.Members[a.LiveID] = plan.LedgerMember{Email: email}
		delete(r.ledger.Invitations, email)
		r.members[a.Key] = a.LiveID
		r.mu.Unlock()
		return nil
	case plan.OpDelete:
		return r.removeOwnedMember(ctx, a.LiveID)
	}
	return unsupported(a)
}

// invite sends the invitation of a's member and records it. A refusal
// under the 20-minute rule means an invitation is already out (sent by a
// run whose ledger write was lost, or by hand): it is recorded as pending
// from when the refusal implies it was sent, and never retried in the run.
func (r *run) invite(ctx context.Context, a plan.Action) error {
	m, err := desired[spec.Member](a)
	if err != nil {
		return err
	}
	sent := r.now()
	inv := workato.MemberInvitation{Name: m.Name, Email: m.Email, RoleName: m.Role}
	// An ambiguous send (did it arrive?) is sent again: if the first one
	// arrived, Workato's 20-minute rule refuses the second, which is
	// handled below as the invitation being out.
	send := func() error { return r.x.Client.InviteMember(ctx, r.ref(), inv) }
	if err := settleErr(ctx, send, nil); err != nil {
		var rl *workato.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > invitationInterval {
			return err
		}
		sent = sent.Add(rl.RetryAfter - invitationInterval)
	}
	r.mu.Lock()
	r.ledger.Invitations[a.Key.Name] = plan.LedgerInvitation{Email: a.Key.Name, Name: m.Name, Role: m.Role,
		Sent: sent.UTC().Truncate(time.Second).Format(time.RFC3339)}
	r.mu.Unlock()
	return nil
}

// removeOwnedMember removes a member and its ledger entry.
func (r *run) removeOwnedMember(ctx context.Context, id int64) error {
	if err := r.removeMember(ctx, id); err != nil {
		return err
	}
	r.mu.Lock()
	delete(r.ledger.Members, id)
	r.mu.Unlock()
	return nil
}

func (r *run) now() time.Time {
	if r.x.Now != nil {
		return r.x.Now()
	}
	return time.Now()
}

var _ = registerExecutor(plan.KindMember, executor{
	do:     (*run).member,
	record: func(r *run, k spec.Key, id int64) { r.members[k] = id },
	idOf:   func(r *run, k spec.Key) int64 { return r.members[k] },
	read:   (*Reader).members,
})

var _ = export.Register(plan.KindMember, export.Kind{Field: "members", Read: exportMembers})

// exportMembers writes each member with a valid email and a role, once
// per email (case aside), sorted by email.
func exportMembers(ctx context.Context, c *workato.Client, w *export.Workspace) (export.WriteObjects, error) {
	ms, err := c.ListMembers(ctx, w.Ref)
	if err != nil {
		return nil, err
	}
	return func(w *export.Workspace) ([]export.Object, error) {
		var out []spec.Member
		seen := map[string]bool{}
		for _, m := range livewalk.Members(ms) {
			key := strings.ToLower(m.Email)
			switch {
			case !export.ValidEmail(m.Email):
				w.Skip("member #%d: no valid email address", m.ID)
				continue
			case m.Role == "":
				w.Skip("member %s: no role", m.Email)
				continue
			case seen[key]:
				continue
			}
			seen[key] = true
			out = append(out, spec.Member{Email: m.Email, Name: cmp.Or(m.Name, m.Email), Role: m.Role})
		}
		slices.SortFunc(out, func(a, b spec.Member) int {
			return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
		})
		return export.Objects(out), nil
	}, nil
}
