package live

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestWalkEndlessChain: a server that answers every folder list with one
// new child (an endless chain, each with a fresh id and name) stops the
// walk at the folder limit instead of running for ever.
func TestWalkEndlessChain(t *testing.T) {
	maxFolders = 50
	defer func() { maxFolders = MaxFolders }()
	lists := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lists++
		parent, _ := strconv.ParseInt(r.URL.Query().Get("parent_id"), 10, 64)
		fmt.Fprintf(w, `[{"id": %d, "name": "F%d", "parent_id": %d}]`, parent+1, parent+1, max(parent, 1))
	}))
	defer srv.Close()
	c, err := workato.New(workato.Config{BaseURL: srv.URL + "/api", Token: "t", Retry: workato.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = WalkFolders(context.Background(), c, workato.ByID(1), nil)
	if err == nil || !strings.Contains(err.Error(), "more than 50 folders") {
		t.Errorf("got %v, want the folder limit", err)
	}
	if lists > 51 {
		t.Errorf("listed %d times after the limit", lists)
	}
}
