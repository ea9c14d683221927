package sandbox

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// DefaultMaxImportBytes is Workato's documented package size limit.
const DefaultMaxImportBytes = 100 << 20

// Options configures a Server. The zero value is a permissive, instant,
// fault-free sandbox with in-memory state.
type Options struct {
	// Token, when set, is required as "Authorization: Bearer <token>".
	Token string
	// Latency is added to every request before it is handled.
	Latency time.Duration
	// FailRate is the probability (0..1) that a request gets an injected
	// fault instead of being handled.
	FailRate float64
	// Faults are the kinds to choose from; nil means FaultServerError,
	// FaultTooManyRequests and FaultDrop.
	Faults []FaultKind
	// Seed makes the fault sequence deterministic for a given request order.
	Seed int64
	// RateLimits switches on the per-class sliding-window limiter.
	RateLimits bool
	// Limits overrides DefaultLimits per rate class (see the Class constants).
	Limits map[string]Limit
	// StatePath is a JSON state file, loaded by New when it exists; every
	// change is appended to it and synced before its response (see
	// journal), and it is compacted as it grows.
	StatePath string
	// Now is the clock for timestamps, the limiter and import progress.
	Now func() time.Time
	// Logf receives one line per request and any persistence error.
	Logf func(format string, args ...any)
	// TestRule decides whether a connection input authorizes; a non-nil
	// error fails it and its text becomes authorization_error. Nil means
	// DefaultTestRule.
	TestRule func(provider string, input map[string]any) error
	// MaxImportBytes caps a package import body; 0 means DefaultMaxImportBytes.
	MaxImportBytes int64
	// InviteesExist makes every invited email belong to an existing
	// Workato user, who joins the workspace at once (the docs send an
	// email invitation only to addresses without an account). Off, an
	// invitation stays pending until AcceptInvitation.
	InviteesExist bool
	// MembersEnvelope is how the members list is wrapped: EnvelopeBare
	// (the default), EnvelopeResult or EnvelopeData.
	MembersEnvelope string
	// ImportDuration is how long an import stays in_progress at least. An
	// import always reports in_progress on its first status poll.
	ImportDuration time.Duration
	// EnvironmentsOnlyInList leaves the environments property out of a
	// single customer's answer (GET /managed_users/:id), as the docs show
	// it only in the customers list (docs/design.md row "environments
	// property"); off, both carry it.
	EnvironmentsOnlyInList bool
}

// DefaultTestRule fails an input whose "password" is "invalid", and
// authorizes every other input.
func DefaultTestRule(provider string, input map[string]any) error {
	if input["password"] == "invalid" {
		return errors.New("invalid credentials")
	}
	return nil
}

// Server is the emulator. It is safe for concurrent use.
type Server struct {
	opts   Options
	now    func() time.Time
	mux    *http.ServeMux
	routes map[string]route

	mu      sync.Mutex
	w       *world // guarded by mu
	version uint64 // guarded by mu; bumped by every mutation

	dirty    []*customer        // guarded by mu: changed since the last journal record
	dirtySet map[*customer]bool // guarded by mu
	known    int                // guarded by mu: customers already attributed
	full     bool               // guarded by mu: the next persist writes the whole state

	persistMu sync.Mutex
	recorded  uint64  // guarded by persistMu: the version on disk
	j         journal // guarded by persistMu

	limiter *limiter
	faults  *faulter

	statsMu sync.Mutex
	stats   Stats
}

// New returns a Server, loading Options.StatePath when the file exists.
func New(opts Options) (*Server, error) {
	if opts.FailRate < 0 || opts.FailRate > 1 {
		return nil, fmt.Errorf("sandbox: fail rate %v is outside 0..1", opts.FailRate)
	}
	if opts.MaxImportBytes <= 0 {
		opts.MaxImportBytes = DefaultMaxImportBytes
	}
	if opts.TestRule == nil {
		opts.TestRule = DefaultTestRule
	}
	s := &Server{opts: opts, now: opts.Now, routes: map[string]route{}}
	if s.now == nil {
		s.now = time.Now
	}
	f, err := newFaulter(opts.Seed, opts.FailRate, opts.Faults)
	if err != nil {
		return nil, err
	}
	s.faults = f
	if opts.RateLimits {
		l, err := newLimiter(opts.Limits)
		if err != nil {
			return nil, err
		}
		s.limiter = l
	}
	s.w = newWorld()
	s.dirtySet = map[*customer]bool{}
	s.j = journal{path: opts.StatePath}
	s.stats = newStats()
	s.registerRoutes()
	if opts.StatePath != "" {
		if err := s.loadStateFile(opts.StatePath); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loadStateFile loads the state file (see journal). A base that is not a
// saved state (a hand-written seed, with ids and timestamps to fill in)
// is rewritten whole at the first change, so that no record ever refers
// to an id that only this process assigned.
func (s *Server) loadStateFile(path string) error {
	st, j, err := readJournal(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: load state %s: %w", path, err)
	}
	w, err := buildWorld(st, s.now())
	if err != nil {
		return fmt.Errorf("sandbox: load state %s: %w", path, err)
	}
	s.mu.Lock()
	s.w = w
	s.known = len(w.customers)
	s.full = !isSavedState(st, w)
	s.mu.Unlock()
	s.persistMu.Lock()
	s.j = j
	s.persistMu.Unlock()
	return nil
}

// isSavedState reports whether loading a document assigned nothing: no id
// (the world's counter is where the document left it) and no input key.
func isSavedState(st State, w *world) bool {
	return st.FormatVersion != 0 && st.InputKey != "" && w.nextID == max(st.NextID, maxStateID(st)+1, firstID)
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// ServeHTTP serves the API under /api. An injected dropped connection
// hijacks and closes the connection without a response.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec, drop := s.serve(r)
	if drop {
		dropConnection(w)
		return
	}
	rec.writeTo(w)
}

func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// HTTP/2 cannot hijack; aborting the handler resets the stream instead.
	panic(http.ErrAbortHandler)
}

// serve runs the request pipeline: count, latency, fault, auth, rate limit,
// handler, persistence. It reports drop when the connection must be dropped.
func (s *Server) serve(r *http.Request) (rec *recorder, drop bool) {
	rt := s.route(r)
	s.countRequest(rt.name)
	if err := sleepCtx(r.Context(), s.opts.Latency); err != nil {
		return nil, true // the client has gone; nobody reads a response
	}
	kind, faulted := s.faults.draw()
	if faulted {
		s.countFault(kind)
		switch kind {
		case FaultDrop:
			return nil, true
		case FaultServerError:
			return serverError(s.faults.uuid()), false
		case FaultTooManyRequests:
			return tooManyRequests(time.Second), false
		}
	}
	rec = newRecorder()
	switch {
	case !s.authorized(r):
		writeMessage(rec, http.StatusUnauthorized, "Unauthorized")
	case !s.allow(rec, rt.class):
		// the limiter wrote its 429
	default:
		before := s.currentVersion()
		s.mux.ServeHTTP(rec, r)
		s.noteChange(r, before)
		if err := s.persist(); err != nil {
			// The change stays in memory; the client learns it may be lost.
			s.logf("sandbox: persist state: %v", err)
			rec = serverError(randomUUID())
		}
	}
	s.logf("sandbox: %s %s -> %d", r.Method, r.URL.RequestURI(), rec.status)
	if faulted && kind == FaultDropAfterCommit {
		return nil, true
	}
	return rec, false
}

func (s *Server) currentVersion() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// allow applies the rate limiter. It returns false after writing a 429.
func (s *Server) allow(rec *recorder, class string) bool {
	if s.limiter == nil || class == "" {
		return true
	}
	ok, wait := s.limiter.allow(class, s.now())
	if !ok {
		s.countRateLimited()
		writeTooManyRequests(rec, wait)
	}
	return ok
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) == 1
}
