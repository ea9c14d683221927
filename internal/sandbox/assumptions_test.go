package sandbox_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestUnconfirmedCommentsNameARow keeps docs/design.md's API assumptions
// table and the code together: every UNCONFIRMED comment in the client and
// the sandbox names a row of the table (on its line or the next), and that
// row exists.
func TestUnconfirmedCommentsNameARow(t *testing.T) {
	design, err := os.ReadFile("../../docs/design.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| ([^|]+?) \|`).FindAllStringSubmatch(string(design), -1) {
		rows[m[1]] = true
	}
	ref := regexp.MustCompile(`design\.md(?:: ([^\]]+)\]| row\s+"([^"]+)"|, "Assumptions about the API"|, API assumptions: (\w+))`)
	var files []string
	for _, dir := range []string{"../workato", "."} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i, l := range lines {
			if !strings.Contains(l, "UNCONFIRMED") {
				continue
			}
			checked++
			window := l
			if i+1 < len(lines) {
				window += " " + strings.TrimPrefix(strings.TrimSpace(lines[i+1]), "// ")
			}
			m := ref.FindStringSubmatch(window)
			if m == nil {
				t.Errorf("%s:%d: UNCONFIRMED without a docs/design.md row: %s", f, i+1, strings.TrimSpace(l))
				continue
			}
			name := m[1] + m[2] + m[3]
			if name != "" && !rows[name] {
				t.Errorf("%s:%d: names row %q, which docs/design.md does not have", f, i+1, name)
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked only %d UNCONFIRMED comments; the scan is broken", checked)
	}
}
