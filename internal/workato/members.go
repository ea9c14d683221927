package workato

import (
	"context"
	"net/http"
)

// Member is a collaborator in a customer workspace (reference §5).
type Member struct {
	ID int64 `json:"id"`
	// GrantType tells a team member from a customer manager.
	GrantType  string `json:"grant_type,omitempty"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	ExternalID string `json:"external_id,omitempty"`
	RoleName   string `json:"role_name,omitempty"`
	TimeZone   string `json:"time_zone,omitempty"`
}

// MemberAdd is the body of AddMember as api-docs.workato.com documents it:
// name (required), oauth_id, role_name, external_id, time_zone, env_roles.
// There is no email: a collaborator known only by email is invited with
// InviteMember instead (docs/design.md, API assumptions: members).
type MemberAdd struct {
	Name       string `json:"name"`
	OAuthID    string `json:"oauth_id,omitempty"`
	RoleName   string `json:"role_name,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	TimeZone   string `json:"time_zone,omitempty"`
}

// MemberInvitation is the body of InviteMember.
type MemberInvitation struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	RoleName string `json:"role_name"`
}

// ListMembers lists a customer workspace's collaborators. The envelope is
// undocumented (UNCONFIRMED, docs/design.md row "members list envelope"): a
// bare array, {"result": [...]}, {"items": [...]} and the Developer API's
// {"data": [...]} all decode. Pending invitations are not listed.
//
// GET /managed_users/:id/members — https://docs.workato.com/oem/oem-api/managed-users.html
func (c *Client) ListMembers(ctx context.Context, cust CustomerRef) ([]Member, error) {
	p, err := customerPath(cust, "members")
	if err != nil {
		return nil, err
	}
	var out []Member
	if err := c.do(ctx, &request{method: http.MethodGet, path: p}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AddMember adds a collaborator to a customer workspace directly, by name
// (and oauth_id or external_id); Workato takes no email here.
//
// POST /managed_users/:id/members — https://api-docs.workato.com/oem-api/resources/customer-workspace-collaborators
func (c *Client) AddMember(ctx context.Context, cust CustomerRef, in MemberAdd) (*Member, error) {
	p, err := customerPath(cust, "members")
	if err != nil {
		return nil, err
	}
	return sendJSON[Member](ctx, c, http.MethodPost, p, in)
}

// InviteMember sends an email invitation; the collaborator joins (and shows
// in ListMembers) once they accept it. Workato takes one invitation per
// email and workspace every 20 minutes. A refusal comes back as a
// *RateLimitError at once, without retries and without holding back other
// member calls; the status and body of that refusal are UNCONFIRMED
// (docs/design.md row "invitation 20-minute rule"). Success is
// {"result": "ok"}.
//
// POST /managed_users/:id/member_invitations — https://docs.workato.com/oem/oem-api/team.html
func (c *Client) InviteMember(ctx context.Context, cust CustomerRef, in MemberInvitation) error {
	p, err := customerPath(cust, "member_invitations")
	if err != nil {
		return err
	}
	r, err := jsonRequest(http.MethodPost, p, in)
	if err != nil {
		return err
	}
	r.ownRefusal = true
	return c.do(ctx, r, nil)
}

// RemoveMember removes a collaborator. DELETE is retried after transport
// errors, so a 404 may mean an earlier attempt succeeded.
//
// DELETE /managed_users/:id/members/:member_id — https://docs.workato.com/oem/oem-api/managed-users.html
func (c *Client) RemoveMember(ctx context.Context, cust CustomerRef, memberID int64) error {
	p, err := customerPath(cust, "members", itoa(memberID))
	if err != nil {
		return err
	}
	return c.do(ctx, &request{method: http.MethodDelete, path: p}, nil)
}
