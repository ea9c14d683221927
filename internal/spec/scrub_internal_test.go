package spec

import "testing"

// TestScrubberWholeValues: decrypted values are removed from diagnostics
// whatever their length (a value under four characters went through),
// short ones as whole values, so that the words around them survive.
func TestScrubberWholeValues(t *testing.T) {
	var s scrubber
	s.add(NewSecret("ab"))
	s.add(NewSecret(int64(7)))
	s.add(NewSecret(true))
	s.add(NewSecret("s3cr3t-long-value"))
	const in = "cannot parse `ab` as a number: about 7 of 77; true; xs3cr3t-long-valuex"
	const want = "cannot parse `(sensitive value)` as a number: about (sensitive value) of 77; true; x(sensitive value)x"
	if got := s.scrub(in); got != want {
		t.Errorf("scrub(%q)\n got %q\nwant %q", in, got, want)
	}
}
