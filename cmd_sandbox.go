package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

func sandboxCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "sandbox",
		Usage:       "serve an emulator of the Workato Embedded API, for trying everything without an account",
		Description: helpText("sandbox"),
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
			opts := sandbox.Options{
				Token: c.String("token"), Latency: c.Duration("latency"), FailRate: c.Float64("fail-rate"), Seed: c.Int64("fault-seed"),
				RateLimits: c.Bool("rate-limits"), StatePath: c.String("state"), InviteesExist: true,
			}
			if !c.Bool("quiet") {
				opts.Logf = func(format string, args ...any) { fmt.Fprintf(e.stderr, format+"\n", args...) }
			}
			return runSandbox(ctx, c.String("listen"), c.String("seed"), opts, e)
		},
	}
}

// runSandbox serves the sandbox opts describes on listen, after loading
// the seed file, if any, until interrupted.
func runSandbox(ctx context.Context, listen, seed string, opts sandbox.Options, e env) error {
	if opts.FailRate < 0 || opts.FailRate > 1 {
		return fmt.Errorf("--fail-rate must be between 0 and 1, got %v", opts.FailRate)
	}
	srv, err := sandbox.New(opts)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	if seed != "" {
		if err := srv.LoadSeedFile(seed); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	url := "http://" + ln.Addr().String() + "/api"
	fmt.Fprintf(e.stderr, "workato-gitops: sandbox serving the Embedded API at %s\n", url)
	fmt.Fprintf(e.stderr, "workato-gitops: hint: export WORKATO_API_URL=%s%s\n", url, tokenHint(opts.Token))
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
