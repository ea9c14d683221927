package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// InvitationInterval is how often Workato accepts an invitation for one
// email and workspace.
const InvitationInterval = 20 * time.Minute

// Members list envelopes (Options.MembersEnvelope). The real one is
// undocumented: tap-workato reads a bare array, the Developer API's
// members list answers {"data": [...]}.
const (
	EnvelopeBare   = ""
	EnvelopeResult = "result"
	EnvelopeData   = "data"
)

// apiMember is a collaborator as the members endpoints return it.
type apiMember struct {
	ID         int64   `json:"id"`
	GrantType  string  `json:"grant_type"`
	Name       string  `json:"name"`
	Email      *string `json:"email"`
	ExternalID *string `json:"external_id"`
	RoleName   string  `json:"role_name"`
	TimeZone   string  `json:"time_zone"`
}

func memberAPI(m *Member) apiMember {
	return apiMember{ID: m.ID, GrantType: m.GrantType, Name: m.Name, Email: stringOrNull(m.Email),
		ExternalID: stringOrNull(m.ExternalID), RoleName: m.RoleName, TimeZone: m.TimeZone}
}

// listMembers lists the workspace's collaborators, never its pending
// invitations: no public source shows an invitation in a list. The
// envelope is Options.MembersEnvelope.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	out := []apiMember{}
	for _, m := range c.members {
		out = append(out, memberAPI(m))
	}
	switch s.opts.MembersEnvelope {
	case EnvelopeResult, EnvelopeData:
		writeJSON(w, http.StatusOK, map[string]any{s.opts.MembersEnvelope: out})
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) memberFor(w http.ResponseWriter, r *http.Request, c *customer) int {
	id, err := strconv.ParseInt(r.PathValue("member_id"), 10, 64)
	i := slices.IndexFunc(c.members, func(m *Member) bool { return m.ID == id })
	if err != nil || i < 0 {
		notFound(w)
		return -1
	}
	return i
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.customerFor(w, r); c != nil {
		if i := s.memberFor(w, r, c); i >= 0 {
			writeJSON(w, http.StatusOK, memberAPI(c.members[i]))
		}
	}
}

// memberBody is the documented add-member body (api-docs.workato.com):
// name, oauth_id, role_name, external_id, time_zone, env_roles. Email is
// not in it, and the sandbox ignores one if sent, as a Rails controller
// ignores an unpermitted parameter.
type memberBody struct {
	Name       string          `json:"name"`
	OAuthID    string          `json:"oauth_id"`
	RoleName   string          `json:"role_name"`
	ExternalID string          `json:"external_id"`
	TimeZone   string          `json:"time_zone"`
	EnvRoles   json.RawMessage `json:"env_roles"`
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) {
	var b memberBody
	if decodeBody(r, &b) != nil {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	errs := fieldErrors{}
	if b.Name == "" {
		errs.add("name", "can't be blank")
	}
	if b.RoleName == "" && len(b.EnvRoles) == 0 {
		errs.add("role_name", "can't be blank")
	}
	if len(errs) > 0 {
		errs.write(w)
		return
	}
	m := Member{ID: s.w.alloc(), GrantType: "team", Name: b.Name, ExternalID: b.ExternalID,
		RoleName: b.RoleName, TimeZone: b.TimeZone}
	if m.TimeZone == "" {
		m.TimeZone = "Pacific Time (US & Canada)"
	}
	c.members = append(c.members, &m)
	s.version++
	writeJSON(w, http.StatusOK, memberAPI(&m))
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	if i := s.memberFor(w, r, c); i >= 0 {
		c.members = slices.Delete(c.members, i, i+1)
		s.version++
		writeJSON(w, http.StatusOK, json.RawMessage(`{"success":true}`))
	}
}

type invitationBody struct {
	Name     string          `json:"name"`
	Email    string          `json:"email"`
	RoleName string          `json:"role_name"`
	EnvRoles json.RawMessage `json:"env_roles"`
}

// inviteMember records a pending invitation and answers {"result": "ok"}.
// A second invitation for the same email within InvitationInterval is
// refused with 429 and the seconds left in Retry-After; that status and
// body are invented (the docs state the rule, not the refusal).
func (s *Server) inviteMember(w http.ResponseWriter, r *http.Request) {
	var b invitationBody
	if decodeBody(r, &b) != nil {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	errs := fieldErrors{}
	if b.Name == "" {
		errs.add("name", "can't be blank")
	}
	if !strings.Contains(b.Email, "@") {
		errs.add("email", "is invalid")
	}
	if b.RoleName == "" && len(b.EnvRoles) == 0 {
		errs.add("role_name", "can't be blank")
	}
	if len(errs) > 0 {
		errs.write(w)
		return
	}
	now := s.now()
	inv := c.info.Invitations
	i := slices.IndexFunc(inv, func(x Invitation) bool { return strings.EqualFold(x.Email, b.Email) })
	if i >= 0 {
		if left := inv[i].SentAt.Add(InvitationInterval).Sub(now); left > 0 {
			writeTooManyRequests(w, left)
			return
		}
		inv = slices.Delete(inv, i, i+1)
	}
	c.info.Invitations = append(inv, Invitation{Name: b.Name, Email: b.Email, RoleName: b.RoleName, SentAt: now})
	if s.opts.InviteesExist {
		c.accept(s.w, len(c.info.Invitations)-1)
	}
	s.version++
	writeJSON(w, http.StatusOK, map[string]any{"result": "ok"})
}

// accept turns invitation i into a member. A member with that email
// already (invited again after a removal race) keeps its entry.
func (c *customer) accept(w *world, i int) {
	inv := c.info.Invitations[i]
	c.info.Invitations = slices.Delete(c.info.Invitations, i, i+1)
	if slices.ContainsFunc(c.members, func(m *Member) bool { return strings.EqualFold(m.Email, inv.Email) }) {
		return
	}
	c.members = append(c.members, &Member{ID: w.alloc(), GrantType: "team", Name: inv.Name, Email: inv.Email,
		RoleName: inv.RoleName, TimeZone: "Pacific Time (US & Canada)"})
}

// AcceptInvitation plays the invited collaborator accepting: the pending
// invitation for email becomes a member, listed with that email.
func (s *Server) AcceptInvitation(customerID int64, email string) error {
	s.mu.Lock()
	c := s.w.customerByRef(strconv.FormatInt(customerID, 10))
	if c == nil {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: no customer %d", customerID)
	}
	inv := c.info.Invitations
	i := slices.IndexFunc(inv, func(x Invitation) bool { return strings.EqualFold(x.Email, email) })
	if i < 0 {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: customer %d: no invitation for %q", customerID, email)
	}
	c.accept(s.w, i)
	s.version++
	s.markDirty(c) // not a request: noteChange does not see it
	s.mu.Unlock()
	return s.persist()
}
