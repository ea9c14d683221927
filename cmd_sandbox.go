package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

type sandboxOptions struct {
	listen     string
	state      string
	seed       string
	token      string
	latency    time.Duration
	failRate   float64
	faultSeed  int64
	rateLimits bool
	quiet      bool
}

func sandboxCommand(e env) *cli.Command {
	return &cli.Command{
		Name:  "sandbox",
		Usage: "serve an emulator of the Workato Embedded API, for trying everything without an account",
		Description: `Serves the Embedded API under /api on ADDR with the documented shapes and
semantics: per-parent folder lists, paging, success:false refusals,
asynchronous package imports, deletes refused while running recipes use a
connection. State lives in memory, or in --state FILE (a journal: each change
is appended and synced before its response, and the file is compacted as it
grows; a seed file is a valid state file). Stop it with Ctrl-C.

--seed FILE replaces the state at start. Its format is the state file's:
a JSON object with "customers" (external_id, name, notification_email, and
their folders, connections, recipes...), as --state writes it; start from
a state file the sandbox wrote, or from testdata/export/seed.json.

The other commands can also run against an in-process sandbox, with no
server at all: WORKATO_API_URL=sandbox:state.json.

Examples:
   workato-gitops sandbox --state sandbox.json
   workato-gitops sandbox --seed testdata/export/seed.json --latency 50ms --fail-rate 0.1 --rate-limits
   WORKATO_API_URL=http://127.0.0.1:8765/api WORKATO_API_TOKEN=sandbox workato-gitops plan examples/tenants`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8765", Usage: "`ADDR` to serve on"},
			&cli.StringFlag{Name: "state", Usage: "JSON state `FILE`, loaded at start when it exists and kept up to date"},
			&cli.StringFlag{Name: "seed", Usage: "JSON `FILE` that replaces the state at start (same format as --state)"},
			&cli.StringFlag{Name: "token", Usage: "require Authorization: Bearer `TOKEN` (the sandbox's own, never a real one)"},
			&cli.DurationFlag{Name: "latency", Usage: "add `DURATION` to every request"},
			&cli.FloatFlag{Name: "fail-rate", Usage: "fail this fraction `P` of requests with a 500, a 429 or a dropped connection"},
			&cli.Int64Flag{Name: "fault-seed", Value: 1, Usage: "seed for the fault sequence"},
			&cli.BoolFlag{Name: "rate-limits", Usage: "enforce Workato's documented rate limits per class"},
			&cli.BoolFlag{Name: "quiet", Usage: "do not log each request"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() > 0 {
				return fmt.Errorf("sandbox takes no arguments, got %q", c.Args().First())
			}
			return runSandbox(ctx, sandboxOptions{
				listen: c.String("listen"), state: c.String("state"), seed: c.String("seed"), token: c.String("token"),
				latency: c.Duration("latency"), failRate: c.Float64("fail-rate"), faultSeed: c.Int64("fault-seed"),
				rateLimits: c.Bool("rate-limits"), quiet: c.Bool("quiet"),
			}, e)
		},
	}
}

func runSandbox(ctx context.Context, o sandboxOptions, e env) error {
	if o.failRate < 0 || o.failRate > 1 {
		return fmt.Errorf("--fail-rate must be between 0 and 1, got %v", o.failRate)
	}
	opts := sandbox.Options{
		Token: o.token, Latency: o.latency, FailRate: o.failRate, Seed: o.faultSeed,
		RateLimits: o.rateLimits, StatePath: o.state, InviteesExist: true,
	}
	if !o.quiet {
		opts.Logf = func(format string, args ...any) { fmt.Fprintf(e.stderr, format+"\n", args...) }
	}
	srv, err := sandbox.New(opts)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	if o.seed != "" {
		if err := srv.LoadSeedFile(o.seed); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	url := "http://" + ln.Addr().String() + "/api"
	fmt.Fprintf(e.stderr, "workato-gitops: sandbox serving the Embedded API at %s\n", url)
	fmt.Fprintf(e.stderr, "workato-gitops: hint: export WORKATO_API_URL=%s%s\n", url, tokenHint(o.token))
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "workato-gitops: sandbox stopped")
	return nil
}

// tokenHint completes the hint so that plan runs as printed: without
// --token the sandbox takes any token, but the client still wants one. The
// --token value itself is never printed.
func tokenHint(token string) string {
	if token == "" {
		return " WORKATO_API_TOKEN=sandbox"
	}
	return " WORKATO_API_TOKEN=<the --token value>"
}
