package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// writeAttempts bounds how often one write is sent: the first attempt and
// the repeats after a read-back found it had not taken effect. A write
// still fails with probability q^writeAttempts, q the share of calls
// failing without effect: at 20 % faults of which two thirds leave no
// effect, one write in about 180,000 (3 would leave one in 420, several
// per apply of a 100-tenant fleet).
const writeAttempts = 6

// readBackAttempts bounds the read-backs after one ambiguous write (each
// is a client call with its own retries).
const readBackAttempts = 3

// ambiguous reports whether a failed write may still have taken effect:
// a 5xx, or a transport error (a dropped connection, a timeout, a body
// that did not decode) once the request may have been sent. A 4xx, a 429
// and a cancelled apply are answers, not doubts.
func ambiguous(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	var rl *workato.RateLimitError
	if errors.As(err, &rl) {
		return false
	}
	var apiErr *workato.APIError
	if errors.As(err, &apiErr) {
		return errors.Is(err, workato.ErrServer)
	}
	return true
}

// settle performs a write whose failure may hide its success. do sends it;
// check reads back by the object's natural key (or re-reads the field, or
// looks for a deleted object) and reports whether the write is in effect,
// with the value it found. After an ambiguous failure, settle asks check:
// in effect means done (a create is recorded, never repeated); not in
// effect means do again, at most writeAttempts in all. A read-back that
// keeps failing leaves the write failed, never repeated: a duplicate is
// worse than a failed action the next apply finds. check may be nil for a
// write that is safe to repeat as it is (an upsert, an import of the same
// package, a PUT that sets a state).
func settle[T any](ctx context.Context, do func() (T, error), check func() (T, bool, error)) (T, error) {
	var zero T
	var err error
	for range writeAttempts {
		var v T
		v, err = do()
		if err == nil || !ambiguous(ctx, err) {
			return v, err
		}
		if check == nil {
			continue
		}
		found, done, cerr := readBack(ctx, check)
		if cerr != nil {
			return zero, fmt.Errorf("%w (and reading back whether it took effect: %v)", err, cerr)
		}
		if done {
			return found, nil
		}
	}
	return zero, err
}

// readBack calls check until it answers, at most readBackAttempts times
// while it fails with a transient error.
func readBack[T any](ctx context.Context, check func() (T, bool, error)) (T, bool, error) {
	var (
		v    T
		done bool
		err  error
	)
	for range readBackAttempts {
		v, done, err = check()
		if err == nil || !ambiguous(ctx, err) {
			return v, done, err
		}
	}
	return v, done, err
}

// none is the value of a write that returns nothing.
type none struct{}

// settleErr is settle for a write that returns only an error.
func settleErr(ctx context.Context, do func() error, check func() (bool, error)) error {
	var chk func() (none, bool, error)
	if check != nil {
		chk = func() (none, bool, error) { ok, err := check(); return none{}, ok, err }
	}
	_, err := settle(ctx, func() (none, error) { return none{}, do() }, chk)
	return err
}
