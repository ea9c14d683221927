package completion

import (
	"bytes"
	"context"
	"testing"

	"github.com/urfave/cli/v3"
)

func TestInstall(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"x", "--generate-shell-completion"}, "plan\napply\n"},
		{[]string{"x", "plan", "--o", "--generate-shell-completion"}, "--out\n--offline\n"},
		{[]string{"x", "plan", "--generate-shell-completion"}, ""},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		root := &cli.Command{
			Name: "x", Writer: &out, EnableShellCompletion: true,
			Commands: []*cli.Command{
				{Name: "plan", Flags: []cli.Flag{
					&cli.StringFlag{Name: "out", Aliases: []string{"o"}},
					&cli.BoolFlag{Name: "offline"},
					&cli.BoolFlag{Name: "debug"},
				}, Action: func(context.Context, *cli.Command) error { return nil }},
				{Name: "apply", Action: func(context.Context, *cli.Command) error { return nil }},
			},
		}
		Install(root)
		if err := root.Run(context.Background(), tt.args); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := out.String(); got != tt.want {
			t.Errorf("%v: completion = %q, want %q", tt.args, got, tt.want)
		}
	}
}
