package sopsfile

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// dump renders a repo as stable text for golden comparison.
func dump(r *spec.Repo) string {
	var b strings.Builder
	c := r.Config
	fmt.Fprintf(&b, "config: dataCenter=%q url=%q parallelism=%d guards=%+v ignore=%q fingerprintKey=%v\n",
		c.DataCenter, c.APIURL, c.Parallelism, c.Guards, c.Ignore, !c.FingerprintKey.IsZero())
	for _, f := range r.Files {
		fmt.Fprintf(&b, "file: %s\n", f.Path)
	}
	at := func(p spec.Pos) string { return filepath.Base(p.File) + ":" + fmt.Sprint(p.Line) }
	for _, t := range r.Tenants {
		fmt.Fprintf(&b, "\ntenant %s (%s) extends=%q\n", t.Name, at(t.Pos), t.Extends)
		fmt.Fprintf(&b, "  customer %+v\n", struct{ ID, ExternalID, Name, Email, Plan any }{t.Customer.ID, t.Customer.ExternalID, t.Customer.Name, t.Customer.NotificationEmail, t.Customer.PlanID})
		for _, m := range t.Members {
			fmt.Fprintf(&b, "  member %s %q %s (%s)\n", m.Email, m.Name, m.Role, at(m.Pos))
		}
		for _, f := range t.Folders {
			fmt.Fprintf(&b, "  folder %q protect=%v implied=%v (%s)\n", f.Path, f.Protect, f.Implied, at(f.Pos))
		}
		for _, c := range t.Connections {
			keys := make([]string, 0, len(c.Input))
			for k := range c.Input {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			fmt.Fprintf(&b, "  connection %q %s folder=%q state=%s parent=%q protect=%v externalId=%q input=%v (%s)\n",
				c.Name, c.Provider, c.Folder, c.State, c.Parent, c.Protect, c.ExternalID, keys, at(c.Pos))
		}
		for _, p := range t.Packages {
			fmt.Fprintf(&b, "  package %q source=%q zip=%v folder=%q restart=%v (%s)\n", p.Name, p.SourceRel, p.IsZip, p.Folder, p.RestartRecipes, at(p.Pos))
		}
		for _, r := range t.Recipes {
			fmt.Fprintf(&b, "  recipe %q folder=%q running=%v (%s)\n", r.Name, r.Folder, r.Running, at(r.Pos))
		}
		fmt.Fprintf(&b, "  prune %+v\n", t.Prune)
	}
	return b.String()
}

func TestLoadExamples(t *testing.T) {
	repo, ds := load(t, examplesDir, demoKeys(t))
	if len(ds) > 0 {
		t.Fatalf("examples have problems:\n%v", ds)
	}
	got := dump(repo)
	assertNoSecrets(t, "dump", got)
	golden(t, filepath.Join(specTestdata, "examples.golden"), got)

	// Decrypted values reach the connection, and only through Reveal.
	acme := repo.Tenants[0]
	want := map[string]any{"host_name": "acme.my.salesforce.com", "username": "integration@acme.example", "password": "acme-sf-password-93c2"}
	if diff := cmp.Diff(want, acme.Connections[2].Input.Reveal()); diff != "" {
		t.Errorf("acme Salesforce input (-want +got):\n%s", diff)
	}
	if repo.Config.FingerprintKey.Reveal() != "demo-fingerprint-key-TEST-ONLY-0123456789abcdef" {
		t.Errorf("fingerprint key not decrypted")
	}
	// Every way of printing the whole repo keeps the secrets in.
	for _, out := range []string{fmt.Sprintf("%v", repo), fmt.Sprintf("%+v", *acme), fmt.Sprintf("%#v", acme.Connections), mustJSON(t, repo)} {
		assertNoSecrets(t, "printed repo", out)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestFullMACFile loads a file encrypted without mac_only_encrypted, which
// SOPS decrypts whole (no pruning); its bad twin is in the corpus.
func TestFullMACFile(t *testing.T) {
	repo, ds := load(t, filepath.Join(specTestdata, "good", "full-mac"), demoKeys(t))
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	got := repo.Tenants[0].Connections[0].Input.Reveal()
	want := map[string]any{"username": "fixture-user-5150", "password": "fixture-password-8675309"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("input (-want +got):\n%s", diff)
	}
}
