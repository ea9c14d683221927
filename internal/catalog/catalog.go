// Package catalog keeps a local copy of an Embedded account's connector
// catalogue: the connectors it offers and the input keys each provider
// takes, as the API's input schemas list them. `workato-gitops providers`
// writes it; validate reads it, offline, to warn about input keys a
// provider does not take.
//
// The copy is a cache, not a source of truth: it is keyed by the API base
// URL it came from, read through a size limit, checked before use, and a
// missing or unreadable one only means no warnings. It holds no secret:
// connector names and input field names only. It reads no environment
// and writes to no terminal: package main hands in the path, the API
// client and the writer it lists to.
package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// FormatVersion is the version of the cache file's format.
const FormatVersion = 1

// MaxSize bounds a cache file: a catalogue of a few thousand connectors
// with their fields is a few hundred kilobytes.
const MaxSize = 8 << 20

// Connector is one entry of the catalogue.
type Connector struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	OAuth bool   `json:"oauth,omitempty"`
}

// Field is one input key of a provider.
type Field struct {
	Name     string `json:"name"`
	Label    string `json:"label,omitempty"`
	Optional bool   `json:"optional,omitempty"`
	Secret   bool   `json:"secret,omitempty"`
}

// Catalog is what the cache file holds.
type Catalog struct {
	FormatVersion int                `json:"format_version"`
	API           string             `json:"api"`
	FetchedAt     time.Time          `json:"fetched_at"`
	Connectors    []Connector        `json:"connectors,omitempty"`
	Inputs        map[string][]Field `json:"inputs,omitempty"` // by provider; only those fetched
}

// Path is where the catalogue of the API at base is cached below the
// user's cache directory (cacheDir: $XDG_CACHE_HOME, else ~/.cache): one
// file per API, so that accounts and data centers never mix.
func Path(cacheDir, base string) string {
	sum := sha256.Sum256([]byte(base))
	return filepath.Join(cacheDir, "workato-gitops", "catalog-"+hex.EncodeToString(sum[:8])+".json")
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,200}$`)

// Load reads the cache at path for the API at base. A missing file is
// (nil, nil); a file for another API, of another format, or that does not
// check, is an error the caller may ignore.
func Load(path, base string) (*Catalog, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxSize)
	}
	var c Catalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: not a catalogue: %v", path, err)
	}
	if err := c.check(base); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &c, nil
}

// LoadOrNew is the cache at path for the API at base when it is usable,
// else an empty catalogue for that API, to be rebuilt.
func LoadOrNew(path, base string) *Catalog {
	if c, err := Load(path, base); err == nil && c != nil {
		return c
	}
	return &Catalog{API: base}
}

func (c *Catalog) check(base string) error {
	switch {
	case c.FormatVersion != FormatVersion:
		return fmt.Errorf("format_version %d, want %d", c.FormatVersion, FormatVersion)
	case c.API != base:
		return errors.New("a catalogue of another API")
	}
	for _, k := range c.Connectors {
		if !nameRE.MatchString(k.Name) {
			return fmt.Errorf("connector name %q", k.Name)
		}
	}
	for p, fields := range c.Inputs {
		if !nameRE.MatchString(p) {
			return fmt.Errorf("provider name %q", p)
		}
		for _, f := range fields {
			if f.Name == "" || len(f.Name) > 200 {
				return fmt.Errorf("provider %s: a field without a name", p)
			}
		}
	}
	return nil
}

// Save writes the catalogue to path atomically, creating its directory.
func (c *Catalog) Save(path string) error {
	c.FormatVersion = FormatVersion
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".catalog-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// UnknownKeys are the keys that provider's input does not take, sorted,
// and whether the catalogue knows the provider's input keys at all.
func (c *Catalog) UnknownKeys(provider string, keys []string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	fields, ok := c.Inputs[provider]
	if !ok {
		return nil, false
	}
	var out []string
	for _, k := range keys {
		if !slices.ContainsFunc(fields, func(f Field) bool { return f.Name == k }) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, true
}

// FieldNames are the input keys of provider, in the API's order.
func (c *Catalog) FieldNames(provider string) []string {
	var out []string
	for _, f := range c.Inputs[provider] {
		out = append(out, f.Name)
	}
	return out
}
