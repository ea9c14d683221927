package main

import (
	"testing"
	"testing/fstest"
)

// FuzzReadEntry: any file is either refused or yields an entry whose id
// is a Go vulnerability id naming the file, with at least one module.
func FuzzReadEntry(f *testing.F) {
	f.Add([]byte(osv1))
	f.Add([]byte(osv2))
	f.Add([]byte(`{"id":"GO-2024-0001","affected":[{"package":{"name":""}}]}`))
	f.Add([]byte(`{"id":"GO-2024-0001","affected":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := fstest.MapFS{"GO-2024-0001.json": {Data: data}}
		b, e, err := readEntry(src, "GO-2024-0001.json")
		if err != nil {
			return
		}
		if e.ID != "GO-2024-0001" || len(e.Affected) == 0 || string(b) != string(data) {
			t.Errorf("accepted %q as %+v", data, e)
		}
	})
}
