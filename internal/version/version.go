// Package version says which build of workato-gitops is running: the
// module version, the commit and the Go version. It reads them from the
// build info the go command embeds in every binary, so `go install
// ...@v1.2.3` reports v1.2.3 with no extra step; a release build sets
// them with -ldflags -X (see .goreleaser.yaml), and those values win.
// It only reports; printing is the caller's.
package version

import (
	"runtime/debug"
	"strings"
)

// Set by the release build:
//
//	-X github.com/workato-gitops/workato-gitops/internal/version.version=v1.2.3
//	-X github.com/workato-gitops/workato-gitops/internal/version.commit=<full hash>
//	-X github.com/workato-gitops/workato-gitops/internal/version.date=<commit time, RFC 3339>
var version, commit, date string

// Info describes one build. Empty fields are unknown.
type Info struct {
	Version   string // module version, "v1.2.3"; "(devel)" for a build from a checkout
	Commit    string // VCS revision
	Date      string // commit time, RFC 3339
	Modified  bool   // built from a work tree with uncommitted changes
	GoVersion string // "go1.26.8"
}

// Get returns the running binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return from(bi, version, commit, date)
}

// from merges the build info (nil when the binary has none) with the
// values set at link time.
func from(bi *debug.BuildInfo, ldVersion, ldCommit, ldDate string) Info {
	var i Info
	if bi != nil {
		i.Version = bi.Main.Version
		i.GoVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				i.Commit = s.Value
			case "vcs.time":
				i.Date = s.Value
			case "vcs.modified":
				i.Modified = s.Value == "true"
			}
		}
	}
	if ldVersion != "" {
		i.Version = ldVersion
		if !strings.HasPrefix(i.Version, "v") {
			i.Version = "v" + i.Version
		}
	}
	if ldCommit != "" {
		i.Commit, i.Modified = ldCommit, false
	}
	if ldDate != "" {
		i.Date = ldDate
	}
	if i.Version == "" {
		i.Version = "(devel)"
	}
	return i
}

// String is the one line `workato-gitops version` prints:
// "v1.2.3 (commit 0123abcd4567, 2026-11-05T23:49:57Z, go1.26.8)".
func (i Info) String() string {
	var extra []string
	if c := i.Commit; c != "" {
		if len(c) > 12 {
			c = c[:12]
		}
		if i.Modified {
			c += "+dirty"
		}
		extra = append(extra, "commit "+c)
	}
	if i.Date != "" {
		extra = append(extra, i.Date)
	}
	if i.GoVersion != "" {
		extra = append(extra, i.GoVersion)
	}
	if len(extra) == 0 {
		return i.Version
	}
	return i.Version + " (" + strings.Join(extra, ", ") + ")"
}
