package workato

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestShortSecretsRedactedAsWholeValues: a one-letter token and a
// two-letter input are redacted where the server echoes them as values,
// and leave the words that merely contain their letters alone (it was
// "Unau[REDACTED]horized", and the input went through untouched).
func TestShortSecretsRedactedAsWholeValues(t *testing.T) {
	const token, password = "t", "pw"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		echo, _ := json.Marshal(map[string]any{
			"message": "Unauthorized: token " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + " is not valid",
			"errors":  map[string][]string{"password": {"can't be " + password}},
		})
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(echo)
	})
	c := newTestClient(t, s, func(cfg *Config) { cfg.Token = token })
	_, err := c.CreateConnection(context.Background(), ByID(1), ConnectionCreate{Name: "x", Provider: "jira",
		Input: map[string]any{"password": password}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an *APIError", err)
	}
	const want = "Unauthorized: token [REDACTED] is not valid"
	if apiErr.Message != want {
		t.Errorf("message = %q, want %q", apiErr.Message, want)
	}
	if got := apiErr.FieldErrors["password"]; len(got) != 1 || got[0] != "can't be [REDACTED]" {
		t.Errorf("field errors = %q, want password: can't be [REDACTED]", apiErr.FieldErrors)
	}
	for _, text := range []string{err.Error(), string(apiErr.body)} {
		// Apostrophes join words ("can't"), quotes around one do not.
		for _, word := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) && r != '\'' }) {
			if word = strings.Trim(word, "'"); word == token || word == password {
				t.Errorf("%q holds the secret %q as a word", text, word)
			}
		}
	}
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
