package workato

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestErrorKinds(t *testing.T) {
	kinds := []error{ErrNotFound, ErrAuth, ErrValidation, ErrRateLimited, ErrServer, ErrRefused}
	tests := []struct {
		name     string
		status   int
		body     string
		wantKind error
		want     *APIError
	}{
		{"404", 404, "not_found.json", ErrNotFound,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 404, Message: "Not found"}},
		{"401", 401, "unauthorized.json", ErrAuth,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 401, Message: "Unauthorized"}},
		{"403", 403, `{"message":"Cannot destroy folder"}`, ErrAuth,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 403, Message: "Cannot destroy folder"}},
		{"400 plain", 400, "bad_request.json", ErrValidation,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 400, Message: "Bad request"}},
		{"400 with field errors", 400, "validation_error.json", ErrValidation,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 400, Message: "Validation failed",
				FieldErrors: map[string][]string{"name": {"can't be blank"}, "provider": {"is not included in the list"}}}},
		{"500 with support id", 500, "server_error.json", ErrServer,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 500, Message: "Server error",
				SupportID: "3188c2d0-29a4-4080-908e-582e7ed82580"}},
		{"502 html page", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", ErrServer,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 502,
				Message: "<html><body><h1>502 Bad Gateway</h1></body></html>"}},
		{"200 success false", 200, "connection_delete_refused.json", ErrRefused,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 200, Refused: true,
				Status: "rejected", Message: "You can't delete a connection used by active recipes"}},
		{"200 Success false", 200, `{"Success": false}`, ErrRefused,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 200, Refused: true}},
		{"200 result success false", 200, `{"result": {"success": false, "status": "rejected"}}`, ErrRefused,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 200, Refused: true, Status: "rejected"}},
		{"200 errors running", 200, "recipe_running_refused.json", ErrRefused,
			&APIError{Method: "DELETE", Path: "/api/managed_users/98178/connections/1678", StatusCode: 200, Refused: true,
				FieldErrors: map[string][]string{"running": {"Can't change the recipe state: invalid state running"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, replyJSON(t, tc.status, tc.body))
			c := newTestClient(t, s, func(cfg *Config) { cfg.Retry = fastRetry(1) })
			err := c.DeleteConnection(context.Background(), ByID(98178), 1678)
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(APIError{})); diff != "" {
				t.Errorf("APIError mismatch (-want +got):\n%s", diff)
			}
			for _, k := range kinds {
				if errors.Is(err, k) != (k == tc.wantKind) {
					t.Errorf("errors.Is(err, %v) = %v, want %v", k, !(k == tc.wantKind), k == tc.wantKind)
				}
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   string
	}{
		{400, "validation_error.json", "workato: DELETE /api/managed_users/98178/connections/1678: 400 Bad Request: Validation failed: name: can't be blank; provider: is not included in the list"},
		{500, "server_error.json", "workato: DELETE /api/managed_users/98178/connections/1678: 500 Internal Server Error: Server error (support id 3188c2d0-29a4-4080-908e-582e7ed82580)"},
		{200, "connection_delete_refused.json", "workato: DELETE /api/managed_users/98178/connections/1678: refused (HTTP 200): You can't delete a connection used by active recipes"},
	}
	for _, tc := range tests {
		s := newServer(t, replyJSON(t, tc.status, tc.body))
		c := newTestClient(t, s, func(cfg *Config) { cfg.Retry = fastRetry(1) })
		err := c.DeleteConnection(context.Background(), ByID(98178), 1678)
		if err == nil || err.Error() != tc.want {
			t.Errorf("error = %v\nwant    %s", err, tc.want)
		}
	}
}

func TestRecipeStartRefusal(t *testing.T) {
	s := newServer(t, replyJSON(t, 200, "recipe_start_refused.json"))
	c := newTestClient(t, s, nil)
	err := c.StartRecipe(context.Background(), ByID(98178), 7)
	var got *RecipeStartError
	if !errors.As(err, &got) {
		t.Fatalf("error %v (%T) is not a *RecipeStartError", err, err)
	}
	want := &RecipeStartError{
		RecipeID:     7,
		CodeErrors:   []StepError{{Step: 4, Label: "Response body/Error", Message: "can't be blank", Path: "response.error"}},
		ConfigErrors: []StepError{{Step: 1, Label: "account_id", Value: "32148", Message: "unconnected"}},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(RecipeStartError{}, "Err")); diff != "" {
		t.Errorf("RecipeStartError mismatch (-want +got):\n%s", diff)
	}
	const wantText = "workato: start recipe 7: step 1: account_id 32148: unconnected; step 4: Response body/Error: can't be blank"
	if err.Error() != wantText {
		t.Errorf("error text = %q\nwant         %q", err.Error(), wantText)
	}
	if !errors.Is(err, ErrRefused) {
		t.Errorf("errors.Is(err, ErrRefused) = false, want true")
	}
	if len(s.requests()) != 1 {
		t.Errorf("a refusal was retried: %d requests", len(s.requests()))
	}
}

func TestHugeErrorBodyIsTruncated(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"message": "` + huge + `"}`))
	})
	c := newTestClient(t, s, nil)
	err := c.DeleteConnection(context.Background(), ByID(1), 2)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an *APIError", err)
	}
	if len(apiErr.body) > maxErrorBody {
		t.Errorf("kept %d bytes of error body, want at most %d", len(apiErr.body), maxErrorBody)
	}
	if n := len(err.Error()); n > maxMessage+200 {
		t.Errorf("error text is %d bytes, want a short line", n)
	}
}

// TestSecretsNeverInErrors echoes the token, the legacy token and a
// connection input back in error bodies, raw and JSON-escaped.
func TestSecretsNeverInErrors(t *testing.T) {
	const token = "wrk<prod>&token/1234567890"
	const password = "s3cr3t-p@ss&word"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		echo, _ := json.Marshal(map[string]any{
			"message": "bad token " + r.Header.Get("Authorization") + " and " + r.Header.Get("X-User-Token"),
			"errors":  map[string][]string{"input": {"rejected " + password}},
		})
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(echo)
	})
	c := newTestClient(t, s, func(cfg *Config) {
		cfg.Token, cfg.LegacyEmail, cfg.LegacyToken = token, "ops@acme.example", testLegacyToken
	})
	ctx := context.Background()
	_, err := c.CreateConnection(ctx, ByID(1), ConnectionCreate{Name: "x", Provider: "jira", Input: map[string]any{
		"nested": map[string]any{"apitoken": password},
	}})
	if err == nil {
		t.Fatal("want an error")
	}
	assertNoSecrets(t, err.Error(), token, testLegacyToken, password)
	if !strings.Contains(err.Error(), redacted) {
		t.Errorf("error %q does not show where a secret was removed", err)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		assertNoSecrets(t, string(apiErr.body), token, testLegacyToken, password)
	}
}

func assertNoSecrets(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		esc, _ := json.Marshal(sec)
		if strings.Contains(text, sec) || bytes.Contains([]byte(text), esc[1:len(esc)-1]) {
			t.Errorf("secret %q leaked into %q", sec, text)
		}
	}
}

// TestSecretsNeverInFieldErrorKeys: a server that answers with the token
// (or an input) as a field-error key, written with JSON escapes the
// client's own encoding does not use, still gets no secret into the error
// or its kept body.
func TestSecretsNeverInFieldErrorKeys(t *testing.T) {
	const token = "wrk<prod>&token/1234567890"
	const password = "s3cr3t-p@ss/word"
	// "\/" and "\u0077" are valid JSON escapes that json.Marshal never writes.
	tokenKey := `wrk\u003cprod\u003e\u0026token\/1234567890`
	passKey := `s3cr3t-p@ss\/\u0077ord`
	for _, body := range []string{
		`{"message": "invalid", "errors": {"` + tokenKey + `": ["bad"], "` + passKey + `": ["` + passKey + `"]}}`,
		`{"message": "invalid", "errors": {"` + tokenKey + `": "bad"}}`,
		`{"message": "` + tokenKey + `", "status": "` + passKey + `", "errors": ["` + tokenKey + `"]}`,
	} {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, body)
		})
		c := newTestClient(t, s, func(cfg *Config) { cfg.Token = token })
		_, err := c.CreateConnection(context.Background(), ByID(1), ConnectionCreate{Name: "x", Provider: "jira",
			Input: map[string]any{"password": password}})
		if err == nil {
			t.Fatal("want an error")
		}
		assertNoSecrets(t, err.Error(), token, password)
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("error %v is not an *APIError", err)
		}
		assertNoSecrets(t, string(apiErr.body), token, password)
		assertNoSecrets(t, apiErr.Status, token, password)
		for k, vs := range apiErr.FieldErrors {
			assertNoSecrets(t, k+" "+strings.Join(vs, " "), token, password)
		}
	}
}
