// Command vulndb builds an offline Go vulnerability database for
// `govulncheck -db file://DIR` from a pinned version of the
// golang.org/x/vulndb module, so that `make lint` checks for known
// vulnerabilities without reaching vuln.go.dev, and gives the same
// answer on every machine for one pinned version.
//
// usage:
//
//	go mod download -json golang.org/x/vulndb@VERSION > download.json
//	go run ./tools/vulndb -download download.json -sum h1:... -out DIR
//
// The module's hash is checked against -sum (the go command has
// already checked it against the checksum database), so the database
// is exactly the one the Makefile pins. DIR is replaced only once the
// new database is complete.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

func main() {
	download := flag.String("download", "", "the output of `go mod download -json golang.org/x/vulndb@VERSION`")
	sum := flag.String("sum", "", "the module hash (h1:...) the download must have")
	out := flag.String("out", "", "the database directory to write")
	flag.Parse()
	if *download == "" || *sum == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: vulndb -download FILE -sum h1:... -out DIR")
		os.Exit(2)
	}
	mod, err := run(*download, *sum, *out)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vulndb: error: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("vulndb: %s\n", mod)
}

// module is the part of `go mod download -json` the tool reads.
type module struct {
	Path, Version, Error string
	Info, Dir, Sum       string
}

func run(download, sum, out string) (string, error) {
	var m module
	if err := readJSON(download, &m); err != nil {
		return "", err
	}
	if m.Error != "" {
		return "", fmt.Errorf("download %s@%s: %s", m.Path, m.Version, m.Error)
	}
	if m.Path != "golang.org/x/vulndb" {
		return "", fmt.Errorf("%s: module %q, want golang.org/x/vulndb", download, m.Path)
	}
	if m.Sum != sum {
		return "", fmt.Errorf("%s@%s has hash %s, want %s", m.Path, m.Version, m.Sum, sum)
	}
	var info struct{ Time time.Time }
	if err := readJSON(m.Info, &info); err != nil {
		return "", err
	}
	if info.Time.IsZero() {
		return "", fmt.Errorf("%s: no version time", m.Info)
	}
	tmp := out + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return "", err
	}
	n, err := build(os.DirFS(filepath.Join(m.Dir, "data", "osv")), tmp, info.Time)
	if err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("%s@%s: %w", m.Path, m.Version, err)
	}
	if err := os.RemoveAll(out); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d entries from %s@%s in %s", n, m.Path, m.Version, out), nil
}

// readJSON decodes a small file written by the go command.
func readJSON(name string, v any) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
