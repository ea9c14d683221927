package sandbox

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// FaultKind is a kind of injected failure.
type FaultKind string

const (
	// FaultServerError answers 500 {"message":"Server error","id":"<uuid>"}.
	FaultServerError FaultKind = "500"
	// FaultTooManyRequests answers 429 with "Retry-After: 1".
	FaultTooManyRequests FaultKind = "429"
	// FaultDrop closes the connection before the request is handled.
	FaultDrop FaultKind = "drop"
	// FaultDropAfterCommit handles the request, keeps its effect, and then
	// closes the connection without a response: the case that catches
	// clients which retry non-idempotent calls blindly. Opt-in only.
	FaultDropAfterCommit FaultKind = "drop_after_commit"
)

var defaultFaults = []FaultKind{FaultServerError, FaultTooManyRequests, FaultDrop}

// faulter draws faults from one seeded generator, so a run is repeatable
// whenever requests arrive in the same order (sequential clients).
type faulter struct {
	rate  float64
	kinds []FaultKind

	mu  sync.Mutex
	rng *rand.Rand // guarded by mu
}

func newFaulter(seed int64, rate float64, kinds []FaultKind) (*faulter, error) {
	if len(kinds) == 0 {
		kinds = defaultFaults
	}
	for _, k := range kinds {
		switch k {
		case FaultServerError, FaultTooManyRequests, FaultDrop, FaultDropAfterCommit:
		default:
			return nil, fmt.Errorf("sandbox: unknown fault kind %q", k)
		}
	}
	src := rand.NewPCG(uint64(seed), 0x5a6e_d60c_0ffe_e000)
	return &faulter{rate: rate, kinds: append([]FaultKind(nil), kinds...), rng: rand.New(src)}, nil
}

func (f *faulter) draw() (FaultKind, bool) {
	if f.rate <= 0 {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rng.Float64() >= f.rate {
		return "", false
	}
	return f.kinds[f.rng.IntN(len(f.kinds))], true
}

// uuid is drawn from the same generator so that an injected 500's id is
// repeatable too.
func (f *faulter) uuid() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b [16]byte
	for i := range b {
		b[i] = byte(f.rng.Uint32())
	}
	return formatUUID(b)
}
