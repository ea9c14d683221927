package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// fleetState is the sandbox state in which generateFleet's n tenants
// exist (no ledger yet: the plan adopts them).
func fleetState(n int) sandbox.State {
	var st sandbox.State
	for i := range n {
		st.Customers = append(st.Customers, sandbox.Customer{
			ExternalID: fmt.Sprintf("F%04d", i), Name: fmt.Sprintf("Fleet Customer %d", i), NotificationEmail: fmt.Sprintf("ops%d@fleet.example", i),
			Members: []sandbox.Member{{Name: fmt.Sprintf("Admin %d", i), Email: fmt.Sprintf("admin%d@fleet.example", i), RoleName: "Admin"}},
			Folders: []sandbox.Folder{{Name: "Clients", Folders: []sandbox.Folder{{Name: "Reports"}}}},
			Connections: []sandbox.Connection{
				{Name: "Reports API", Provider: "http", Folder: "Clients/Reports", AuthorizationStatus: "success"},
				{Name: "Slack", Provider: "slack", Folder: "Clients"},
			},
		})
	}
	return st
}

// BenchmarkPlanMemory runs plan as a process on fleets of 1,000 and
// 10,000 existing tenants and reports its peak resident memory, with the
// sandbox in the process (sandbox:FILE) and outside it (over HTTP, plan's
// own memory), and the ratio of 10,000 to 1,000 for each.
//
//	go test -run '^$' -bench PlanMemory -benchtime 1x .
func BenchmarkPlanMemory(b *testing.B) {
	bin := cliBinary(b)
	key, _ := filepath.Abs("examples/demo-age-key.txt")
	for b.Loop() {
		var rss [2][2]int64 // [in process, over HTTP][1,000, 10,000]
		for j, n := range []int{1000, 10000} {
			dir := generateFleet(b, n)
			data, _ := json.Marshal(fleetState(n))
			state := filepath.Join(b.TempDir(), "sb.json")
			if err := os.WriteFile(state, data, 0o644); err != nil {
				b.Fatal(err)
			}
			rss[0][j] = planRSS(b, bin, dir, "SOPS_AGE_KEY_FILE="+key, "WORKATO_API_URL=sandbox:"+state)

			srv, err := sandbox.New(sandbox.Options{Token: "bench-token", StatePath: state})
			if err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			rss[1][j] = planRSS(b, bin, dir, "SOPS_AGE_KEY_FILE="+key, "WORKATO_API_URL="+hs.URL+"/api", "WORKATO_API_TOKEN=bench-token")
			hs.Close()
		}
		for i, where := range []string{"sandbox:FILE (sandbox in the process)", "HTTP sandbox (plan's own memory)"} {
			ratio := float64(rss[i][1]) / float64(rss[i][0])
			fmt.Printf("\nplan peak RSS, %s: 1,000 tenants %d MB, 10,000 tenants %d MB: %.2fx\n", where, rss[i][0]>>20, rss[i][1]>>20, ratio)
			b.ReportMetric(ratio, []string{"inproc-ratio", "http-ratio"}[i])
		}
	}
}

func planRSS(b *testing.B, bin, dir string, env ...string) int64 {
	cmd := exec.Command(bin, "plan", dir)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil && !strings.Contains(string(out), "to adopt") {
		b.Fatalf("plan: %v\n%s", err, out[max(0, len(out)-2000):])
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage here")
	}
	return ru.Maxrss << 10 // KiB on Linux
}
