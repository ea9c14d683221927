package workato

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/redact"
)

// Connection is a connection in a customer workspace (reference §7).
type Connection struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
	// Description, AuthorizationError and the like are pointers because
	// the API distinguishes null from empty.
	Description          *string    `json:"description"`
	AuthorizedAt         *time.Time `json:"authorized_at"`
	AuthorizationStatus  *string    `json:"authorization_status"` // success, failed, exception or null
	AuthorizationError   *string    `json:"authorization_error"`
	CreatedAt            time.Time  `json:"created_at"`
	UpdatedAt            time.Time  `json:"updated_at"`
	ExternalID           *string    `json:"external_id"`
	FolderID             int64      `json:"folder_id"`
	ParentID             *int64     `json:"parent_id"`
	Identity             *string    `json:"identity"`
	ConnectionLostAt     *time.Time `json:"connection_lost_at"`
	ConnectionLostReason *string    `json:"connection_lost_reason"`
	// Tags is only filled when listed with IncludeTags.
	Tags []string `json:"tags"`
}

// UnmarshalJSON accepts the old "application" key (seen in the 2019 OEM
// page and the Developer API) when "provider" is absent.
func (cn *Connection) UnmarshalJSON(data []byte) error {
	type plain Connection
	var aux struct {
		plain
		Application string `json:"application"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*cn = Connection(aux.plain)
	if cn.Provider == "" {
		cn.Provider = aux.Application
	}
	return nil
}

// ListConnectionsOptions filters ListConnections; zero fields are not sent.
type ListConnectionsOptions struct {
	Provider   string
	FolderID   *int64
	ParentID   *int64
	ExternalID string
	// IncludeRuntimeConnections also returns runtime-user child connections.
	IncludeRuntimeConnections bool
	// IncludeTags asks for each connection's tag handles (includes[]=tags).
	IncludeTags bool
}

// ConnectionCreate is the body of CreateConnection. Input holds
// credentials: the client never logs it and scrubs its string values
// from error text.
type ConnectionCreate struct {
	Name       string `json:"name"`
	Provider   string `json:"provider"`
	ParentID   *int64 `json:"parent_id,omitempty"`
	FolderID   *int64 `json:"folder_id,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	// ShellConnection creates the connection disconnected, without testing Input.
	ShellConnection bool           `json:"shell_connection,omitempty"`
	Input           map[string]any `json:"input,omitempty"`
}

// ConnectionUpdate is the body of UpdateConnection: only non-nil fields are
// sent. Sending Input probably re-tests the connection (UNCONFIRMED [design.md: connection update re-tests]).
type ConnectionUpdate struct {
	Name       *string        `json:"name,omitempty"`
	ParentID   *int64         `json:"parent_id,omitempty"`
	FolderID   *int64         `json:"folder_id,omitempty"`
	ExternalID *string        `json:"external_id,omitempty"`
	Input      map[string]any `json:"input,omitempty"`
}

// ListConnections lists the connections of a customer workspace. No
// paging is documented: one call returns them all (a server-side cap is
// UNCONFIRMED [design.md: connections list paging]).
//
// GET /managed_users/:id/connections — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) ListConnections(ctx context.Context, cust CustomerRef, opt ListConnectionsOptions) ([]Connection, error) {
	p, err := customerPath(cust, "connections")
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if opt.Provider != "" {
		q.Set("provider", opt.Provider)
	}
	if opt.FolderID != nil {
		q.Set("folder_id", itoa(*opt.FolderID))
	}
	if opt.ParentID != nil {
		q.Set("parent_id", itoa(*opt.ParentID))
	}
	if opt.ExternalID != "" {
		q.Set("external_id", opt.ExternalID)
	}
	if opt.IncludeRuntimeConnections {
		q.Set("include_runtime_connections", "true")
	}
	if opt.IncludeTags {
		q.Add("includes[]", "tags")
	}
	var out []Connection
	if err := c.do(ctx, &request{method: http.MethodGet, path: p, query: q}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateConnection creates a shell connection, or an authenticated one
// when Input is given and ShellConnection is false. POST is never retried
// after a transport or server error, since it may have been applied.
//
// POST /managed_users/:id/connections — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) CreateConnection(ctx context.Context, cust CustomerRef, in ConnectionCreate) (*Connection, error) {
	p, err := customerPath(cust, "connections")
	if err != nil {
		return nil, err
	}
	return c.sendConnection(ctx, http.MethodPost, p, in, in.Input)
}

// UpdateConnection changes the fields set in upd.
//
// PUT /managed_users/:id/connections/:connection_id — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) UpdateConnection(ctx context.Context, cust CustomerRef, id int64, upd ConnectionUpdate) (*Connection, error) {
	p, err := customerPath(cust, "connections", itoa(id))
	if err != nil {
		return nil, err
	}
	return c.sendConnection(ctx, http.MethodPut, p, upd, upd.Input)
}

func (c *Client) sendConnection(ctx context.Context, method, path string, body any, input map[string]any) (*Connection, error) {
	r, err := jsonRequest(method, path, body)
	if err != nil {
		return nil, err
	}
	r.secrets = redact.Values(input) // an error body may echo any of them
	var out Connection
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DisconnectConnection disconnects a connection; it is a no-op when the
// connection is already disconnected. force disconnects it even while
// active recipes use it.
//
// POST /managed_users/:id/connections/:connection_id/disconnect — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) DisconnectConnection(ctx context.Context, cust CustomerRef, id int64, force bool) error {
	p, err := customerPath(cust, "connections", itoa(id), "disconnect")
	if err != nil {
		return err
	}
	r := &request{method: http.MethodPost, path: p}
	if force {
		r.query = url.Values{"force": {"true"}}
	}
	return c.do(ctx, r, nil)
}

// DeleteConnection deletes a connection. Workato refuses while active
// recipes use it, with a success:false body: errors.Is(err, ErrRefused).
//
// DELETE /managed_users/:id/connections/:connection_id — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) DeleteConnection(ctx context.Context, cust CustomerRef, id int64) error {
	p, err := customerPath(cust, "connections", itoa(id))
	if err != nil {
		return err
	}
	return c.do(ctx, &request{method: http.MethodDelete, path: p}, nil)
}
