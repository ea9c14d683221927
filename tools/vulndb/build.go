package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"time"
)

// maxEntry bounds one OSV file. The largest entry in the database is
// well under 100 KiB; anything near this limit is not an OSV entry.
const maxEntry = 1 << 20

// idPattern is the shape of a Go vulnerability id. It also keeps an
// id from naming a path outside ID/ when it becomes a file name.
var idPattern = regexp.MustCompile(`^GO-[0-9]{4}-[0-9]{4,}$`)

// entry is the part of an OSV entry the index needs. The entry itself
// is copied byte for byte.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

type dbMeta struct {
	Modified time.Time `json:"modified"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	// Fixed is left out: the format makes it an optional hint that
	// lets a client skip entries a version is past. Without it,
	// govulncheck reads every entry of a module and matches the
	// entry's own ranges, which is exact and never misses one.
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vulnMeta struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

// build writes a vulnerability database in the v1 layout that
// `govulncheck -db file://DIR` reads (https://go.dev/security/vuln/database#api):
// index/db.json, index/modules.json, index/vulns.json and ID/<id>.json,
// from the OSV files in src (x/vulndb's data/osv). The files there carry
// no modification time (the hosted database stamps it at deploy), so an
// entry without one gets asOf, the time of the x/vulndb version read.
// Output is a function of the input alone: the same src and asOf give
// the same bytes.
func build(src fs.FS, out string, asOf time.Time) (n int, err error) {
	names, err := fs.Glob(src, "*.json")
	if err != nil {
		return 0, err
	}
	if len(names) == 0 {
		return 0, errors.New("no OSV entries (*.json) in the source directory")
	}
	if err := os.MkdirAll(filepath.Join(out, "ID"), 0o755); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(out, "index"), 0o755); err != nil {
		return 0, err
	}
	db := dbMeta{Modified: asOf.UTC()}
	modules := map[string]*moduleMeta{}
	var vulns []vulnMeta
	for _, name := range names {
		data, e, err := readEntry(src, name)
		if err != nil {
			return 0, err
		}
		if e.Modified.IsZero() {
			e.Modified = asOf.UTC()
		}
		if e.Modified.After(db.Modified) {
			db.Modified = e.Modified.UTC()
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), data, 0o644); err != nil {
			return 0, err
		}
		vulns = append(vulns, vulnMeta{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases})
		seen := map[string]bool{}
		for _, a := range e.Affected {
			p := a.Package.Name
			if p == "" || seen[p] {
				continue
			}
			seen[p] = true
			if modules[p] == nil {
				modules[p] = &moduleMeta{Path: p, Vulns: []moduleVuln{}}
			}
			modules[p].Vulns = append(modules[p].Vulns, moduleVuln{ID: e.ID, Modified: e.Modified})
		}
	}
	mods := make([]*moduleMeta, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	for file, v := range map[string]any{"db.json": db, "modules.json": mods, "vulns.json": vulns} {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(out, "index", file), b, 0o644); err != nil {
			return 0, err
		}
	}
	return len(names), nil
}

// readEntry reads one OSV file, bounded, and checks that it is an entry
// whose id is a Go vulnerability id matching its file name.
func readEntry(src fs.FS, name string) ([]byte, entry, error) {
	var e entry
	f, err := src.Open(name)
	if err != nil {
		return nil, e, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEntry+1))
	if err != nil {
		return nil, e, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxEntry {
		return nil, e, fmt.Errorf("%s: larger than %d bytes", name, maxEntry)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&e); err != nil {
		return nil, e, fmt.Errorf("%s: not an OSV entry: %w", name, err)
	}
	if !idPattern.MatchString(e.ID) {
		return nil, e, fmt.Errorf("%s: id %q is not a Go vulnerability id", name, e.ID)
	}
	if path.Base(name) != e.ID+".json" {
		return nil, e, fmt.Errorf("%s: holds entry %s; the file must be named %s.json", name, e.ID, e.ID)
	}
	if len(e.Affected) == 0 {
		return nil, e, fmt.Errorf("%s: no affected module", name)
	}
	return data, e, nil
}
