package spec

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/workato-gitops/workato-gitops/schemas"
)

// fullLayer returns a layer with n zero objects of every kind of
// objectKinds.
func fullLayer(n int) *layer {
	l := &layer{}
	for _, k := range objectKinds {
		k.fill(l, n)
	}
	return l
}

// TestEveryKindMerges: every kind of object a manifest holds is merged
// from bases (union), overridden by the manifest's own (override), checked
// for duplicates and handed to the Tenant, each in a Tenant field of its
// own.
func TestEveryKindMerges(t *testing.T) {
	full := fullLayer(1)
	var dst layer
	union(&dst, full, Pos{}, "", "base")
	var over layer
	override(&over, full)
	for _, k := range objectKinds {
		if k.count(&dst) != 1 {
			t.Errorf("union drops the base's %s", k.Field())
		}
		if k.count(&over) != 1 {
			t.Errorf("override drops the manifest's %s", k.Field())
		}
	}
	if ds := checkDuplicates(fullLayer(2)); len(ds) != len(objectKinds) {
		t.Errorf("checkDuplicates reports %d duplicates in %d kinds declared twice: %v", len(ds), len(objectKinds), ds)
	}
	tenant := newTenant(&manifest{customer: &Customer{}}, full)
	tv := reflect.ValueOf(tenant).Elem()
	lists := 0
	for i := range tv.NumField() {
		// Lists of names (Extends, Sources) are not lists of objects.
		if f := tv.Field(i); f.Kind() == reflect.Slice && f.Type().Elem().Kind() != reflect.String {
			lists++
			if f.Len() == 0 {
				t.Errorf("Tenant.%s is filled by no row of objectKinds", tv.Type().Field(i).Name)
			}
		}
	}
	if lists != len(objectKinds) {
		t.Errorf("Tenant has %d lists of objects, objectKinds %d rows", lists, len(objectKinds))
	}
}

// TestEveryKindIsInTheSchema: the top-level lists of the tenant schema
// are exactly the rows of objectKinds, in the same order, so a kind added
// to one and not the other is never silently dropped or refused.
func TestEveryKindIsInTheSchema(t *testing.T) {
	data, err := schemas.FS.ReadFile("tenant.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	var inSchema []string
	for name, p := range s.Properties {
		if p.Type == "array" {
			inSchema = append(inSchema, name)
		}
	}
	var rows []string
	for _, k := range objectKinds {
		rows = append(rows, k.Field())
	}
	slices.Sort(inSchema)
	sorted := slices.Sorted(slices.Values(rows))
	if !slices.Equal(inSchema, sorted) {
		t.Errorf("the schema's lists are %q, objectKinds decodes %q", inSchema, sorted)
	}
	if len(slices.Compact(slices.Clone(sorted))) != len(rows) || len(slices.Compact(slices.Sorted(slices.Values(ListKinds())))) != len(rows) {
		t.Errorf("two rows share a name or a field: %q %q", rows, ListKinds())
	}
}
