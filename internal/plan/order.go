package plan

import (
	"cmp"
	"container/heap"
	"fmt"
	"strings"
)

// order sorts actions topologically by their dependencies, breaking ties
// by phase and then by their place in the planner's output (which puts
// parents before children), so the same inputs always give the same
// order. It drops dependencies on actions that are not in the plan.
func order(actions []*Action) ([]Action, error) {
	index := map[string]int{}
	for i, a := range actions {
		index[a.ID] = i
	}
	indegree := make([]int, len(actions))
	next := make([][]int, len(actions))
	for i, a := range actions {
		deps := a.DependsOn[:0:0]
		seen := map[string]bool{}
		for _, d := range a.DependsOn {
			j, ok := index[d]
			if !ok || seen[d] || j == i {
				continue
			}
			seen[d] = true
			deps = append(deps, d)
			indegree[i]++
			next[j] = append(next[j], i)
		}
		a.DependsOn = deps
	}
	q := &queue{actions: actions}
	for i := range actions {
		if indegree[i] == 0 {
			heap.Push(q, i)
		}
	}
	out := make([]Action, 0, len(actions))
	for q.Len() > 0 {
		i := heap.Pop(q).(int)
		out = append(out, *actions[i])
		for _, j := range next[i] {
			if indegree[j]--; indegree[j] == 0 {
				heap.Push(q, j)
			}
		}
	}
	if len(out) != len(actions) {
		var stuck []string
		for i, n := range indegree {
			if n > 0 {
				stuck = append(stuck, actions[i].ID)
			}
		}
		return nil, fmt.Errorf("internal: actions depend on each other in a cycle: %s", strings.Join(stuck, ", "))
	}
	return out, nil
}

type queue struct {
	actions []*Action
	items   []int
}

func (q *queue) Len() int { return len(q.items) }
func (q *queue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	return cmp.Or(cmp.Compare(Phase(q.actions[a]), Phase(q.actions[b])), cmp.Compare(a, b)) < 0
}
func (q *queue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *queue) Push(x any)    { q.items = append(q.items, x.(int)) }
func (q *queue) Pop() any {
	n := len(q.items)
	x := q.items[n-1]
	q.items = q.items[:n-1]
	return x
}
