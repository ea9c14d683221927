package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestDifferences: a plan read back from its JSON equals itself; any edit
// to what an action does, or to the tenants, is named.
func TestDifferences(t *testing.T) {
	d := tenant()
	d.Prune.Connections = true
	live := inSync()
	live.Connections = append(live.Connections, LiveConnection{ID: 99, Name: "Theirs", Provider: "http", FolderID: 11})
	live.Customer.Name = "Old name"
	fresh := Build([]Input{{Desired: desired(d), Live: live}}, opts)
	roundTrip := func() *Plan {
		data, _ := json.Marshal(fresh)
		var p Plan
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		return &p
	}
	if got := Differences(roundTrip(), fresh); len(got) != 0 {
		t.Fatalf("a plan read back differs from itself: %q", got)
	}
	cases := []struct {
		name string
		edit func(p *Plan)
		want string
	}{
		{"op", func(p *Plan) { p.Tenants[0].Actions[1].Op = OpDelete }, `action "unmanaged connection Sales/CRM/Theirs": op was "delete", now "unmanaged"`},
		{"live id", func(p *Plan) { p.Tenants[0].Actions[1].LiveID = 21 }, `live_id was 21, now 99`},
		{"changes", func(p *Plan) { p.Tenants[0].Actions[0].Changes[0].New = "Evil" }, `changes was [{"field":"name","old":"Old name","new":"Evil"}]`},
		{"added", func(p *Plan) {
			p.Tenants[0].Actions = append(p.Tenants[0].Actions, Action{ID: "delete folder Sales", Op: OpDelete, Kind: KindFolder, Key: spec.Key{Name: "Sales"}, LiveID: 10})
		}, `the saved plan has delete folder "Sales" (#10), planning again does not`},
		{"removed", func(p *Plan) { p.Tenants[0].Actions = p.Tenants[0].Actions[:1] }, `planning again gives unmanaged connection "Sales/CRM/Theirs" (#99), the saved plan does not`},
		{"status", func(p *Plan) { p.Tenants[0].Status = StatusBlocked }, `status was blocked, now planned`},
		{"tenant", func(p *Plan) { p.Tenants[0].Name = "other" }, `other: in the saved plan, but planning again does not plan it`},
	}
	for _, tc := range cases {
		saved := roundTrip()
		tc.edit(saved)
		got := strings.Join(Differences(saved, fresh), "\n")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: differences\n%s\nshould name %q", tc.name, got, tc.want)
		}
	}
}
