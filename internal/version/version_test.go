package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func buildInfo(version string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/workato-gitops/workato-gitops", Version: version}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

func TestFrom(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name          string
		bi            *debug.BuildInfo
		ldV, ldC, ldD string
		want          Info
		wantString    string
	}{
		{"go install @version", buildInfo("v1.2.3"), "", "", "",
			Info{Version: "v1.2.3", GoVersion: "go1.26.8"}, "v1.2.3 (go1.26.8)"},
		{"checkout with vcs stamping", buildInfo("(devel)", "vcs.revision", rev, "vcs.time", "2026-11-05T23:49:57Z", "vcs.modified", "true"), "", "", "",
			Info{Version: "(devel)", Commit: rev, Date: "2026-11-05T23:49:57Z", Modified: true, GoVersion: "go1.26.8"},
			"(devel) (commit 0123456789ab+dirty, 2026-11-05T23:49:57Z, go1.26.8)"},
		{"release build: ldflags win", buildInfo("(devel)", "vcs.revision", "ffff", "vcs.modified", "true"), "1.4.0", rev, "2026-12-01T10:00:00Z",
			Info{Version: "v1.4.0", Commit: rev, Date: "2026-12-01T10:00:00Z", GoVersion: "go1.26.8"},
			"v1.4.0 (commit 0123456789ab, 2026-12-01T10:00:00Z, go1.26.8)"},
		{"v-prefixed ldflags version kept", buildInfo(""), "v2.0.0-rc.1", "", "",
			Info{Version: "v2.0.0-rc.1", GoVersion: "go1.26.8"}, "v2.0.0-rc.1 (go1.26.8)"},
		{"no build info", nil, "", "", "", Info{Version: "(devel)"}, "(devel)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := from(tc.bi, tc.ldV, tc.ldC, tc.ldD)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("from (-want +got):\n%s", d)
			}
			if s := got.String(); s != tc.wantString {
				t.Errorf("String() = %q, want %q", s, tc.wantString)
			}
		})
	}
}

// TestLdflags links a program with the release build's -X flags and
// checks that Get reports them: the names in .goreleaser.yaml are the
// ones this package reads.
func TestLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	cfg, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const pkg = "github.com/workato-gitops/workato-gitops/internal/version"
	for _, v := range []string{"version", "commit", "date"} {
		if !strings.Contains(string(cfg), "-X "+pkg+"."+v+"=") {
			t.Errorf(".goreleaser.yaml does not set %s.%s", pkg, v)
		}
	}

	exe := filepath.Join(t.TempDir(), "printversion")
	ld := "-X " + pkg + ".version=1.4.0 -X " + pkg + ".commit=abcdef0123456789 -X " + pkg + ".date=2026-12-01T10:00:00Z"
	build := exec.Command("go", "build", "-ldflags", ld, "-o", exe, "./testdata/printversion")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "v1.4.0 (commit abcdef012345, 2026-12-01T10:00:00Z, " + runtime.Version() + ")"
	if string(out) != want {
		t.Errorf("the linked binary says %q, want %q", out, want)
	}
}
