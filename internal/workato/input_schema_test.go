package workato

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeInputSchema(t *testing.T) {
	want := []InputField{
		{Name: "host_name", Label: "Login host", Type: "string"},
		{Name: "password", Label: "Password", ControlType: "password", Optional: true},
	}
	fields := `[{"name": "host_name", "label": "Login host", "type": "string"},
		{"name": "password", "label": "Password", "control_type": "password", "optional": true}]`
	cases := []struct {
		name string
		body string
		want []InputField
	}{
		{"bare list", fields, want},
		{"result", `{"result": ` + fields + `}`, want},
		{"input", `{"input": ` + fields + `, "extended_input_schema": []}`, want},
		{"result input", `{"result": {"input": ` + fields + `}}`, want},
		{"fields", `{"fields": ` + fields + `}`, want},
		{"one field object", `{"name": "api_key", "optional": "true"}`, []InputField{{Name: "api_key", Optional: true}}},
		{"required instead of optional", `[{"name": "a", "required": false}, {"name": "b", "required": true, "optional": true}]`,
			[]InputField{{Name: "a", Optional: true}, {Name: "b"}}},
		{"odd values dropped", `[{"name": ""}, {"label": "no name"}, 7, "x", {"name": 3}, {"name": "a"}, {"name": "a", "label": "dup"}, {"name": "bad\nname"}]`,
			[]InputField{{Name: "a"}}},
		{"null", `null`, nil},
		{"empty", ``, nil},
		{"empty result", `{"result": []}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeInputSchema([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{`{"something": "else"}`, `"text"`, `42`, `{"result": `, `{"result": {"result": {"result": {"result": {"result": []}}}}}`} {
		if got, err := DecodeInputSchema([]byte(bad)); err == nil {
			t.Errorf("DecodeInputSchema(%s) = %v, want an error", bad, got)
		}
	}
}

func FuzzDecodeInputSchema(f *testing.F) {
	for _, s := range []string{`[{"name":"a","optional":"yes"}]`, `{"result":{"input":[{"name":"b","required":true}]}}`, `{"name":"c"}`, `null`, `[1,"x",{}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fields, err := DecodeInputSchema(data)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, fl := range fields {
			if fl.Name == "" || seen[fl.Name] || strings.ContainsAny(fl.Name, "\x00\n\r") {
				t.Fatalf("bad field %+v in %q", fl, data)
			}
			seen[fl.Name] = true
		}
	})
}

func TestLooksSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "client_secret": true, "api_key": true, "accessToken": true, "private_key": true, "token_id": true,
		"consumer_key": true, "PASSPHRASE": true, "username": false, "host_name": false, "base_url": false,
		"api_key_header": false, "token_type": false, "keyword": false, "monkey": false, "account_id": false,
	} {
		if got := (InputField{Name: name}).LooksSecret(); got != want {
			t.Errorf("LooksSecret(%q) = %v, want %v", name, got, want)
		}
	}
	if !(InputField{Name: "pin_code_value", ControlType: "password"}).LooksSecret() {
		t.Error("a password control is secret whatever its name")
	}
}

func TestInputSchemaEndpoints(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.EscapedPath() {
		case "/api/v2/managed_users/E%2FA%201/connectors/salesforce/input_schema":
			w.Write([]byte(`{"result": [{"name": "host_name"}]}`))
		case "/api/managed_users/E%2FA%201/connections/my_custom/input_schema":
			w.Write([]byte(`{"input": [{"name": "api_key", "control_type": "password"}]}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message": "Not found"}`))
		}
	})
	c := newTestClient(t, s, nil)
	ctx := context.Background()
	cust := ByExternalID("/A 1")

	got, err := c.InputSchema(ctx, cust, "salesforce")
	if err != nil || len(got) != 1 || got[0].Name != "host_name" {
		t.Errorf("InputSchema(salesforce) = %v, %v", got, err)
	}
	got, err = c.InputSchema(ctx, cust, "my_custom")
	if err != nil || len(got) != 1 || got[0].Name != "api_key" {
		t.Errorf("InputSchema(my_custom), falling back to the connections endpoint = %v, %v", got, err)
	}
	if _, err := c.InputSchema(ctx, cust, "nothing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("InputSchema(nothing): err = %v, want ErrNotFound", err)
	}
	var paths []string
	for _, r := range s.requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	wantPaths := []string{
		"GET /api/v2/managed_users/E%2FA%201/connectors/salesforce/input_schema",
		"GET /api/v2/managed_users/E%2FA%201/connectors/my_custom/input_schema",
		"GET /api/managed_users/E%2FA%201/connections/my_custom/input_schema",
		"GET /api/v2/managed_users/E%2FA%201/connectors/nothing/input_schema",
		"GET /api/managed_users/E%2FA%201/connections/nothing/input_schema",
	}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if got, want := ClassOf("GET", "/api/v2/managed_users/1/connectors/x/input_schema"), ClassConnectors; got != want {
		t.Errorf("v2 input schema class = %s, want %s", got, want)
	}
}
