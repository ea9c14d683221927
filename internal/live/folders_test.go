package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// hostile is a test server that answers every folder list with
// children(parent id) and counts the folder lists it served. Everything
// else a plan reads is empty.
type hostile struct {
	lists    atomic.Int64
	children func(parent int64) []map[string]any
}

func (h *hostile) serve(t *testing.T) *workato.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/folders"):
			h.lists.Add(1)
			parent, _ := strconv.ParseInt(r.URL.Query().Get("parent_id"), 10, 64)
			json.NewEncoder(w).Encode(h.children(parent))
		case strings.HasSuffix(r.URL.Path, "/managed_users/E42"):
			fmt.Fprint(w, `{"result": {"id": 42, "external_id": "42", "name": "Hostile"}}`)
		case strings.HasSuffix(r.URL.Path, "/properties"):
			fmt.Fprint(w, `{}`)
		default:
			fmt.Fprint(w, `[]`)
		}
	}))
	t.Cleanup(srv.Close)
	limits := workato.Limits{}
	for class := range workato.DefaultLimits() {
		limits[class] = workato.Limit{}
	}
	c, err := workato.New(workato.Config{BaseURL: srv.URL + "/api", Token: "t", Limits: limits, Retry: workato.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// twins answers, under every folder down to depth levels, two folders
// named "X" with fresh ids: a walk that follows both lists 2^depth times.
func twins(depth int64) func(int64) []map[string]any {
	return func(parent int64) []map[string]any {
		level := int64(0)
		for p := parent; p > 0; p /= 2 {
			level++
		}
		if level >= depth {
			return nil
		}
		a, b := max(parent, 0)*2+2, max(parent, 0)*2+3
		return []map[string]any{{"id": a, "name": "X", "parent_id": max(parent, 1)}, {"id": b, "name": "X", "parent_id": max(parent, 1)}}
	}
}

const twinDepth = 12

// TestPlanReadRefusesTwinFolders: a manifest's folder under two sibling
// folders of the same name was walked through both, level after level:
// 2^depth folder lists. The read now stops at the first level, with an
// error that names the twins.
func TestPlanReadRefusesTwinFolders(t *testing.T) {
	h := &hostile{children: twins(twinDepth)}
	r := &apply.Reader{Client: h.serve(t), Parallelism: 1}
	deep := strings.Repeat("X/", twinDepth) + "Y"
	tenant := &spec.Tenant{Name: "hostile", Customer: spec.Customer{ExternalID: "42"}, Folders: []spec.Folder{{Path: deep}}}
	_, err := r.Tenant(context.Background(), tenant, nil)
	var de *live.DuplicateError
	if !errors.As(err, &de) {
		t.Errorf("read: got error %v, want a *live.DuplicateError", err)
	} else if got := de.Error(); !strings.Contains(got, `"X" names 2 folders (#2, #3)`) {
		t.Errorf("error %q does not name the twins", got)
	}
	if n := h.lists.Load(); n > 2 {
		t.Errorf("the read listed folders %d times; want at most 2 (no walk through twins)", n)
	}
}

// TestWalkNeverListsTwice: a server that answers every list with the same
// folder (a cycle: the folder is its own child) made a full walk loop for
// ever. Each folder id is now recorded, and listed, once.
func TestWalkNeverListsTwice(t *testing.T) {
	h := &hostile{children: func(int64) []map[string]any {
		return []map[string]any{{"id": 5, "name": "Loop", "parent_id": 1}}
	}}
	tree, err := live.WalkFolders(context.Background(), h.serve(t), workato.ByID(42), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Folders) != 1 || tree.Folders[0].Path != "Loop" || tree.HomeID != 1 {
		t.Errorf("tree = %+v, want the one folder Loop under Home #1", tree)
	}
	if n := h.lists.Load(); n != 2 {
		t.Errorf("listed %d times, want 2 (Home, then Loop once)", n)
	}
}

// TestWalkTwinsEverywhere: a full walk (as export makes) of a server with
// twins at every level lists Home only, and reports the twins.
func TestWalkTwinsEverywhere(t *testing.T) {
	h := &hostile{children: twins(twinDepth)}
	tree, err := live.WalkFolders(context.Background(), h.serve(t), workato.ByID(42), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := h.lists.Load(); n != 1 {
		t.Errorf("listed %d times, want 1", n)
	}
	if tree.Err() == nil || len(tree.Duplicates) != 1 || tree.Duplicates[0].Path != "X" {
		t.Errorf("duplicates = %+v, want one: X", tree.Duplicates)
	}
}

// TestWalkDescend lists only what descend asks for, and records unnamable
// folders without walking into them.
func TestWalkDescend(t *testing.T) {
	h := &hostile{children: func(parent int64) []map[string]any {
		switch parent {
		case 0:
			return []map[string]any{{"id": 10, "name": "A", "parent_id": 1}, {"id": 11, "name": "B", "parent_id": 1}, {"id": 12, "name": "a/b", "parent_id": 1}}
		case 10:
			return []map[string]any{{"id": 20, "name": "C", "parent_id": 10}}
		}
		return []map[string]any{{"id": 99, "name": "never", "parent_id": parent}}
	}}
	tree, err := live.WalkFolders(context.Background(), h.serve(t), workato.ByID(42), func(p string) bool { return p == "A" })
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range tree.Folders {
		paths = append(paths, f.Path)
	}
	if got, want := strings.Join(paths, ","), "A,B,a/b,A/C"; got != want {
		t.Errorf("paths %s, want %s", got, want)
	}
	if len(tree.Unnamable) != 1 || tree.Unnamable[0].ID != 12 {
		t.Errorf("unnamable = %+v, want #12", tree.Unnamable)
	}
	if kids := tree.Children("A"); len(kids) != 1 || kids[0].ID != 20 {
		t.Errorf("Children(A) = %+v", kids)
	}
	if n := h.lists.Load(); n != 2 {
		t.Errorf("listed %d times, want 2", n)
	}
}
