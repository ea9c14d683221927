package workato

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		method, path string
		want         Class
	}{
		{"GET", "/managed_users", ClassCustomers},
		{"GET", "/api/managed_users?page=2&per_page=100", ClassCustomers},
		{"POST", "/managed_users", ClassCustomerCreate},
		{"GET", "/managed_users/EA2300", ClassCustomers},
		{"PUT", "/managed_users/1", ClassCustomers},
		{"DELETE", "/managed_users/1", ClassCustomers},
		{"PUT", "/managed_users/1/upgrade", ClassCustomers},
		{"GET", "/managed_users/1/members", ClassMembers},
		{"POST", "/managed_users/1/members", ClassMembers},
		{"DELETE", "/managed_users/1/members/7", ClassMemberDelete},
		{"DELETE", "/managed_users/1/member", ClassMembers},
		{"GET", "/api/managed_users/1/connections?includes[]=tags", ClassConnectionsList},
		{"POST", "/managed_users/1/connections", ClassConnections},
		{"PUT", "/managed_users/1/connections/5", ClassConnections},
		{"POST", "/managed_users/1/connections/5/disconnect", ClassConnections},
		{"DELETE", "/managed_users/1/connections/5", ClassConnections},
		{"GET", "/managed_users/1/connections/jira/input_schema", ClassConnections},
		{"GET", "/managed_users/1/properties", ClassPropertiesList},
		{"POST", "/managed_users/1/properties", ClassPropertiesUpsert},
		{"POST", "/managed_users/1/imports", ClassImports},
		{"GET", "/managed_users/1/imports/9", ClassImportStatus},
		{"GET", "/managed_users/1/export_manifests/folder_assets", ClassExports},
		{"POST", "/managed_users/1/exports/3", ClassExports},
		{"GET", "/integrations/all", ClassConnectors},
		{"GET", "/api/v2/managed_users/1/connectors/jira/input_schema", ClassConnectors},
		{"GET", "/managed_users/1/folders", ClassFolders},
		{"POST", "/managed_users/1/folders", ClassFolders},
		{"GET", "/managed_users/1/projects", ClassFolders},
		{"GET", "/managed_users/1/recipes", ClassRecipesList},
		{"GET", "/managed_users/1/recipes/3", ClassRecipes},
		{"PUT", "/managed_users/1/recipes/3/start", ClassRecipes},
		{"GET", "/managed_users/usage", ClassOther},
		{"GET", "/customer_managers", ClassOther},
		{"GET", "", ClassOther},
	}
	for _, tc := range tests {
		if got := ClassOf(tc.method, tc.path); got != tc.want {
			t.Errorf("ClassOf(%s, %q) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestDefaultLimitsCoverEveryClass(t *testing.T) {
	want := map[Class]Limit{
		ClassConnectionsList: {Requests: 1000, Per: time.Minute},
		ClassConnections:     {Requests: 60, Per: time.Minute},
		ClassImports:         {Requests: 500, Per: time.Hour},
		ClassPropertiesList:  {Requests: 1000, Per: time.Minute},
		ClassMemberDelete:    {Requests: 1000, Per: time.Minute},
	}
	got := DefaultLimits()
	for c, l := range want {
		if got[c] != l {
			t.Errorf("DefaultLimits()[%s] = %+v, want %+v", c, got[c], l)
		}
	}
	if len(got) != 16 {
		t.Errorf("DefaultLimits() has %d classes, want 16", len(got))
	}
}

// grant runs n goroutines through Wait on class c and returns the times
// at which they were let through, sorted.
func grant(t *testing.T, s *Scheduler, c Class, n int) []time.Time {
	t.Helper()
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := s.Wait(context.Background(), c); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	return times
}

// TestSlidingWindowBound checks, on a fake clock, that no window of
// length Per ever holds more than Requests starts, under many goroutines.
func TestSlidingWindowBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := Limit{Requests: 60, Per: time.Minute, Margin: time.Second}
		s := NewScheduler(Limits{ClassConnections: l})
		start := time.Now()
		times := grant(t, s, ClassConnections, 300)
		for i := l.Requests; i < len(times); i++ {
			if gap := times[i].Sub(times[i-l.Requests]); gap < l.Per {
				t.Fatalf("starts %d and %d are %v apart: %d requests in one %v window", i-l.Requests, i, gap, l.Requests+1, l.Per)
			}
		}
		// Every class is kept busy: the first window goes out at once, and
		// 300 requests take four more windows, not more.
		if first := times[l.Requests-1].Sub(start); first != 0 {
			t.Errorf("the first %d requests waited %v, want none", l.Requests, first)
		}
		if total, want := times[len(times)-1].Sub(start), 4*(l.Per+l.Margin); total != want {
			t.Errorf("300 requests took %v, want %v", total, want)
		}
		st := s.Stats()[ClassConnections]
		if st.Requests != 300 || st.Waits != 240 {
			t.Errorf("stats = %+v, want 300 requests and 240 waits", st)
		}
	})
}

// TestClassesProgressIndependently: a class out of budget for an hour
// must not hold up another class.
func TestClassesProgressIndependently(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewScheduler(Limits{
			ClassImports:         {Requests: 1, Per: time.Hour, Margin: time.Second},
			ClassConnectionsList: {Requests: 10, Per: time.Second, Margin: time.Millisecond},
		})
		start := time.Now()
		if err := s.Wait(context.Background(), ClassImports); err != nil {
			t.Fatal(err)
		}
		importDone := make(chan time.Time)
		go func() {
			s.Wait(context.Background(), ClassImports)
			importDone <- time.Now()
		}()
		times := grant(t, s, ClassConnectionsList, 50)
		if took := times[len(times)-1].Sub(start); took > 5*time.Second {
			t.Errorf("connection lists took %v while imports waited, want about 4s", took)
		}
		if got := (<-importDone).Sub(start); got != time.Hour+time.Second {
			t.Errorf("second import started after %v, want 1h1s", got)
		}
	})
}

func TestPenalizeHoldsTheClassOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewScheduler(Limits{ClassRecipes: {}, ClassFolders: {}})
		start := time.Now()
		s.Penalize(ClassRecipes, 30*time.Second)
		if err := s.Wait(context.Background(), ClassFolders); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("folders waited %v for the recipes penalty", d)
		}
		if err := s.Wait(context.Background(), ClassRecipes); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 30*time.Second {
			t.Errorf("recipes waited %v, want 30s", d)
		}
		if got := s.Stats()[ClassRecipes]; got.RateLimited != 1 || got.Waits != 1 {
			t.Errorf("stats = %+v, want 1 rate-limited, 1 wait", got)
		}
	})
}

func TestWaitHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewScheduler(Limits{ClassOther: {Requests: 1, Per: time.Hour}})
		if err := s.Wait(context.Background(), ClassOther); err != nil {
			t.Fatal(err)
		}
		// One waiter sleeps for the slot, a second queues behind it; both
		// must give up when their contexts end.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		errs := make(chan error, 2)
		for range 2 {
			go func() { errs <- s.Wait(ctx, ClassOther) }()
		}
		for range 2 {
			if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Wait = %v, want context.DeadlineExceeded", err)
			}
		}
	})
}

func TestUnknownClassUsesOther(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewScheduler(Limits{ClassOther: {Requests: 2, Per: time.Second, Margin: time.Millisecond}})
		start := time.Now()
		times := grant(t, s, Class("lookup_tables"), 3)
		if got := times[2].Sub(start); got != time.Second+time.Millisecond {
			t.Errorf("third request started after %v, want 1.001s", got)
		}
	})
}

// TestSlotFreesAWindowAfterTheResponse: the server counts a request when it
// arrives, at some unknown point before the response; so a request holds its
// slot while in flight, and the slot frees one window after the response.
func TestSlotFreesAWindowAfterTheResponse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := Limit{Requests: 1, Per: time.Minute, Margin: time.Second}
		s := NewScheduler(Limits{ClassRecipes: l})
		start := time.Now()
		slow, err := s.acquire(context.Background(), ClassRecipes)
		if err != nil {
			t.Fatal(err)
		}
		granted := make(chan time.Time)
		go func() {
			s.Wait(context.Background(), ClassRecipes)
			granted <- time.Now()
		}()
		time.Sleep(10 * time.Minute) // the slow request is still in flight
		slow()
		if got, want := (<-granted).Sub(start), 10*time.Minute+l.Per+l.Margin; got != want {
			t.Errorf("the next start came after %v, want %v (a window after the response)", got, want)
		}
	})
}
