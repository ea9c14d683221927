package sandbox

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestRateClassesAgreeWithTheClient checks every route the sandbox serves
// against the API client's classifier: the two packages name their classes
// differently, but a route must get the same limit on both sides, and two
// routes must share a budget on one side exactly when they share it on the
// other. Otherwise a client that never exceeds its own budgets could still
// be answered 429, or could leave a budget the server grants unused.
//
// It lives in package sandbox because the route table is unexported; only
// the test, never the sandbox itself, imports the client.
func TestRateClassesAgreeWithTheClient(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	sandboxLimits, clientLimits := DefaultLimits(), workato.DefaultLimits()
	bySandbox := map[string][]string{} // sandbox class -> routes
	byClient := map[string][]string{}  // client class -> routes
	for pattern, rt := range s.routes {
		method, path, _ := strings.Cut(pattern, " ")
		path = wildcard.ReplaceAllString(path, "7")
		cc := workato.ClassOf(method, path)
		if rt.class == "" {
			t.Errorf("%s: the sandbox does not rate-limit it; the client puts it in %q", rt.name, cc)
			continue
		}
		want, got := sandboxLimits[rt.class], clientLimits[cc]
		if want.Requests != got.Requests || want.Per != got.Per {
			t.Errorf("%s: sandbox class %q allows %d per %v, client class %q allows %d per %v",
				rt.name, rt.class, want.Requests, want.Per, cc, got.Requests, got.Per)
		}
		bySandbox[rt.class] = append(bySandbox[rt.class], rt.name)
		byClient[string(cc)] = append(byClient[string(cc)], rt.name)
	}
	if diff := cmp.Diff(partition(bySandbox), partition(byClient)); diff != "" {
		t.Errorf("routes grouped by shared budget, sandbox (-) vs client (+):\n%s", diff)
	}
}

// partition forgets class names and keeps which routes share a budget.
func partition(byClass map[string][]string) [][]string {
	var out [][]string
	for _, routes := range byClass {
		sort.Strings(routes)
		out = append(out, routes)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// wildcard matches a route pattern's {name}.
var wildcard = regexp.MustCompile(`\{(\w+)\}`)

// TestRouteNames: the name each route counts under in Stats is its
// pattern with every {name} written :name, as the API docs write them.
func TestRouteNames(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for pattern, rt := range s.routes {
		method, path, _ := strings.Cut(pattern, " ")
		if want := method + " " + strings.TrimPrefix(wildcard.ReplaceAllString(path, ":$1"), "/api"); rt.name != want {
			t.Errorf("%s counts as %q, want %q", pattern, rt.name, want)
		}
	}
	if got := colonWildcards("/a/{x}/b/{long_name}"); got != "/a/:x/b/:long_name" {
		t.Errorf("colonWildcards = %q", got)
	}
}
