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

// MemberAdd is the body of AddMember. The current body is UNCONFIRMED;
// these are the fields of the member object plus the old add-member body,
// all omitted when empty.
type MemberAdd struct {
	Name       string `json:"name,omitempty"`
	Email      string `json:"email"`
	RoleName   string `json:"role_name,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	TimeZone   string `json:"time_zone,omitempty"`
}

// ListMembers lists a customer workspace's collaborators. Paging and the
// envelope are UNCONFIRMED: it makes one call and accepts a bare array or
// a {"result": [...]} wrapper.
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

// AddMember adds a collaborator to a customer workspace.
//
// POST /managed_users/:id/members — https://docs.workato.com/oem/oem-api/managed-users.html
func (c *Client) AddMember(ctx context.Context, cust CustomerRef, in MemberAdd) (*Member, error) {
	p, err := customerPath(cust, "members")
	if err != nil {
		return nil, err
	}
	return sendJSON[Member](ctx, c, http.MethodPost, p, in)
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
