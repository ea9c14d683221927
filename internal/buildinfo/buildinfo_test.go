package buildinfo

import (
	"regexp"
	"runtime"
	"testing"
)

func TestText(t *testing.T) {
	got := Text("workato-gitops", Version(""))
	want := regexp.MustCompile(`^workato-gitops version (devel|v\S+)\ncommit: \S+( \(modified\))?\ngo: ` + regexp.QuoteMeta(runtime.Version()) + `\n$`)
	if !want.MatchString(got) {
		t.Errorf("got %q", got)
	}
	if v := Version("v1.2.3"); v != "v1.2.3" {
		t.Errorf("an override gives %q", v)
	}
}
