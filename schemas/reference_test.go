package schemas

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the generated parts of docs/manifest.md")

const referencePage = "../docs/manifest.md"

// TestManifestReference keeps the field tables of docs/manifest.md equal to
// what the schemas say. Each table sits between
// <!-- BEGIN GENERATED schema#pointer --> and <!-- END GENERATED --> and is
// rebuilt from the object schema at that pointer.
func TestManifestReference(t *testing.T) {
	page, err := os.ReadFile(referencePage)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)(<!-- BEGIN GENERATED ([a-z.]+)#([^ ]*) -->\n)(.*?)(<!-- END GENERATED -->)`)
	seen := map[string]bool{}
	got := block.ReplaceAllStringFunc(string(page), func(m string) string {
		g := block.FindStringSubmatch(m)
		file, ptr := g[2], g[3]
		seen[file+"#"+ptr] = true
		return g[1] + table(t, file, ptr) + g[5]
	})
	for _, want := range documentedObjects(t) {
		if !seen[want] {
			t.Errorf("%s has no generated table for %s", referencePage, want)
		}
	}
	if *update {
		if err := os.WriteFile(referencePage, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(page), got); diff != "" {
		t.Errorf("%s is out of date with the schemas; run go test ./schemas -update (-page +schema):\n%s", referencePage, diff)
	}
}

func load(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := FS.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// documentedObjects lists every object schema with properties: each needs
// a table.
func documentedObjects(t *testing.T) []string {
	var out []string
	for _, file := range []string{Tenant, Config} {
		s := load(t, file)
		out = append(out, file+"#")
		defs, _ := s["$defs"].(map[string]any)
		for name, d := range defs {
			if _, ok := d.(map[string]any)["properties"]; ok {
				out = append(out, file+"#/$defs/"+name)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			if _, ok := p.(map[string]any)["properties"]; ok {
				out = append(out, file+"#/properties/"+name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func resolve(root map[string]any, ptr string) map[string]any {
	v := root
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		v, _ = v[tok].(map[string]any)
	}
	return v
}

// deref follows a local $ref, keeping the referring schema's description.
func deref(root, s map[string]any) map[string]any {
	ref, ok := s["$ref"].(string)
	if !ok {
		return s
	}
	target := resolve(root, strings.TrimPrefix(ref, "#"))
	out := map[string]any{}
	for k, v := range target {
		out[k] = v
	}
	for k, v := range s {
		if k != "$ref" {
			out[k] = v
		}
	}
	return out
}

func table(t *testing.T, file, ptr string) string {
	root := load(t, file)
	obj := resolve(root, ptr)
	if obj == nil {
		t.Errorf("%s#%s: no such schema", file, ptr)
		return ""
	}
	required := map[string]bool{}
	for _, r := range asSlice(obj["required"]) {
		required[r.(string)] = true
	}
	props, _ := obj["properties"].(map[string]any)
	var names []string
	for n := range props {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { // required first, then by name
		if required[a] != required[b] {
			if required[a] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	var b strings.Builder
	b.WriteString("| Field | Type | Required | Description |\n|---|---|---|---|\n")
	for _, n := range names {
		p := deref(root, props[n].(map[string]any))
		req := ""
		if required[n] {
			req = "yes"
		}
		desc, _ := p["description"].(string)
		if desc == "" {
			t.Errorf("%s#%s/properties/%s has no description", file, ptr, n)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", n, typeOf(root, p), req, strings.ReplaceAll(desc, "|", "\\|"))
	}
	return b.String()
}

func typeOf(root, p map[string]any) string {
	switch {
	case p["const"] != nil:
		return fmt.Sprintf("`%v`", p["const"])
	case p["enum"] != nil:
		var vs []string
		for _, v := range asSlice(p["enum"]) {
			vs = append(vs, fmt.Sprintf("`%v`", v))
		}
		return strings.Join(vs, ", ")
	}
	switch ty := p["type"].(type) {
	case string:
		if ty == "array" {
			items := deref(root, p["items"].(map[string]any))
			if title := refName(p["items"]); title != "" {
				return "list of " + title
			}
			return "list of " + typeOf(root, items)
		}
		if ty == "object" {
			if ap, ok := p["additionalProperties"].(map[string]any); ok {
				return "map of " + typeOf(root, ap)
			}
		}
		return ty
	case []any:
		var vs []string
		for _, v := range ty {
			vs = append(vs, v.(string))
		}
		return strings.Join(vs, " or ")
	}
	return "object"
}

func refName(items any) string {
	m, _ := items.(map[string]any)
	ref, _ := m["$ref"].(string)
	if ref == "" {
		return ""
	}
	name := ref[strings.LastIndexByte(ref, '/')+1:]
	return "[" + name + "](#" + name + ")"
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
