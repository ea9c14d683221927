package workato

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// perPage is the largest page every paged endpoint accepts (reference §4).
const perPage = 100

// Customer is a customer workspace (a Workato "managed user"). Fields as
// modelled by tap-workato against the current API (reference §5).
type Customer struct {
	ID                int64  `json:"id"`
	ExternalID        string `json:"external_id,omitempty"`
	Name              string `json:"name"`
	NotificationEmail string `json:"notification_email,omitempty"`
	// The next three are kept raw: whether they are strings or lists is
	// UNCONFIRMED [design.md: customer object fields], and a guess must not break decoding of every customer.
	ErrorNotificationEmails json.RawMessage `json:"error_notification_emails,omitempty"`
	AdminNotificationEmails json.RawMessage `json:"admin_notification_emails,omitempty"`
	FrameAncestors          json.RawMessage `json:"frame_ancestors,omitempty"`
	WhitelistedApps         []string        `json:"whitelisted_apps,omitempty"`
	PlanID                  string          `json:"plan_id,omitempty"`
	OriginURL               *string         `json:"origin_url,omitempty"`
	Trial                   bool            `json:"trial,omitempty"`
	InTrial                 bool            `json:"in_trial,omitempty"`
	CreatedAt               time.Time       `json:"created_at"`
	UpdatedAt               time.Time       `json:"updated_at"`
	// Billing period bounds stay strings: date or timestamp is UNCONFIRMED [design.md: customer object fields].
	CurrentBillingPeriodStart string          `json:"current_billing_period_start,omitempty"`
	CurrentBillingPeriodEnd   string          `json:"current_billing_period_end,omitempty"`
	TaskLimitAdjustment       json.RawMessage `json:"task_limit_adjustment,omitempty"`
	TaskLimit                 *int64          `json:"task_limit,omitempty"`
	TaskCount                 *int64          `json:"task_count,omitempty"`
	ActiveConnectionLimit     *int64          `json:"active_connection_limit,omitempty"`
	ActiveConnectionCount     *int64          `json:"active_connection_count,omitempty"`
	ActiveRecipeCount         *int64          `json:"active_recipe_count,omitempty"`
	// Environments lists TEST and PROD for a customer with Embedded
	// Environments provisioned; its own ID is DEV (see WorkspaceID).
	Environments Environments `json:"environments,omitempty"`
}

// CustomerCreate is the body of CreateCustomer; Name and
// NotificationEmail are required by Workato.
type CustomerCreate struct {
	Name              string `json:"name"`
	NotificationEmail string `json:"notification_email"`
	PlanID            string `json:"plan_id,omitempty"`
	ExternalID        string `json:"external_id,omitempty"`
	OriginURL         string `json:"origin_url,omitempty"`
}

// CustomerUpdate is the body of UpdateCustomer: only non-nil fields are
// sent, and Workato changes only the fields present.
type CustomerUpdate struct {
	Name              *string `json:"name,omitempty"`
	NotificationEmail *string `json:"notification_email,omitempty"`
	PlanID            *string `json:"plan_id,omitempty"`
	ExternalID        *string `json:"external_id,omitempty"`
	OriginURL         *string `json:"origin_url,omitempty"`
}

// ListCustomers lists every customer workspace of the admin workspace.
// Paging parameters are UNCONFIRMED [design.md: customers list paging]; like tap-workato it asks for 100 a
// page and stops at the first short page.
//
// GET /managed_users — https://docs.workato.com/oem/oem-api/managed-users.html
func (c *Client) ListCustomers(ctx context.Context) ([]Customer, error) {
	return listPages[Customer](ctx, c, "/managed_users", nil)
}

// GetCustomer returns one customer workspace.
//
// GET /managed_users/:id — https://docs.workato.com/oem/oem-api/managed-users.html
func (c *Client) GetCustomer(ctx context.Context, cust CustomerRef) (*Customer, error) {
	p, err := customerPath(cust)
	if err != nil {
		return nil, err
	}
	var out Customer
	if err := c.do(ctx, &request{method: http.MethodGet, path: p}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateCustomer creates a customer workspace. Whether the response is
// wrapped in "result" is UNCONFIRMED [design.md: single-object envelope]; both forms decode.
//
// POST /managed_users — https://docs.workato.com/oem/oem-api/managed-users.html
func (c *Client) CreateCustomer(ctx context.Context, in CustomerCreate) (*Customer, error) {
	return sendJSON[Customer](ctx, c, http.MethodPost, "/managed_users", in)
}

// UpdateCustomer changes the fields set in upd and returns the customer.
//
// PUT /managed_users/:id — https://docs.workato.com/oem/oem-api/managed-users.html
func (c *Client) UpdateCustomer(ctx context.Context, cust CustomerRef, upd CustomerUpdate) (*Customer, error) {
	p, err := customerPath(cust)
	if err != nil {
		return nil, err
	}
	return sendJSON[Customer](ctx, c, http.MethodPut, p, upd)
}

// sendJSON sends body as JSON and decodes the response as a T.
func sendJSON[T any](ctx context.Context, c *Client, method, path string, body any) (*T, error) {
	r, err := jsonRequest(method, path, body)
	if err != nil {
		return nil, err
	}
	var out T
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// listPages fetches page after page (per_page=100) until a page comes back
// short; no managed-user list documents a total or a next link.
func listPages[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var all []T
	guard := pageGuard{path: path, maxItems: c.maxItems}
	for page := 1; ; page++ {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("page", fmt.Sprint(page))
		q.Set("per_page", fmt.Sprint(perPage))
		var items []T
		if err := c.do(ctx, &request{method: http.MethodGet, path: path, query: q}, &items); err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) < perPage {
			return all, nil
		}
		if err := guard.next(page, items); err != nil {
			return nil, err
		}
	}
}
