package sopsfile

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// fleet writes n copies of the encrypted acme example (with the base,
// the package and the config) under a new directory. The copies differ in
// plaintext fields only, which mac_only_encrypted allows.
func fleet(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	copyTree(tb, examplesDir, dir, func(rel string) bool { return filepath.Dir(rel) != "customers" })
	acme, err := os.ReadFile(filepath.Join(examplesDir, "customers", "acme.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "customers"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		data := bytes.Replace(acme, []byte("name: acme\n"), fmt.Appendf(nil, "name: acme-%04d\n", i), 1)
		data = bytes.Replace(data, []byte("externalId: A2300\n"), fmt.Appendf(nil, "externalId: A2300-%04d\n", i), 1)
		writeFile(tb, filepath.Join(dir, "customers"), fmt.Sprintf("acme-%04d.yaml", i), data)
	}
	return dir
}

func copyTree(tb testing.TB, from, to string, keep func(rel string) bool) {
	tb.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if !keep(rel) {
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkLoad1000 loads, validates and decrypts 1,000 tenant manifests
// (age key) and compares the time per manifest with the sops CLI
// decrypting the same files, measured in the same run. Run on one core:
//
//	go test ./internal/spec -run x -bench Load1000 -cpu 1
//
// The sops CLI is found as $SOPS, on $PATH or in $(go env GOPATH)/bin
// (`make bench` installs it); without it only our own numbers print.
func BenchmarkLoad1000(b *testing.B) {
	const n = 1000
	dir := fleet(b, n)
	dec := demo(b)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		repo, err := spec.Load(dir, spec.Options{Schemas: schemas.FS, Decrypter: dec})
		if err != nil {
			b.Fatal(err)
		}
		if len(repo.Tenants) != n {
			b.Fatalf("loaded %d tenants, want %d", len(repo.Tenants), n)
		}
	}
	perManifest := time.Since(start) / time.Duration(b.N*n)
	b.StopTimer()
	b.ReportMetric(float64(perManifest.Nanoseconds()), "ns/manifest")
	b.ReportMetric((perManifest * n).Seconds(), "s/1000-manifests")

	sops := sopsBinary()
	if sops == "" {
		b.Logf("sops CLI not found: set $SOPS or run `make bench` to compare with it")
		return
	}
	keyFile, _ := filepath.Abs(demoKeyFile)
	const sample = 40 // process start-up dominates; a sample is enough
	cliStart := time.Now()
	for i := range sample {
		cmd := exec.Command(sops, "decrypt", filepath.Join(dir, "customers", fmt.Sprintf("acme-%04d.yaml", i)))
		cmd.Env = append(os.Environ(), "SOPS_AGE_KEY_FILE="+keyFile)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sops decrypt: %v\n%s", err, out)
		}
	}
	perFile := time.Since(cliStart) / sample
	b.ReportMetric(float64(perFile.Nanoseconds()), "sops-cli-ns/file")
	b.ReportMetric(float64(perFile)/float64(perManifest), "x-faster-than-sops-cli")
	b.Logf("load+validate+decrypt: %v per manifest (%v for %d); sops CLI decrypt alone: %v per file; ratio %.0fx",
		perManifest, perManifest*n, n, perFile, float64(perFile)/float64(perManifest))
}

func sopsBinary() string {
	if p := os.Getenv("SOPS"); p != "" {
		return p
	}
	if p, err := exec.LookPath("sops"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(string(bytes.TrimSpace(out)), "bin", "sops")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func writeFile(tb testing.TB, dir, name string, data []byte) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		tb.Fatal(err)
	}
}
