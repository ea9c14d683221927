package workato

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Environment is one workspace of a customer with Embedded Environments
// provisioned: the customer's own id is DEV, TEST and PROD have ids of
// their own (docs.workato.com/oem/embedded-environments/embedded-environments-api.html).
type Environment struct {
	Type string // "dev", "test" or "prod", lower-case
	ID   int64
}

// Environments is the customers list's environments property. Its exact
// shape is not shown in any captured page (UNCONFIRMED, docs/design.md row
// "environments property"): a list of objects with an id and a type under
// environment_type, type, name or environment, and an object keyed by
// type, both decode; null or absent means none provisioned.
type Environments []Environment

// UnmarshalJSON accepts every shape above. An entry of an unknown type is
// skipped; one without a positive id is an error, because guessing one
// would point the tool at the wrong workspace.
func (e *Environments) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*e = nil
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		for k, v := range m {
			if normEnv(k) == "" {
				continue
			}
			id, err := envID(v)
			if err != nil {
				return fmt.Errorf("environments.%s: %w", k, err)
			}
			if err := e.add(k, id); err != nil {
				return err
			}
		}
	default:
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for i, obj := range list {
			typ := firstString(obj["environment_type"], obj["type"], obj["name"], obj["environment"])
			if normEnv(typ) == "" {
				continue
			}
			raw := obj["id"]
			if raw == nil {
				raw = obj["managed_user_id"]
			}
			id, err := envID(raw)
			if err != nil {
				return fmt.Errorf("environments[%d]: %w", i, err)
			}
			if err := e.add(typ, id); err != nil {
				return fmt.Errorf("environments[%d]: %w", i, err)
			}
		}
	}
	sort.Slice(*e, func(i, j int) bool { return envOrder((*e)[i].Type) < envOrder((*e)[j].Type) })
	return nil
}

func (e *Environments) add(typ string, id int64) error {
	t := normEnv(typ)
	if t == "" {
		return nil // an environment type this tool does not know: not one it manages
	}
	*e = append(*e, Environment{Type: t, ID: id})
	return nil
}

func envID(raw json.RawMessage) (int64, error) {
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, fmt.Errorf("no usable id in %s", raw)
		}
		n = json.Number(s)
	}
	id, err := n.Int64()
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("no usable id in %s", raw)
	}
	return id, nil
}

// normEnv maps the spellings Workato uses (dev, development, DEV, Test,
// production...) to dev, test or prod; "" for anything else.
func normEnv(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "dev", "development":
		return "dev"
	case "test", "testing":
		return "test"
	case "prod", "production":
		return "prod"
	}
	return ""
}

func envOrder(t string) int { return strings.Index("dev test prod", t) }

// WorkspaceID returns the id that addresses environment env ("dev",
// "test" or "prod", any documented spelling) of customer c. DEV is the
// customer's own id; without environments provisioned only DEV exists.
func (c *Customer) WorkspaceID(env string) (int64, bool) {
	t := normEnv(env)
	if t == "" {
		return 0, false
	}
	for _, e := range c.Environments {
		if e.Type == t {
			return e.ID, true
		}
	}
	if t == "dev" {
		return c.ID, true
	}
	return 0, false
}
