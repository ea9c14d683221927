package workato

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Class is a rate-limit budget: Workato counts requests per endpoint
// group, per Embed admin workspace (reference §2).
type Class string

// Rate classes. The limits are in DefaultLimits.
const (
	ClassCustomers        Class = "customers"         // list/get/update/delete customers and other manage-customer calls
	ClassCustomerCreate   Class = "customer_create"   // POST /managed_users
	ClassMembers          Class = "members"           // member calls other than DELETE
	ClassMemberDelete     Class = "member_delete"     // DELETE /managed_users/:id/members/:member_id
	ClassConnectionsList  Class = "connections_list"  // GET /managed_users/:id/connections
	ClassConnections      Class = "connections"       // every other connection call
	ClassPropertiesList   Class = "properties_list"   // GET /managed_users/:id/properties
	ClassPropertiesUpsert Class = "properties_upsert" // POST /managed_users/:id/properties
	ClassImports          Class = "imports"           // POST /managed_users/:id/imports
	ClassImportStatus     Class = "import_status"     // GET /managed_users/:id/imports/:id
	ClassExports          Class = "exports"           // export_manifests and exports
	ClassConnectors       Class = "connectors"        // /integrations and the v2 connector schemas
	ClassFolders          Class = "folders"           // folders and projects
	ClassRecipesList      Class = "recipes_list"      // GET /managed_users/:id/recipes
	ClassRecipes          Class = "recipes"           // every other recipe call
	ClassOther            Class = "other"             // anything not mapped above
)

// Limit allows at most Requests request starts in any window of length
// Per. A zero Requests or Per means unlimited.
type Limit struct {
	Requests int
	Per      time.Duration
	// Margin widens the window to absorb latency jitter between our clock
	// and the server's counter; zero means Per/100.
	Margin time.Duration
}

func (l Limit) unlimited() bool { return l.Requests <= 0 || l.Per <= 0 }

func (l Limit) window() time.Duration {
	if l.Margin > 0 {
		return l.Per + l.Margin
	}
	return l.Per + l.Per/100
}

// Limits maps each class to its budget.
type Limits map[Class]Limit

// DefaultLimits returns the documented budgets (reference §2, DESIGN.md).
func DefaultLimits() Limits {
	perMin := func(n int) Limit { return Limit{Requests: n, Per: time.Minute} }
	return Limits{
		ClassCustomers:        perMin(60),
		ClassCustomerCreate:   perMin(1000),
		ClassMembers:          perMin(60),
		ClassMemberDelete:     perMin(1000),
		ClassConnectionsList:  perMin(1000),
		ClassConnections:      perMin(60),
		ClassPropertiesList:   perMin(1000),
		ClassPropertiesUpsert: perMin(60),
		// The docs disagree (1,000/min on one page, 500/hour on the import
		// page); the stricter one is planned for. A sliding hour also keeps
		// within "refused until the next hour" if the server counts clock hours.
		ClassImports:      {Requests: 500, Per: time.Hour},
		ClassImportStatus: perMin(1000),
		ClassExports:      perMin(60),
		ClassConnectors:   perMin(1000),
		ClassFolders:      perMin(60), // UNCONFIRMED [design.md: folders rate limit]: the docs' table was not captured; assumed 60/min
		// docs.workato.com/oem/oem-api/recipes.html: list 2,000/min, the
		// rest 1,000/min (docs/design.md row "recipes rate limits").
		ClassRecipesList: perMin(2000),
		ClassRecipes:     perMin(1000),
		ClassOther:       perMin(60),
	}
}

// mergeLimits overlays the caller's limits on the defaults.
func mergeLimits(l Limits) Limits {
	out := DefaultLimits()
	for c, v := range l {
		out[c] = v
	}
	return out
}

// ClassOf maps a request to its rate class. path is the API path, with or
// without the leading /api and a query string.
func ClassOf(method, path string) Class {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if segs[0] == "api" {
		segs = segs[1:]
	}
	v2 := len(segs) > 0 && segs[0] == "v2"
	if v2 {
		segs = segs[1:]
	}
	switch {
	case len(segs) == 0:
		return ClassOther
	case segs[0] == "integrations":
		return ClassConnectors
	case segs[0] != "managed_users":
		return ClassOther
	case v2:
		if len(segs) >= 3 && segs[2] == "connectors" {
			return ClassConnectors
		}
		return ClassOther
	case len(segs) == 1:
		if method == http.MethodPost {
			return ClassCustomerCreate
		}
		return ClassCustomers
	case segs[1] == "usage":
		return ClassOther // 1,000/min per the docs; its own budget here
	case len(segs) == 2:
		return ClassCustomers
	}
	return subresourceClass(method, segs[2], len(segs))
}

// subresourceClass classifies /managed_users/:id/<sub>/... with n segments.
func subresourceClass(method, sub string, n int) Class {
	switch sub {
	case "connections":
		if method == http.MethodGet && n == 3 {
			return ClassConnectionsList
		}
		return ClassConnections
	case "members", "member", "member_invitations":
		if method == http.MethodDelete && sub == "members" && n == 4 {
			return ClassMemberDelete
		}
		return ClassMembers
	case "properties":
		if method == http.MethodGet {
			return ClassPropertiesList
		}
		return ClassPropertiesUpsert
	case "imports":
		if method == http.MethodPost {
			return ClassImports
		}
		return ClassImportStatus
	case "export_manifests", "exports":
		return ClassExports
	case "folders", "projects":
		return ClassFolders
	case "recipes":
		if method == http.MethodGet && n == 3 {
			return ClassRecipesList
		}
		return ClassRecipes
	case "upgrade", "downgrade":
		return ClassCustomers
	}
	return ClassOther
}

// ClassStats counts what the scheduler saw for one class.
type ClassStats struct {
	Requests    int64         // request starts granted
	Waits       int64         // starts delayed by 1ms or more (queued or out of budget)
	Waited      time.Duration // total time spent waiting
	RateLimited int64         // 429 responses reported through Penalize
}

// Scheduler keeps every class within its Limit with a sliding window: a
// request may start only when fewer than Requests requests counted in the
// last Per (+Margin). A token bucket would let a full burst plus a window's
// refill through in one window, which the server, counting per window,
// answers with 429. Each class waits on its own, so a class out of budget
// never delays another. Safe for concurrent use.
//
// The server counts a request when it arrives, which this client cannot
// see: somewhere between the start and the response. So a request the
// client sent counts from its start until its response is in (in flight,
// it holds its slot), and its slot frees one window after the response.
// Stamping the start alone would trust every request to arrive as fast as
// the next one; a slow TLS handshake or a descheduled goroutine would then
// let the server see Requests+1 in a window.
type Scheduler struct {
	limits  Limits
	mu      sync.Mutex
	classes map[Class]*classState
}

type classState struct {
	limit Limit
	// gate admits one waiter at a time; Go queues blocked senders in
	// order, so waiters are served first come, first served.
	gate chan struct{}
	// freed wakes the waiter when an in-flight request finishes.
	freed chan struct{}

	mu sync.Mutex
	// ends holds, for each of the last Requests requests, when it stopped
	// counting against the window; the zero time while it is in flight.
	ends         []time.Time
	blockedUntil time.Time
	stats        ClassStats
}

// NewScheduler returns a scheduler for limits; classes missing from limits
// use limits[ClassOther], or the default for ClassOther.
func NewScheduler(limits Limits) *Scheduler {
	return &Scheduler{limits: limits, classes: make(map[Class]*classState)}
}

func (s *Scheduler) state(c Class) *classState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.classes[c]; ok {
		return st
	}
	l, ok := s.limits[c]
	if !ok {
		if l, ok = s.limits[ClassOther]; !ok {
			l = DefaultLimits()[ClassOther]
		}
	}
	st := &classState{limit: l, gate: make(chan struct{}, 1), freed: make(chan struct{}, 1)}
	if !l.unlimited() {
		st.ends = make([]time.Time, 0, l.Requests)
	}
	s.classes[c] = st
	return st
}

// Wait blocks until a request of class c may start, and records a request
// that starts and ends now. Callers that can tell when their request ends
// use acquire instead.
func (s *Scheduler) Wait(ctx context.Context, c Class) error {
	done, err := s.acquire(ctx, c)
	if err != nil {
		return err
	}
	done()
	return nil
}

// acquire blocks until a request of class c may start and records it as in
// flight; done records that its response is in. done must be called once.
func (s *Scheduler) acquire(ctx context.Context, c Class) (done func(), err error) {
	st := s.state(c)
	began := time.Now()
	select {
	case st.gate <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-st.gate }()
	for {
		st.mu.Lock()
		now := time.Now()
		at, slot := st.earliest()
		if slot >= -1 && !at.After(now) {
			done := st.record(now, slot)
			// Queueing behind a sibling for microseconds is not waiting
			// for budget; anything from a millisecond up is.
			if d := now.Sub(began); d >= time.Millisecond {
				st.stats.Waits++
				st.stats.Waited += d
			}
			st.mu.Unlock()
			return done, nil
		}
		st.mu.Unlock()
		if err := st.sleep(ctx, at, now); err != nil {
			return nil, err
		}
	}
}

// noSlot says every slot is held by a request in flight.
const noSlot = -2

// earliest is when the next start is allowed, and the slot it reuses (-1:
// a new one). With every slot in flight it returns noSlot and the time the
// class is blocked until. Callers hold st.mu.
func (st *classState) earliest() (time.Time, int) {
	at := st.blockedUntil
	if st.limit.unlimited() || len(st.ends) < st.limit.Requests {
		return at, -1
	}
	slot := noSlot
	var oldest time.Time
	for i, end := range st.ends {
		if !end.IsZero() && (slot == noSlot || end.Before(oldest)) {
			slot, oldest = i, end
		}
	}
	if slot == noSlot {
		return at, noSlot
	}
	if free := oldest.Add(st.limit.window()); free.After(at) {
		at = free
	}
	return at, slot
}

// sleep waits until at, or until an in-flight request of the class ends
// (at is then only the penalty, if any). Callers do not hold st.mu.
func (st *classState) sleep(ctx context.Context, at, now time.Time) error {
	var timer <-chan time.Time
	if d := at.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer:
	case <-st.freed:
	}
	return nil
}

// record notes a start in slot and returns the function that ends it.
// Callers hold st.mu.
func (st *classState) record(now time.Time, slot int) func() {
	st.stats.Requests++
	if st.limit.unlimited() {
		return func() {}
	}
	if slot < 0 {
		slot = len(st.ends)
		st.ends = append(st.ends, time.Time{})
	}
	st.ends[slot] = time.Time{}
	var once sync.Once
	return func() {
		once.Do(func() {
			st.mu.Lock()
			st.ends[slot] = time.Now()
			st.mu.Unlock()
			select {
			case st.freed <- struct{}{}:
			default:
			}
		})
	}
}

// Penalize records a 429 for class c and holds the whole class back for d,
// since every request of the class shares the server's exhausted budget.
func (s *Scheduler) Penalize(c Class, d time.Duration) {
	st := s.state(c)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.stats.RateLimited++
	if until := time.Now().Add(d); until.After(st.blockedUntil) {
		st.blockedUntil = until
	}
}

// Stats returns a snapshot of every class used so far.
func (s *Scheduler) Stats() map[Class]ClassStats {
	s.mu.Lock()
	states := make(map[Class]*classState, len(s.classes))
	for c, st := range s.classes {
		states[c] = st
	}
	s.mu.Unlock()
	out := make(map[Class]ClassStats, len(states))
	for c, st := range states {
		st.mu.Lock()
		out[c] = st.stats
		st.mu.Unlock()
	}
	return out
}
