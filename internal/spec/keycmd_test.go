package spec

import (
	"bytes"
	"os/exec"
	"testing"
)

func TestRunKeyCommand(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	tests := []struct {
		name, command, out, err string
	}{
		{"output", `sh -c 'echo AGE-SECRET-KEY-1X; echo noise >&2'`, "AGE-SECRET-KEY-1X\n", ""},
		{"status", `sh -c 'exit 3'`, "", "sh exited with status 3"},
		{"not found", `workato-gitops-no-such-command`, "", "cannot run workato-gitops-no-such-command"},
		{"empty", ``, "", "not a command line"},
		{"unbalanced quote", `sh -c 'echo`, "", "not a command line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := RunKeyCommand(tt.command)
			if got := errString(err); got != tt.err {
				t.Fatalf("error = %q, want %q", got, tt.err)
			}
			if string(out) != tt.out {
				t.Errorf("output = %q, want %q", out, tt.out)
			}
		})
	}
}

func TestRunKeyCommandBounded(t *testing.T) {
	if _, err := exec.LookPath("head"); err != nil {
		t.Skip("no head")
	}
	out, err := RunKeyCommand("head -c 3000000 /dev/zero")
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != maxKeySource+1 {
		t.Errorf("kept %d bytes, want %d", len(out), maxKeySource+1)
	}
}

func TestLimitWriter(t *testing.T) {
	var b bytes.Buffer
	w := &limitWriter{w: &b, n: 5}
	for _, p := range []string{"abc", "defg", "hij"} {
		if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if got := b.String(); got != "abcde" {
		t.Errorf("kept %q, want %q", got, "abcde")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
