package sandbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// clock is a settable sandbox clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestContractMembers(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	admin := workato.Member{ID: adminID, GrantType: "team", Name: "ACME Admin", Email: "admin@acme.example", RoleName: "Admin"}

	added, err := h.c.AddMember(h.ctx, acme, workato.MemberAdd{Name: "Dev", RoleName: "Analyst", ExternalID: "u-7"})
	if err != nil {
		t.Fatal(err)
	}
	want := []workato.Member{admin, {ID: added.ID, GrantType: "team", Name: "Dev", ExternalID: "u-7",
		RoleName: "Analyst", TimeZone: "Pacific Time (US & Canada)"}}
	if diff := cmp.Diff(&want[1], added); diff != "" {
		t.Errorf("AddMember (-want +got):\n%s", diff)
	}
	got, err := h.c.ListMembers(h.ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListMembers (-want +got):\n%s", diff)
	}
	if err := h.c.RemoveMember(h.ctx, acme, added.ID); err != nil {
		t.Fatal(err)
	}
	if got, err = h.c.ListMembers(h.ctx, acme); err != nil || len(got) != 1 {
		t.Errorf("ListMembers after remove = %v, %v; want the admin only", got, err)
	}
	wantAPIError(t, h.c.RemoveMember(h.ctx, acme, added.ID), workato.ErrNotFound, http.StatusNotFound)
}

// The documented add-member body has no email; a member posted with one is
// created without it, so a tool that matches members by email must invite
// them instead.
func TestMembersPostIgnoresEmail(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	resp := h.raw(t, http.MethodPost, "/managed_users/10/members",
		`{"name":"Dev","email":"dev@acme.example","role_name":"Analyst"}`)
	if resp.status != http.StatusOK {
		t.Fatalf("POST members = %d %s", resp.status, resp.body)
	}
	got, err := h.c.ListMembers(h.ctx, workato.ByID(acmeID))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range got {
		if m.Name == "Dev" && m.Email != "" {
			t.Errorf("member posted with an email lists email %q; the API documents no email on this body", m.Email)
		}
	}
}

func TestInvitations(t *testing.T) {
	clk := &clock{now: t0}
	h := newHarness(t, sandbox.Options{Now: clk.Now})
	acme := workato.ByID(acmeID)
	inv := workato.MemberInvitation{Name: "Jo", Email: "jo@acme.example", RoleName: "Analyst"}
	if err := h.c.InviteMember(h.ctx, acme, inv); err != nil {
		t.Fatalf("InviteMember: %v", err)
	}
	// Pending invitations are not members.
	if got, _ := h.c.ListMembers(h.ctx, acme); len(got) != 1 {
		t.Errorf("ListMembers with a pending invitation = %v, want the admin only", got)
	}
	clk.add(5 * time.Minute)
	err := h.c.InviteMember(h.ctx, acme, workato.MemberInvitation{Name: "Jo", Email: "JO@acme.example", RoleName: "Analyst"})
	var rl *workato.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("second invitation within 20 minutes: err = %v, want a *RateLimitError", err)
	}
	if rl.RetryAfter != 15*time.Minute {
		t.Errorf("RetryAfter = %v, want 15m0s (the rest of the 20 minutes)", rl.RetryAfter)
	}
	// The refusal concerns one email: it must not hold back the class.
	if st := h.c.Stats()[workato.ClassMembers]; st.RateLimited != 0 {
		t.Errorf("members class penalized %d times by a per-email refusal", st.RateLimited)
	}
	if err := h.c.InviteMember(h.ctx, acme, workato.MemberInvitation{Name: "Al", Email: "al@acme.example", RoleName: "Analyst"}); err != nil {
		t.Errorf("another email in the same minute: %v", err)
	}
	clk.add(15 * time.Minute)
	if err := h.c.InviteMember(h.ctx, acme, inv); err != nil {
		t.Errorf("invitation again after 20 minutes: %v", err)
	}
	if err := h.srv.AcceptInvitation(acmeID, "jo@acme.example"); err != nil {
		t.Fatal(err)
	}
	got, err := h.c.ListMembers(h.ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Email != "jo@acme.example" || got[1].RoleName != "Analyst" {
		t.Errorf("after accepting, ListMembers = %+v; want the admin and jo@acme.example", got)
	}
	if pending := h.srv.Snapshot().Customers[0].Invitations; len(pending) != 1 || pending[0].Email != "al@acme.example" {
		t.Errorf("pending invitations = %+v, want al@acme.example only", pending)
	}
}

func TestInvitationValidation(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	err := h.c.InviteMember(h.ctx, workato.ByID(acmeID), workato.MemberInvitation{Name: "Jo", Email: "not-an-address"})
	e := wantAPIError(t, err, workato.ErrValidation, http.StatusBadRequest)
	if e != nil && (len(e.FieldErrors["email"]) == 0 || len(e.FieldErrors["role_name"]) == 0) {
		t.Errorf("field errors = %v, want email and role_name", e.FieldErrors)
	}
}

// Every members envelope seen in public evidence decodes; the sandbox
// answers in each of them.
func TestMembersEnvelopes(t *testing.T) {
	for _, env := range []string{sandbox.EnvelopeBare, sandbox.EnvelopeResult, sandbox.EnvelopeData} {
		t.Run("envelope="+env, func(t *testing.T) {
			h := newHarness(t, sandbox.Options{MembersEnvelope: env})
			resp := h.raw(t, http.MethodGet, "/managed_users/10/members", "")
			if env != "" && !strings.HasPrefix(resp.body, `{"`+env+`":`) {
				t.Errorf("members list body = %s, want the %q envelope", resp.body, env)
			}
			got, err := h.c.ListMembers(h.ctx, workato.ByID(acmeID))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Email != "admin@acme.example" {
				t.Errorf("ListMembers = %+v, want the admin", got)
			}
		})
	}
}

type rawResp struct {
	status int
	header http.Header
	body   string
}

// raw sends one request past the client, for what the client cannot send
// or would not show.
func (h *harness) raw(t *testing.T, method, path, body string) rawResp {
	t.Helper()
	req, err := http.NewRequestWithContext(h.ctx, method, h.ts.URL+"/api"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+sandboxToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return rawResp{status: resp.StatusCode, header: resp.Header, body: strings.TrimSpace(string(b))}
}

// Pending invitations and accepted ones survive a restart of a sandbox
// with a state file.
func TestInvitationsPersist(t *testing.T) {
	state := t.TempDir() + "/state.json"
	start := func() (*sandbox.Server, *workato.Client) {
		srv, err := sandbox.New(sandbox.Options{StatePath: state, Now: func() time.Time { return t0 }})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		c, err := workato.New(workato.Config{BaseURL: ts.URL + "/api", Limits: noLimits(), Retry: workato.RetryPolicy{MaxAttempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return srv, c
	}
	srv, c := start()
	if err := srv.LoadSeed(jsonReader(t, contractSeed())); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, email := range []string{"jo@acme.example", "al@acme.example"} {
		if err := c.InviteMember(ctx, workato.ByID(acmeID), workato.MemberInvitation{Name: "X", Email: email, RoleName: "Analyst"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.AcceptInvitation(acmeID, "jo@acme.example"); err != nil {
		t.Fatal(err)
	}
	srv2, c2 := start()
	members, err := c2.ListMembers(ctx, workato.ByID(acmeID))
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 2 || members[1].Email != "jo@acme.example" {
		t.Errorf("members after restart = %+v, want the admin and jo@acme.example", members)
	}
	if inv := srv2.Snapshot().Customers[0].Invitations; len(inv) != 1 || inv[0].Email != "al@acme.example" {
		t.Errorf("pending invitations after restart = %+v, want al@acme.example", inv)
	}
}
