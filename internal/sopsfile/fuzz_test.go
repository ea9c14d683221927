package sopsfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// FuzzDecrypt feeds arbitrary bytes to SOPS as the loader hands it a file,
// seeded with the loader's corpus and the examples. Nothing may panic (a
// panic inside SOPS is recovered as an "internal error" and counts as
// one), and no error may be other than a *spec.DecryptProblem.
func FuzzDecrypt(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(specTestdata, "bad", "*", "*.yaml"))
	more, _ := filepath.Glob(examplesDir + "/*/*.yaml")
	for _, p := range append(seeds, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	dec := demo(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := dec.Decrypt(data, func(string) bool { return true })
		if err == nil {
			return
		}
		p, ok := err.(*spec.DecryptProblem)
		if !ok {
			t.Fatalf("not a DecryptProblem: %T %v", err, err)
		}
		if strings.Contains(p.Msg, "internal error") {
			t.Fatalf("panic inside SOPS: %s", p.Msg)
		}
	})
}
