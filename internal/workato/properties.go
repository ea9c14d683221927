package workato

import (
	"context"
	"net/http"
	"net/url"
)

// ListProperties returns the account properties whose names start with
// prefix, as name -> value.
//
// GET /managed_users/:id/properties — https://docs.workato.com/oem/oem-api/account-properties.html
func (c *Client) ListProperties(ctx context.Context, cust CustomerRef, prefix string) (map[string]string, error) {
	p, err := customerPath(cust, "properties")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	r := &request{method: http.MethodGet, path: p, query: url.Values{"prefix": {prefix}}}
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpsertProperties creates or overwrites the given account properties,
// matched by name. There is no delete endpoint.
//
// POST /managed_users/:id/properties — https://docs.workato.com/oem/oem-api/account-properties.html
func (c *Client) UpsertProperties(ctx context.Context, cust CustomerRef, props map[string]string) error {
	p, err := customerPath(cust, "properties")
	if err != nil {
		return err
	}
	r, err := jsonRequest(http.MethodPost, p, struct {
		Properties map[string]string `json:"properties"`
	}{props})
	if err != nil {
		return err
	}
	r.idempotent = true // an upsert by name: repeating it changes nothing
	return c.do(ctx, r, nil)
}
