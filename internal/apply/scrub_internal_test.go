package apply

import (
	"context"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestRunScrub: the last line of defence removes every input value, short
// ones included, as a whole value; words that merely contain one keep
// their letters.
func TestRunScrub(t *testing.T) {
	tenant := &spec.Tenant{Connections: []spec.Connection{{Name: "api", Input: spec.Input{
		"user": spec.NewSecret("ab"), "pin": spec.NewSecret(int64(42)), "tls": spec.NewSecret(true),
		"password": spec.NewSecret("hunter2-long-enough"),
	}}}}
	r := newRun(context.Background(), &Executor{}, Work{Desired: plan.Desired{Tenant: tenant}})
	for _, tc := range []struct{ in, want string }{
		{"user ab rejected: about the pin 42 (4242)", "user (sensitive value) rejected: about the pin (sensitive value) (4242)"},
		{"bad password xhunter2-long-enoughx", "bad password x(sensitive value)x"},
		{"tls: true", "tls: true"},
	} {
		if got := r.scrub(tc.in); got != tc.want {
			t.Errorf("scrub(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
