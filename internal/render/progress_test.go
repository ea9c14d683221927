package render

import (
	"bytes"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/apply"
)

func TestProgressPlain(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	p.Event(apply.Event{Tenant: "acme", Total: 2})
	p.Event(apply.Event{Tenant: "acme", Action: "create folder A", State: "start", Total: 2})
	p.Event(apply.Event{Tenant: "acme", Action: "create folder A", State: "failed", Err: "boom", Total: 2})
	p.Event(apply.Event{Tenant: "acme", State: "done", Done: 2, Total: 2})
	p.Close()
	want := "acme: applying 2 actions\nacme: [1/2] create folder A\nacme: failed: create folder A: boom\nacme: done (2/2)\n"
	if got := b.String(); got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}
