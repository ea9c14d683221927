package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// recorder buffers a response so that the pipeline can still replace it
// (persistence failure) or drop it (FaultDropAfterCommit) after the handler.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(p)
}

func (r *recorder) writeTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(r.body.Len()))
	w.WriteHeader(r.code())
	w.Write(r.body.Bytes())
}

func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Every response value is built from plain data; this is a bug.
		panic(fmt.Sprintf("sandbox: encode response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

type message struct {
	Message string `json:"message"`
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, message{Message: msg})
}

func notFound(w http.ResponseWriter) { writeMessage(w, http.StatusNotFound, "Not found") }

func badRequest(w http.ResponseWriter) { writeMessage(w, http.StatusBadRequest, "Bad request") }

func serverError(id string) *recorder {
	rec := newRecorder()
	writeJSON(rec, http.StatusInternalServerError, struct {
		Message string `json:"message"`
		ID      string `json:"id"`
	}{"Server error", id})
	return rec
}

func tooManyRequests(wait time.Duration) *recorder {
	rec := newRecorder()
	writeTooManyRequests(rec, wait)
	return rec
}

// writeTooManyRequests sends whole seconds, at least 1, because Retry-After
// has no fractions; a scaled-down window therefore over-waits, never under.
// The 429 body is UNCONFIRMED [design.md: 429 body and Retry-After]; this one follows the documented error shape.
func writeTooManyRequests(w http.ResponseWriter, wait time.Duration) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeMessage(w, http.StatusTooManyRequests, "Too many requests")
}

// fieldErrors collects validation errors the way Rails reports them.
type fieldErrors map[string][]string

func (e fieldErrors) add(field, msg string) { e[field] = append(e[field], msg) }

// write sends 400 {"message": "Name can't be blank", "errors": {...}}; the
// message is the first error in field order, humanised, so it is stable.
func (e fieldErrors) write(w http.ResponseWriter) {
	fields := make([]string, 0, len(e))
	for f := range e {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	first := fields[0]
	human := strings.ToUpper(first[:1]) + strings.ReplaceAll(first[1:], "_", " ")
	writeJSON(w, http.StatusBadRequest, struct {
		Message string      `json:"message"`
		Errors  fieldErrors `json:"errors"`
	}{human + " " + e[first][0], e})
}

// maxJSONBody bounds every JSON request body; none legitimately comes close.
const maxJSONBody = 1 << 20

// decodeBody decodes a JSON object body; an empty body decodes as {}.
func decodeBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		return err
	}
	if len(b) > maxJSONBody {
		return errors.New("body too large")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("{}")
	}
	return json.Unmarshal(b, v)
}

// paging reads page and per_page: page defaults to 1, per_page to def, and
// per_page above max is clamped to max as the docs describe "max 100".
func paging(r *http.Request, def, maxPer int) (page, per int, ok bool) {
	page, per = 1, def
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, 0, false
		}
		page = max(n, 1)
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, false
		}
		per = min(n, maxPer)
	}
	return page, per, true
}

// pageOf returns the page'th window of size per over n items.
func pageOf(n, page, per int) (lo, hi int) {
	lo = min((page-1)*per, n)
	return lo, min(lo+per, n)
}

// queryID parses an optional numeric query parameter; absent is 0.
func queryID(r *http.Request, name string) (int64, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n > 0
}

func queryBool(r *http.Request, name string) bool {
	b, _ := strconv.ParseBool(r.URL.Query().Get(name))
	return b
}

// apiTime renders like Workato: RFC 3339 with milliseconds.
type apiTime time.Time

func (t apiTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

func timeOrNull(t time.Time) *apiTime {
	if t.IsZero() {
		return nil
	}
	v := apiTime(t)
	return &v
}

func stringOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func idOrNull(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func randomUUID() string {
	var b [16]byte
	rand.Read(b[:])
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
