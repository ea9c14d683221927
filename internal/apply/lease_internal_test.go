package apply

import (
	"testing"
	"time"
)

// TestLeaseSettle: the wait before checking that a lease stuck is four
// of the write's round trips, at least 250 ms and at most 5 s, unless the
// Executor sets it (the tests do, to a millisecond, so that no apply
// waits a quarter second per tenant).
func TestLeaseSettle(t *testing.T) {
	tests := []struct {
		set, rtt, want time.Duration
	}{
		{0, time.Millisecond, 250 * time.Millisecond},
		{0, 100 * time.Millisecond, 400 * time.Millisecond},
		{0, 2 * time.Second, 5 * time.Second},
		{time.Millisecond, 2 * time.Second, time.Millisecond},
	}
	for _, tt := range tests {
		if got := (&Executor{LeaseSettle: tt.set}).leaseSettle(tt.rtt); got != tt.want {
			t.Errorf("LeaseSettle %v, round trip %v: settle %v, want %v", tt.set, tt.rtt, got, tt.want)
		}
	}
}
