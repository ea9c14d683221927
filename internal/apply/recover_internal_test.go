package apply

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestSettle: what settle does after each kind of failure, counted in
// sends and read-backs.
func TestSettle(t *testing.T) {
	dropped := fmt.Errorf("workato: POST /x: %w", errors.New("connection reset"))
	server := &workato.APIError{Method: "POST", Path: "/x", StatusCode: 500}
	invalid := &workato.APIError{Method: "POST", Path: "/x", StatusCode: 422}
	cases := []struct {
		name             string
		sends            []error // the answer to each send; nil past the end
		check            []error // the answer to each read-back
		found            []bool
		wantErr          bool
		wantSends, wantV int
	}{
		{"ok at once", []error{nil}, nil, nil, false, 1, 1},
		{"a 422 is an answer", []error{invalid}, nil, nil, true, 1, 0},
		{"dropped, found: recorded, not sent again", []error{dropped}, []error{nil}, []bool{true}, false, 1, 42},
		{"500, not found: sent again", []error{server, nil}, []error{nil}, []bool{false}, false, 2, 2},
		{"read-back fails: failed, never sent again", []error{dropped}, []error{server, server, server}, nil, true, 1, 0},
		{"read-back fails once, then finds it", []error{dropped}, []error{server, nil}, []bool{false, true}, false, 1, 42},
		{"never in effect: bounded", []error{server, server, server, server, server, server, server}, nil, nil, true, writeAttempts, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sends, checks := 0, 0
			do := func() (int, error) {
				sends++
				if sends <= len(tc.sends) && tc.sends[sends-1] != nil {
					return 0, tc.sends[sends-1]
				}
				return sends, nil
			}
			check := func() (int, bool, error) {
				checks++
				var err error
				if checks <= len(tc.check) {
					err = tc.check[checks-1]
				}
				found := checks <= len(tc.found) && tc.found[checks-1]
				if err != nil || !found {
					return 0, false, err
				}
				return 42, true, nil
			}
			v, err := settle(context.Background(), do, check)
			if (err != nil) != tc.wantErr || sends != tc.wantSends || v != tc.wantV {
				t.Errorf("settle = %d, %v after %d sends; want %d, error %v, %d sends", v, err, sends, tc.wantV, tc.wantErr, tc.wantSends)
			}
		})
	}
}

// TestSettleCancelled: once the apply is cancelled, a failure is final.
func TestSettleCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sends := 0
	_, err := settle(ctx, func() (int, error) { sends++; return 0, errors.New("connection reset") },
		func() (int, bool, error) { t.Error("read back after a cancel"); return 0, false, nil })
	if err == nil || sends != 1 {
		t.Errorf("err %v after %d sends", err, sends)
	}
}
