package main

import (
	"encoding/json"
	"errors"
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
// 10,000 existing tenants and reports its peak resident memory and its
// Go heap, over HTTP and with the sandbox in the process, and the ratio
// of 10,000 to 1,000 for each, all measured in this one run.
//
// The must-show is the ratio over HTTP: plan's own memory, the sandbox
// being in the benchmark's process. With sandbox:FILE the process also
// holds the sandbox's state of every customer, which is not plan's and
// grows with the fleet; it is reported, not judged. The peak heap is the
// largest heap the collector saw (GODEBUG=gctrace=1, which changes
// nothing it measures); the resident memory adds the binary and runtime
// (what `workato-gitops version` takes, printed as the fixed cost).
//
//	go test -run '^$' -bench PlanMemory -benchtime 1x .
func BenchmarkPlanMemory(b *testing.B) {
	bin := cliBinary(b)
	key, _ := filepath.Abs("examples/demo-age-key.txt")
	for b.Loop() {
		fixed := planRSS(b, exec.Command(bin, "version"))
		var rss, heap [2][2]int64 // [in process, over HTTP][1,000, 10,000]
		for j, n := range []int{1000, 10000} {
			dir := generateFleet(b, n)
			data, _ := json.Marshal(fleetState(n))
			state := filepath.Join(b.TempDir(), "sb.json")
			if err := os.WriteFile(state, data, 0o644); err != nil {
				b.Fatal(err)
			}
			rss[0][j], heap[0][j] = measurePlan(b, bin, dir, "SOPS_AGE_KEY_FILE="+key, "WORKATO_API_URL=sandbox:"+state)

			srv, err := sandbox.New(sandbox.Options{Token: "bench-token", StatePath: state})
			if err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			rss[1][j], heap[1][j] = measurePlan(b, bin, dir, "SOPS_AGE_KEY_FILE="+key, "WORKATO_API_URL="+hs.URL+"/api", "WORKATO_API_TOKEN=bench-token")
			hs.Close()
		}
		fmt.Printf("\nfixed cost (workato-gitops version): %d MB resident\n", fixed>>20)
		for i, where := range []string{"sandbox:FILE (sandbox's state in the process too; not judged)", "HTTP sandbox (plan's own memory)"} {
			ratio := float64(rss[i][1]) / float64(rss[i][0])
			hratio := float64(heap[i][1]) / float64(heap[i][0])
			fmt.Printf("plan, %s:\n  peak RSS:  1,000 tenants %d MB, 10,000 tenants %d MB: %.2fx\n  peak heap: 1,000 tenants %d MB, 10,000 tenants %d MB: %.2fx\n",
				where, rss[i][0]>>20, rss[i][1]>>20, ratio, heap[i][0]>>20, heap[i][1]>>20, hratio)
			b.ReportMetric(ratio, []string{"inproc-rss-ratio", "http-rss-ratio"}[i])
			b.ReportMetric(hratio, []string{"inproc-heap-ratio", "http-heap-ratio"}[i])
			if i == 1 && ratio > 2.5 {
				b.Errorf("plan's peak RSS at 10,000 tenants is %.2f times that at 1,000, over 2.5", ratio)
			}
		}
	}
}

// measurePlan runs plan on dir and returns its peak resident memory and the
// largest heap its collector saw, in bytes.
func measurePlan(b *testing.B, bin, dir string, env ...string) (rss, heap int64) {
	cmd := exec.Command(bin, "plan", dir)
	cmd.Env = append(append(os.Environ(), env...), "GODEBUG=gctrace=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	rss = planRSS(b, cmd)
	if !strings.Contains(stdout.String(), "to adopt") {
		b.Fatalf("plan:\n%s", tail(stdout.String()+stderr.String()))
	}
	// gc 12 @1.2s 0%: ..., 14->15->8 MB, 16 MB goal, ...
	for line := range strings.Lines(stderr.String()) {
		if !strings.HasPrefix(line, "gc ") {
			continue
		}
		for f := range strings.FieldsSeq(line) {
			if parts := strings.Split(f, "->"); len(parts) == 3 {
				for _, p := range parts[:2] {
					var mb int64
					if _, err := fmt.Sscan(p, &mb); err == nil {
						heap = max(heap, mb<<20)
					}
				}
			}
		}
	}
	if heap == 0 {
		b.Fatalf("no gctrace from plan:\n%s", tail(stderr.String()))
	}
	return rss, heap
}

// planRSS runs cmd (its exit status aside: plan exits 0 or 2) and returns
// its peak resident memory.
func planRSS(b *testing.B, cmd *exec.Cmd) int64 {
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			b.Fatalf("%s: %v", cmd.Path, err)
		}
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage here")
	}
	return ru.Maxrss << 10 // KiB on Linux
}

func tail(s string) string { return s[max(0, len(s)-2000):] }
