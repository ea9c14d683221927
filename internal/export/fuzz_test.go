package export

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// parsed is a rendered manifest read back, field by field.
type parsed struct {
	Metadata struct{ Name string }
	Customer struct {
		ExternalID        string `yaml:"externalId"`
		Name              string
		NotificationEmail string `yaml:"notificationEmail"`
		PlanID            string `yaml:"planId"`
		OriginURL         string `yaml:"originUrl"`
	}
	Members     []struct{ Email, Name, Role string }
	Folders     []struct{ Path string }
	Connections []struct {
		Name, Provider, Folder, Parent string
		ExternalID                     string `yaml:"externalId"`
	}
	Recipes []struct{ Name, Folder string }
}

var manifestKeys = map[string]bool{"apiVersion": true, "kind": true, "metadata": true, "customer": true,
	"members": true, "folders": true, "connections": true, "recipes": true}

// FuzzRender: whatever strings the API returns, the rendered manifest
// parses, holds only the keys export writes, and reads back as exactly the
// values it was given. Comments (the header, notes, input placeholders)
// cannot break out of their line.
func FuzzRender(f *testing.F) {
	f.Add("A2300", "Acme", "ops@acme.example", "Integrations", "Salesforce", "salesforce", "api_key", "note", "Sync")
	f.Add("x\nprune:\n  connections: true", "yes", "a@b", "null/- x", "line\nbreak", "http", "odd: key", "#\n", "@start")
	f.Add("\u0085\u2028\u2029", "\ufeff", "\"'", "a\\b", "\t", "", "~", "\r\n", "")
	f.Fuzz(func(t *testing.T, ext, name, email, folder, conn, provider, field, note, recipe string) {
		for _, s := range []string{ext, name, email, folder, conn, provider, field, note, recipe} {
			if !utf8.ValidString(s) { // the API's JSON never decodes to invalid UTF-8
				t.Skip()
			}
		}
		members := []spec.Member{{Email: email, Name: name, Role: recipe}}
		conns := []spec.Connection{
			{Name: conn, Provider: provider, Folder: folder, ExternalID: ext, Parent: recipe, State: spec.StateShell},
			{Name: name, Provider: provider, State: spec.StateShell},
			{Name: recipe, Provider: provider, State: spec.StateShell},
		}
		in := tenantOf(name, spec.Customer{ExternalID: ext, Name: name, NotificationEmail: email, PlanID: note, OriginURL: folder},
			members, []spec.Folder{{Path: folder}},
			[]Object{
				connObject(conns[0], []Note{shell, {Text: note}}, inputNotes("field_name", spec.PlaceholderRequired)),
				connObject(conns[1], []Note{shell}, inputNotes(field, note)),
				connObject(conns[2], []Note{shell, {Text: "The " + provider + " connector's input schema has no fields (it may authorize in a browser)."}}),
			},
			[]spec.Recipe{{Name: recipe, Folder: folder}}, note, ext)
		var buf bytes.Buffer
		if err := Render(&buf, in, note); err != nil {
			t.Fatal(err)
		}
		var keys map[string]any
		if err := yaml.Unmarshal(buf.Bytes(), &keys); err != nil {
			t.Fatalf("does not parse: %v\n%s", err, buf.Bytes())
		}
		for k := range keys {
			if !manifestKeys[k] {
				t.Fatalf("a value injected the key %q:\n%s", k, buf.Bytes())
			}
		}
		var got parsed
		if err := yaml.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		var want parsed
		want.Metadata.Name = name
		want.Customer.ExternalID, want.Customer.Name, want.Customer.NotificationEmail, want.Customer.PlanID, want.Customer.OriginURL = ext, name, email, note, folder
		for _, m := range members {
			want.Members = append(want.Members, struct{ Email, Name, Role string }{m.Email, m.Name, m.Role})
		}
		want.Folders = []struct{ Path string }{{folder}}
		for _, c := range conns {
			want.Connections = append(want.Connections, struct {
				Name, Provider, Folder, Parent string
				ExternalID                     string `yaml:"externalId"`
			}{c.Name, c.Provider, c.Folder, c.Parent, c.ExternalID})
		}
		want.Recipes = []struct{ Name, Folder string }{{recipe, folder}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("read back differently (-want +got):\n%s\n%s", diff, buf.Bytes())
		}
	})
}
