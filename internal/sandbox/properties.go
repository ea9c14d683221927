package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Documented account property limits.
const (
	maxProperties         = 1000
	maxPropertyNameChars  = 100
	maxPropertyValueChars = 1024
)

// listProperties returns {"result": {name: value}} for names starting with
// prefix. The docs mark prefix required; an empty prefix here matches
// everything rather than failing (UNCONFIRMED [design.md: properties prefix]).
func (s *Server) listProperties(w http.ResponseWriter, r *http.Request) {
	prefix := r.URL.Query().Get("prefix")
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	out := map[string]string{}
	for k, v := range c.props {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

// upsertProperties merges {"properties": {name: value}} by name; there is
// no delete. All-or-nothing: one invalid entry rejects the whole request.
func (s *Server) upsertProperties(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Properties map[string]string `json:"properties"`
	}
	if decodeBody(r, &b) != nil {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	errs := fieldErrors{}
	if len(b.Properties) == 0 {
		errs.add("properties", "can't be blank")
	}
	for _, e := range validateProperties(c.props, b.Properties) {
		errs.add("properties", e)
	}
	if len(errs) > 0 {
		errs.write(w)
		return
	}
	for k, v := range b.Properties {
		c.props[k] = v
	}
	s.version++
	writeJSON(w, http.StatusOK, json.RawMessage(`{"success":true}`))
}

// validateProperties checks an upsert of add onto have against the limits.
func validateProperties(have, add map[string]string) []string {
	var errs []string
	n := len(have)
	for k, v := range add {
		if _, ok := have[k]; !ok {
			n++
		}
		switch {
		case k == "":
			errs = append(errs, "name can't be blank")
		case utf8.RuneCountInString(k) > maxPropertyNameChars:
			errs = append(errs, fmt.Sprintf("name %q is too long (maximum is %d characters)", k, maxPropertyNameChars))
		}
		if utf8.RuneCountInString(v) > maxPropertyValueChars {
			errs = append(errs, fmt.Sprintf("value of %q is too long (maximum is %d characters)", k, maxPropertyValueChars))
		}
	}
	if n > maxProperties {
		errs = append(errs, fmt.Sprintf("too many properties (maximum is %d)", maxProperties))
	}
	return errs
}
