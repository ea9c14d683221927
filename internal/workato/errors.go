package workato

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/redact"
)

// Kinds of API failure, for errors.Is. An *APIError matches the kind its
// status (or a success:false body) implies; errors.As gives the details.
var (
	ErrNotFound    = errors.New("workato: not found")          // 404
	ErrAuth        = errors.New("workato: not authorized")     // 401, 403
	ErrValidation  = errors.New("workato: validation failed")  // 400, 422
	ErrRateLimited = errors.New("workato: rate limited")       // 429
	ErrServer      = errors.New("workato: server error")       // 5xx
	ErrRefused     = errors.New("workato: refused by workato") // 2xx with "success": false
)

// maxErrorBody bounds how much of an error body is read: error bodies are
// small, and a misbehaving proxy must not make us buffer megabytes.
const maxErrorBody = 64 << 10

// maxMessage bounds a message taken from a non-JSON body (an HTML error
// page from a proxy, say), so errors stay one readable line.
const maxMessage = 512

// APIError is a failed API call: a non-2xx response, or a 2xx response
// whose body says "success": false. Its text is scrubbed of every secret
// the client knows.
type APIError struct {
	Method     string
	Path       string // URL path, without the query
	StatusCode int
	Message    string
	// FieldErrors holds validation errors by field, e.g. {"name": ["can't be blank"]}.
	FieldErrors map[string][]string
	// SupportID is the "id" Workato puts in 5xx bodies for its support team.
	SupportID string
	// Refused is set when the status was 2xx but the body said success:false.
	Refused bool
	// Status is the body's "status" field of a refusal, e.g. "rejected".
	Status string

	body []byte // scrubbed and size-limited; lets callers decode refusal details
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workato: %s %s: ", e.Method, e.Path)
	if e.Refused {
		fmt.Fprintf(&b, "refused (HTTP %d)", e.StatusCode)
	} else {
		fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if fe := formatFieldErrors(e.FieldErrors); fe != "" {
		b.WriteString(": " + fe)
	}
	if e.SupportID != "" {
		b.WriteString(" (support id " + e.SupportID + ")")
	}
	return b.String()
}

// Is lets errors.Is(err, ErrNotFound) and friends classify an APIError.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrAuth:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	case ErrRefused:
		return e.Refused
	}
	return false
}

// RateLimitError is a 429 that retries did not get past.
type RateLimitError struct {
	// RetryAfter is what the server asked for; zero when it sent no Retry-After.
	RetryAfter time.Duration
	Err        *APIError
}

func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("%v (retry after %v)", e.Err, e.RetryAfter)
	}
	return e.Err.Error()
}

func (e *RateLimitError) Unwrap() error { return e.Err }

func formatFieldErrors(fe map[string][]string) string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		msg := strings.Join(fe[k], ", ")
		if k != "" {
			msg = k + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}

// errorBody is the union of error shapes seen in reference §3.
type errorBody struct {
	Message json.RawMessage `json:"message"`
	Error   json.RawMessage `json:"error"`
	Errors  json.RawMessage `json:"errors"`
	ID      json.RawMessage `json:"id"`
	Status  json.RawMessage `json:"status"`
}

// newAPIError builds an APIError from a (scrubbed, size-limited) body. It
// accepts any body: JSON of the documented shapes, other JSON, or text.
func newAPIError(method, path string, status int, body []byte, s scrubber) *APIError {
	body = s.JSON(s.Bytes(body))
	e := &APIError{Method: method, Path: path, StatusCode: status, body: body}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err != nil {
		e.Message = textMessage(body)
	} else {
		e.Message = firstString(eb.Message, eb.Error)
		e.Status = firstString(eb.Status)
		// Only server errors carry a support id; elsewhere "id" is an object's id.
		if status >= 500 {
			e.SupportID = firstString(eb.ID)
		}
		e.FieldErrors, e.Message = fieldErrors(eb.Errors, e.Message)
	}
	// The body was scrubbed decoded, but scrub again what was taken from
	// it: keys included, so that a server echoing a secret as a field name
	// cannot get it into the error either.
	e.Message, e.Status, e.SupportID = s.String(e.Message), s.String(e.Status), s.String(e.SupportID)
	if e.FieldErrors != nil {
		clean := make(map[string][]string, len(e.FieldErrors))
		for k, vs := range e.FieldErrors {
			k = s.String(k)
			for _, v := range vs {
				clean[k] = append(clean[k], s.String(v))
			}
		}
		e.FieldErrors = clean
	}
	return e
}

// firstString returns the first raw value that is a JSON string.
func firstString(raws ...json.RawMessage) string {
	for _, raw := range raws {
		var s string
		if len(raw) > 0 && json.Unmarshal(raw, &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// fieldErrors decodes "errors", which is seen as {field: [msgs]},
// {field: msg}, [msgs] or a plain string; the last two join the message.
func fieldErrors(raw json.RawMessage, msg string) (map[string][]string, string) {
	if len(raw) == 0 {
		return nil, msg
	}
	var many map[string][]string
	if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
		return many, msg
	}
	var one map[string]string
	if json.Unmarshal(raw, &one) == nil && len(one) > 0 {
		many = make(map[string][]string, len(one))
		for k, v := range one {
			many[k] = []string{v}
		}
		return many, msg
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return nil, joinNonEmpty(msg, strings.Join(list, "; "))
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return nil, joinNonEmpty(msg, s)
	}
	return nil, msg
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}

// textMessage turns a non-JSON body into one short line of valid UTF-8.
func textMessage(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > maxMessage {
		// Cutting may split a rune; dropping invalid bytes removes the half.
		return strings.ToValidUTF8(s[:maxMessage], "") + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// redacted replaces secrets in error text.
const redacted = "[REDACTED]"

// scrubber removes known secrets from anything that may end up in an
// error, by the rule of package redact.
type scrubber = redact.Scrubber

func newScrubber(secrets ...string) scrubber { return redact.New(redacted, secrets...) }
