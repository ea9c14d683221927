package spec

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadManifest(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(ok, []byte("name: a\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("#"), DefaultMaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	data, perm, err := ReadManifest(ok)
	if err != nil || string(data) != "name: a\n" || perm != 0o640 {
		t.Errorf("ReadManifest = %q, %o, %v", data, perm, err)
	}
	for file, want := range map[string]string{
		filepath.Join(dir, "none.yaml"): "no such file",
		dir:                             "not a regular file",
		big:                             "larger than the",
	} {
		if _, _, err := ReadManifest(file); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ReadManifest(%s) error = %v, want %q", filepath.Base(file), err, want)
		}
	}
}

func TestEditInTemp(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	var out bytes.Buffer
	stdio := Stdio{In: strings.NewReader(""), Out: &out, Err: &out}
	// The editor sees a private file holding the text, under the name given.
	edit := `sh -c 'case "$1" in */x.yaml) ;; *) exit 9;; esac; [ "$(stat -c %a "$1")" = 600 ] || exit 8; echo more >> "$1"' sh`
	got, err := EditInTemp("x.yaml", []byte("text\n"), edit, stdio)
	if err != nil {
		t.Fatalf("EditInTemp: %v (%s)", err, out.String())
	}
	if string(got) != "text\nmore\n" {
		t.Errorf("edited = %q", got)
	}
	for editor, want := range map[string]string{
		`sh -c 'exit 1'`:     "the editor failed (sh); nothing was changed",
		`sh -c 'rm "$1"' sh`: "the edited file is gone or too large; nothing was changed",
		`'unbalanced`:        "EDITOR is not a command line",
		` `:                  "EDITOR is not a command line",
	} {
		if _, err := EditInTemp("x.yaml", []byte("text\n"), editor, stdio); err == nil || err.Error() != want {
			t.Errorf("editor %q: error = %v, want %q", editor, err, want)
		}
	}
}

func TestEditInTempRemovesItsDirectory(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	record := filepath.Join(t.TempDir(), "path")
	if _, err := EditInTemp("x.yaml", nil, `sh -c 'echo "$1" > `+record+`' sh`, Stdio{}); err != nil {
		t.Fatal(err)
	}
	p, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(strings.TrimSpace(string(p)))); !os.IsNotExist(err) {
		t.Errorf("the private directory is still there: %v", err)
	}
}
