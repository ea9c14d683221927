package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSaveLoadUnknownKeys(t *testing.T) {
	dir := t.TempDir()
	p := Path(dir, "https://www.workato.com/api")
	if other := Path(dir, "https://app.eu.workato.com/api"); other == p {
		t.Fatal("two APIs share one cache file")
	}
	c := &Catalog{API: "https://www.workato.com/api", FetchedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Inputs: map[string][]Field{"http": {{Name: "base_url"}, {Name: "api_key", Secret: true}}}}
	if err := c.Save(p); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p, "https://www.workato.com/api")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	unknown, known := got.UnknownKeys("http", []string{"base_url", "tokn", "api_kye"})
	if !known || strings.Join(unknown, " ") != "api_kye tokn" {
		t.Errorf("UnknownKeys = %v, %v", unknown, known)
	}
	if _, known := got.UnknownKeys("salesforce", []string{"x"}); known {
		t.Error("a provider not fetched is known")
	}
	if _, err := Load(p, "https://app.eu.workato.com/api"); err == nil {
		t.Error("a catalogue of another API was used")
	}
	if c, err := Load(filepath.Join(dir, "none.json"), "x"); c != nil || err != nil {
		t.Errorf("a missing cache = %v, %v; want nothing", c, err)
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"format":   `{"format_version": 2, "api": "a"}`,
		"provider": `{"format_version": 1, "api": "a", "inputs": {"bad name\n": []}}`,
		"field":    `{"format_version": 1, "api": "a", "inputs": {"http": [{"name": ""}]}}`,
		"json":     `{`,
		"large":    `{"format_version": 1, "api": "a", "connectors": [` + strings.Repeat(`{"name":"x"},`, MaxSize/12) + `{"name":"x"}]}`,
	} {
		p := filepath.Join(dir, name+".json")
		os.WriteFile(p, []byte(text), 0o644)
		if _, err := Load(p, "a"); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"format_version": 1, "api": "a", "inputs": {"http": [{"name": "base_url"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "c.json")
		os.WriteFile(p, data, 0o644)
		c, err := Load(p, "a")
		if err == nil && c != nil {
			c.UnknownKeys("http", []string{"x"})
		}
	})
}
