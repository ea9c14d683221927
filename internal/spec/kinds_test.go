package spec

import (
	"reflect"
	"testing"
	"unsafe"
)

// fullLayer returns a layer with n zero objects in every list of objects,
// whatever lists the layer grows: a new kind cannot be forgotten by the
// functions below without failing TestEveryKindMerges.
func fullLayer(n int) (*layer, []string) {
	l := &layer{}
	v := reflect.ValueOf(l).Elem()
	var names []string
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Slice {
			continue
		}
		f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
		f.Set(reflect.MakeSlice(f.Type(), n, n))
		names = append(names, v.Type().Field(i).Name)
	}
	return l, names
}

func lens(l *layer) map[string]int {
	out := map[string]int{}
	v := reflect.ValueOf(l).Elem()
	for i := range v.NumField() {
		if v.Field(i).Kind() == reflect.Slice {
			out[v.Type().Field(i).Name] = v.Field(i).Len()
		}
	}
	return out
}

// TestEveryKindMerges: every kind of object a manifest holds is merged
// from bases (union), overridden by the manifest's own (override), checked
// for duplicates and handed to the Tenant.
func TestEveryKindMerges(t *testing.T) {
	full, kinds := fullLayer(1)
	var dst layer
	union(&dst, full, Pos{}, "", "base")
	var over layer
	override(&over, full)
	for _, k := range kinds {
		if lens(&dst)[k] != 1 {
			t.Errorf("union drops the base's %s", k)
		}
		if lens(&over)[k] != 1 {
			t.Errorf("override drops the manifest's %s", k)
		}
	}
	twice, _ := fullLayer(2)
	if ds := checkDuplicates(twice); len(ds) != len(kinds) {
		t.Errorf("checkDuplicates reports %d duplicates in %d kinds declared twice: %v", len(ds), len(kinds), ds)
	}
	tenant := newTenant(&manifest{customer: &Customer{}}, full)
	tv := reflect.ValueOf(tenant).Elem()
	slices := 0
	for i := range tv.NumField() {
		if f := tv.Field(i); f.Kind() == reflect.Slice && tv.Type().Field(i).Name != "Extends" {
			slices++
			if f.Len() == 0 {
				t.Errorf("newTenant drops %s", tv.Type().Field(i).Name)
			}
		}
	}
	if slices != len(kinds) {
		t.Errorf("Tenant has %d lists of objects, the layer %d", slices, len(kinds))
	}
}
