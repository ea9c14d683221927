package main

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLayoutLimits keeps issue 9's shape: package main holds flags,
// environment, wording and exit codes (at most 1,500 lines of Go), and no
// production Go file is over 400 lines. Logic that outgrows them belongs
// in the internal package of its domain.
func TestLayoutLimits(t *testing.T) {
	t.Parallel()
	const maxMain, maxFile = 1500, 400
	mainLines := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := bytes.Count(data, []byte("\n"))
		if n > maxFile {
			t.Errorf("%s: %d lines, over %d: split it by what its parts do", path, n, maxFile)
		}
		if filepath.Dir(path) == "." {
			mainLines += n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if mainLines > maxMain {
		t.Errorf("package main: %d lines of Go, over %d: move logic to internal packages", mainLines, maxMain)
	}
}

// TestOnlyDecryptersLinkSOPS: the sops root package links its key service
// and every cloud KMS SDK (about 800 packages, seconds of linking for each
// race test binary). Only package main and internal/sopsfile (its one
// importer) may link it, in their programs or their tests; every other
// package takes decryption through spec.Decrypter (doctor its inspection
// through spec.Inspector), and its tests through spec/spectest.
func TestOnlyDecryptersLinkSOPS(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command here")
	}
	const module = "github.com/workato-gitops/workato-gitops"
	allowed := map[string]bool{module: true, module + "/internal/sopsfile": true}
	// One go list for every package, its test variants and test binaries.
	out, err := exec.Command(goTool, "list", "-test", "-f", "{{.ImportPath}}|{{range .Deps}}{{.}} {{end}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen, linking := 0, map[string]bool{}
	for line := range strings.Lines(string(out)) {
		path, deps, _ := strings.Cut(strings.TrimSpace(line), "|")
		seen++
		// "p", "p [p.test]", "p_test [p.test]" and "p.test" are p's.
		pkg, _, _ := strings.Cut(path, " ")
		pkg = strings.TrimSuffix(strings.TrimSuffix(pkg, ".test"), "_test")
		if slices.Contains(strings.Fields(deps), "github.com/getsops/sops/v3") {
			linking[pkg] = true
		}
	}
	if seen < 20 || !linking[module] {
		t.Fatalf("go list named %d packages, package main not among those linking SOPS; the check proves little", seen)
	}
	for _, pkg := range slices.Sorted(maps.Keys(linking)) {
		if !allowed[pkg] {
			t.Errorf("%s (or its test) links github.com/getsops/sops/v3: reach SOPS through spec.Decrypter or spec.Inspector (internal/sopsfile, handed in by main), or in tests through internal/spec/spectest", pkg)
		}
	}
}
