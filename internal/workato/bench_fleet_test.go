package workato

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fleetPlanCalls is what planning a fleet of n tenants costs per class, at
// the minimum BenchmarkPlan1000 (internal/apply) counts: the customers list
// in pages of 100 plus the empty page that ends it, and per tenant the
// ledger (properties), the connections, two folder lists, the recipes
// (one page) and the members.
func fleetPlanCalls(n int) map[Class]int {
	return map[Class]int{
		ClassCustomers: n/100 + 1, ClassPropertiesList: n, ClassConnectionsList: n,
		ClassFolders: 2 * n, ClassRecipesList: n, ClassMembers: n,
	}
}

// limitsBeforeIssue10 are the budgets the client had before the recipes
// classes were split: every recipe call, the list included, at 60/min.
func limitsBeforeIssue10() Limits {
	l := DefaultLimits()
	delete(l, ClassRecipesList)
	l[ClassRecipes] = Limit{Requests: 60, Per: time.Minute}
	return l
}

// classOfBefore maps the recipes list to the single recipes class it had.
func classOfBefore(c Class) Class {
	if c == ClassRecipesList {
		return ClassRecipes
	}
	return c
}

// rateBound is the least time a sliding window of l admits calls in:
// Requests at once, then Requests per window.
func rateBound(calls int, l Limit) time.Duration {
	if l.unlimited() || calls <= l.Requests {
		return 0
	}
	return time.Duration(math.Ceil(float64(calls)/float64(l.Requests))-1) * l.Per
}

// BenchmarkFleetPlanRateBound prints, for 1,000 and 10,000 tenants, the
// rate-limit bound of a full-fleet plan at the documented limits, per class
// and overall, with the budgets before and after issue 10's recipes
// classes; and it measures the scheduler admitting that call mix at a
// scaled clock (one minute = 10 ms) to show the bound is what the client
// achieves.
//
//	go test ./internal/workato -run x -bench FleetPlanRateBound -benchtime 1x
func BenchmarkFleetPlanRateBound(b *testing.B) {
	scale := float64(10*time.Millisecond) / float64(time.Minute)
	for _, n := range []int{1000, 10000} {
		calls := fleetPlanCalls(n)
		for _, side := range []struct {
			name   string
			limits Limits
			class  func(Class) Class
		}{
			{"before", limitsBeforeIssue10(), classOfBefore},
			{"after", DefaultLimits(), func(c Class) Class { return c }},
		} {
			b.Run(fmt.Sprintf("tenants=%d/%s", n, side.name), func(b *testing.B) {
				perClass := map[Class]int{}
				for c, k := range calls {
					perClass[side.class(c)] += k
				}
				var bound time.Duration
				var lines []string
				for c, k := range perClass {
					d := rateBound(k, side.limits[c])
					bound = max(bound, d)
					lines = append(lines, fmt.Sprintf("  %-17s %6d calls at %5d/min: %v", c, k, side.limits[c].Requests, d))
				}
				sort.Strings(lines)
				scaled := Limits{}
				for c, l := range side.limits {
					scaled[c] = Limit{Requests: l.Requests, Per: time.Duration(float64(l.Per) * scale), Margin: 1}
				}
				var wall time.Duration
				for b.Loop() {
					wall = admit(b, NewScheduler(scaled), perClass)
				}
				scaledBound := time.Duration(float64(bound) * scale)
				ratio := 0.0
				if scaledBound > 0 {
					ratio = wall.Seconds() / scaledBound.Seconds()
				}
				b.ReportMetric(bound.Minutes(), "bound-min")
				b.ReportMetric(ratio, "wall/bound")
				fmt.Printf("\n%d tenants, %s: rate-limit bound %v (scheduler at scale: %v wall, %.2fx the bound)\n%s\n",
					n, side.name, bound, wall.Round(time.Millisecond), ratio, strings.Join(lines, "\n"))
			})
		}
	}
}

// admit lets calls through s, each class from its own goroutines, and
// returns how long the slowest class took.
func admit(b *testing.B, s *Scheduler, perClass map[Class]int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for c, k := range perClass {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range k {
				done, err := s.acquire(context.Background(), c)
				if err != nil {
					b.Error(err)
					return
				}
				done()
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}
