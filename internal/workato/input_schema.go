package workato

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// InputField is one field of a connector's connection input: what a
// connection's input map may hold under Name. The response shape is
// UNCONFIRMED [design.md: input schema path] (reference §7 lists the endpoints, not their bodies); the
// fields are those of Workato's connector SDK schemas, each optional.
type InputField struct {
	Name        string `json:"name"`
	Label       string `json:"label,omitempty"`
	Type        string `json:"type,omitempty"`         // string, boolean, integer, object...
	ControlType string `json:"control_type,omitempty"` // text, password, select, checkbox...
	Optional    bool   `json:"optional,omitempty"`
	Hint        string `json:"hint,omitempty"`
}

// LooksSecret reports whether the field probably holds a credential: its
// control type is password, or a word of its name is one credentials use
// (password, secret, token, key...). It errs on the side of secret.
func (f InputField) LooksSecret() bool {
	if strings.EqualFold(f.ControlType, "password") {
		return true
	}
	words := nameWords(f.Name)
	if len(words) > 1 {
		switch words[len(words)-1] {
		case "header", "name", "type", "url", "format", "field", "location", "prefix", "mode":
			return false // about a credential, not one: api_key_header, token_type...
		}
	}
	for _, w := range words {
		switch w {
		case "password", "passwd", "pwd", "passphrase", "secret", "token", "key", "apikey", "credential", "credentials", "private", "pin", "signature":
			return true
		}
	}
	return false
}

// nameWords splits snake_case, kebab-case, dotted and camelCase names into
// lower-case words.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	prevLower := false
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		cur = append(cur, r)
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	flush()
	return words
}

// ConnectorInputSchema returns the static base input schema of a connector
// as a customer workspace sees it (so a custom connector of that workspace
// has one too).
//
// GET /v2/managed_users/:id/connectors/:connector_name/input_schema — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) ConnectorInputSchema(ctx context.Context, cust CustomerRef, connector string) ([]InputField, error) {
	p, err := customerPath(cust, "connectors", url.PathEscape(connector), "input_schema")
	if err != nil {
		return nil, err
	}
	return c.inputSchema(ctx, "/v2"+p)
}

// ConnectionInputSchema returns the input schema of an adapter in a
// customer workspace, including the parts of its extended settings that
// the current input switches on. It is the older of the two endpoints and
// counts against the 60/min connections budget.
//
// GET /managed_users/:id/connections/:adapter_name/input_schema — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) ConnectionInputSchema(ctx context.Context, cust CustomerRef, adapter string) ([]InputField, error) {
	p, err := customerPath(cust, "connections", url.PathEscape(adapter), "input_schema")
	if err != nil {
		return nil, err
	}
	return c.inputSchema(ctx, p)
}

// ConnectionIDInputSchema returns the input schema of one connection, as
// the newer docs address it (by connection id, answer {"result": [...]}).
// The docs are split between this form and the adapter-name one
// (docs/design.md row "input schema path").
//
// GET /managed_users/:id/connections/:connection_id/input_schema — https://docs.workato.com/oem/oem-api/connections.html
func (c *Client) ConnectionIDInputSchema(ctx context.Context, cust CustomerRef, connectionID int64) ([]InputField, error) {
	p, err := customerPath(cust, "connections", itoa(connectionID), "input_schema")
	if err != nil {
		return nil, err
	}
	return c.inputSchema(ctx, p)
}

// InputSchemaFor is InputSchema for an existing connection: it asks the
// per-connection endpoint first and falls back to the provider's schema
// when Workato does not know that form (404). connectionID 0 means a
// connection still to be created.
func (c *Client) InputSchemaFor(ctx context.Context, cust CustomerRef, provider string, connectionID int64) ([]InputField, error) {
	if connectionID > 0 {
		fields, err := c.ConnectionIDInputSchema(ctx, cust, connectionID)
		if !errors.Is(err, ErrNotFound) {
			return fields, err
		}
	}
	return c.InputSchema(ctx, cust, provider)
}

// InputSchema asks the v2 connector endpoint first (1,000/min) and falls
// back to the connections one when Workato does not know it (404).
func (c *Client) InputSchema(ctx context.Context, cust CustomerRef, provider string) ([]InputField, error) {
	fields, err := c.ConnectorInputSchema(ctx, cust, provider)
	if errors.Is(err, ErrNotFound) {
		return c.ConnectionInputSchema(ctx, cust, provider)
	}
	return fields, err
}

func (c *Client) inputSchema(ctx context.Context, path string) ([]InputField, error) {
	var raw json.RawMessage
	if err := c.do(ctx, &request{method: http.MethodGet, path: path}, &raw); err != nil {
		return nil, err
	}
	fields, err := DecodeInputSchema(raw)
	if err != nil {
		return nil, fmt.Errorf("workato: GET %s: unexpected input schema: %v", path, err)
	}
	return fields, nil
}

// schemaWrappers are the keys a list of fields has been seen, or may
// plausibly be found, under.
var schemaWrappers = []string{"result", "input", "input_schema", "fields", "items", "schema", "data"}

// DecodeInputSchema reads an input schema body of any plausible shape: a
// list of fields, possibly wrapped in an object under one of
// schemaWrappers (at any depth). Fields without a usable name are dropped;
// so are duplicates, keeping the first. Nested object fields are kept as
// one field (connection input is flat).
func DecodeInputSchema(data []byte) ([]InputField, error) {
	return decodeSchema(data, 0)
}

const maxSchemaDepth = 4

func decodeSchema(data []byte, depth int) ([]InputField, error) {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || bytes.Equal(data, []byte("null")):
		return nil, nil
	case data[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return nil, err
		}
		return decodeFields(items), nil
	case data[0] == '{' && depth < maxSchemaDepth:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return nil, err
		}
		for _, k := range schemaWrappers {
			if inner, ok := obj[k]; ok {
				return decodeSchema(inner, depth+1)
			}
		}
		if _, ok := obj["name"]; ok {
			return decodeFields([]json.RawMessage{data}), nil
		}
		return nil, errors.New("no list of fields in the response")
	}
	return nil, errors.New("want a list of fields")
}

// looseField accepts the variants seen across Workato's schema dialects:
// optional and sticky as booleans or strings.
type looseField struct {
	Name        json.RawMessage `json:"name"`
	Label       json.RawMessage `json:"label"`
	Type        json.RawMessage `json:"type"`
	ControlType json.RawMessage `json:"control_type"`
	Optional    json.RawMessage `json:"optional"`
	Required    json.RawMessage `json:"required"`
	Hint        json.RawMessage `json:"hint"`
}

func decodeFields(items []json.RawMessage) []InputField {
	var out []InputField
	seen := map[string]bool{}
	for _, item := range items {
		var lf looseField
		if json.Unmarshal(item, &lf) != nil {
			continue
		}
		f := InputField{
			Name: looseString(lf.Name), Label: looseString(lf.Label), Type: looseString(lf.Type),
			ControlType: looseString(lf.ControlType), Hint: looseString(lf.Hint),
		}
		if f.Name == "" || seen[f.Name] || strings.ContainsAny(f.Name, "\x00\n\r") {
			continue
		}
		seen[f.Name] = true
		f.Optional = looseBool(lf.Optional)
		if req := bytes.TrimSpace(lf.Required); len(req) > 0 && !bytes.Equal(req, []byte("null")) {
			f.Optional = !looseBool(lf.Required)
		}
		out = append(out, f)
	}
	return out
}

func looseString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return ""
}

func looseBool(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	s := strings.ToLower(looseString(raw))
	return s == "true" || s == "yes" || s == "1"
}
