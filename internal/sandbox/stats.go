package sandbox

import "maps"

// Stats counts requests since New or the last ResetStats.
type Stats struct {
	// Total is every request received under /api, faults included.
	Total int
	// Requests is keyed by route, e.g. "GET /managed_users/:id/connections";
	// requests matching no route count under "<METHOD> <unmatched>".
	Requests map[string]int
	// RateLimited counts 429s sent by the limiter (not injected ones).
	RateLimited int
	// Faults counts injected faults by kind.
	Faults map[FaultKind]int
}

func newStats() Stats {
	return Stats{Requests: map[string]int{}, Faults: map[FaultKind]int{}}
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.Requests = maps.Clone(st.Requests)
	st.Faults = maps.Clone(st.Faults)
	return st
}

// ResetStats zeroes the counters; state and the limiter are untouched.
func (s *Server) ResetStats() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats = newStats()
}

func (s *Server) countRequest(route string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Total++
	s.stats.Requests[route]++
}

func (s *Server) countFault(k FaultKind) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Faults[k]++
}

func (s *Server) countRateLimited() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.RateLimited++
}
