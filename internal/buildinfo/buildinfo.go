// Package buildinfo says which build of the program is running: the
// module version, the commit it was built from and the Go version, from
// runtime/debug's build info. It reads nothing else.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is override when set (a release's -ldflags -X), else the
// module version of the build, else "devel".
func Version(override string) string {
	if override != "" {
		return override
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Text is what version and --version print: the version, the commit
// (vcs.revision, marked when the tree had local changes; "unknown" when
// the build did not stamp it) and the Go version.
func Text(name, version string) string {
	commit, goVersion := "unknown", runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified {
			commit += " (modified)"
		}
	}
	return fmt.Sprintf("%s version %s\ncommit: %s\ngo: %s\n", name, version, commit, goVersion)
}
