// Package redact removes known secret values (API tokens, decrypted
// connection inputs) from text on its way to an error, a log or any other
// output. It owns the one rule for what counts as a secret's appearance
// (docs/security.md, "How secrets are removed from output") and nothing
// else: callers decide which values are secret and what replaces them.
package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SubstringLen is the length, in characters, from which a secret is
// removed wherever it occurs, even inside a longer word: a value this
// long does not turn up in ordinary text by chance. A shorter secret ("t",
// "admin") is removed only where it stands as a whole value, since
// removing it from inside words would garble every message and would show
// which words contain it.
const SubstringLen = 8

// A Scrubber replaces every known secret in a text. The zero Scrubber
// removes nothing. Scrubbers are values: With returns a new one.
type Scrubber struct {
	repl string
	pats []pattern // matched independently; overlapping matches merge
}

// pattern is one written form of a secret.
type pattern struct {
	text  string
	whole bool // only where it stands as a whole value
}

// New returns a Scrubber that replaces secrets with repl.
func New(repl string, secrets ...string) Scrubber {
	return Scrubber{repl: repl}.With(secrets...)
}

// With returns a Scrubber that also removes extra, each as written and in
// the forms it takes inside JSON, a URL or HTML. Empty values are ignored.
func (s Scrubber) With(extra ...string) Scrubber {
	if len(extra) == 0 {
		return s // every request of the API client asks, most with nothing to add
	}
	out := Scrubber{repl: s.repl, pats: append([]pattern(nil), s.pats...)}
	seen := make(map[pattern]bool, len(out.pats))
	for _, p := range out.pats {
		seen[p] = true
	}
	for _, x := range extra {
		if x == "" {
			continue
		}
		whole := utf8.RuneCountInString(x) < SubstringLen
		for _, form := range forms(x) {
			if p := (pattern{form, whole}); !seen[p] {
				seen[p] = true
				out.pats = append(out.pats, p)
			}
		}
	}
	return out
}

// Empty reports whether s knows no secret.
func (s Scrubber) Empty() bool { return len(s.pats) == 0 }

// String returns in with every appearance of a secret replaced. Secrets
// that overlap or touch are replaced together, by one replacement.
func (s Scrubber) String(in string) string {
	if len(s.pats) == 0 || in == "" {
		return in
	}
	// cov marks the bytes to replace: first every match of a long secret.
	diff := make([]int, len(in)+1)
	var cands []cand // whole-value matches, accepted once they stand alone
	for _, p := range s.pats {
		for i := 0; ; {
			j := strings.Index(in[i:], p.text)
			if j < 0 {
				break
			}
			m := span{i + j, i + j + len(p.text)}
			if p.whole {
				cands = append(cands, cand{m, p.text})
			} else {
				diff[m.from]++
				diff[m.to]--
			}
			// Overlapping matches count too: "aaa" in "aaaa" is two.
			_, w := utf8.DecodeRuneInString(in[m.from:])
			i = m.from + w
		}
	}
	cov := make([]bool, len(in))
	for i, n := 0, 0; i < len(in); i++ {
		n += diff[i]
		cov[i] = n > 0
	}
	acceptWholeValues(in, cands, cov)
	var b strings.Builder
	changed := false
	for i := 0; i < len(in); {
		if !cov[i] {
			j := i
			for j < len(in) && !cov[j] {
				j++
			}
			b.WriteString(in[i:j])
			i = j
			continue
		}
		changed = true
		b.WriteString(s.repl)
		for i < len(in) && cov[i] {
			i++
		}
	}
	if !changed {
		return in
	}
	return b.String()
}

// acceptWholeValues marks in cov every candidate that stands alone: each
// side is a boundary, and a side that touches a marked byte is one, so
// accepting one match can let its neighbours stand alone too.
func acceptWholeValues(in string, cands []cand, cov []bool) {
	if len(cands) == 0 {
		return
	}
	byStart, byEnd := newIndex(len(in), len(cands)), newIndex(len(in), len(cands))
	for k, c := range cands {
		byStart.add(c.from, k)
		byEnd.add(c.to, k)
	}
	done := make([]bool, len(cands))
	var queue []int
	try := func(k int) {
		m, text := cands[k].span, cands[k].text
		if done[k] || !leftBound(in, m.from, text, cov) || !rightBound(in, m.to, text, cov) {
			return
		}
		done[k] = true
		for i := m.from; i < m.to; i++ {
			cov[i] = true
		}
		queue = append(queue, k)
	}
	for k := range cands {
		try(k)
	}
	for len(queue) > 0 {
		m := cands[queue[0]].span
		queue = queue[1:]
		// Candidates whose left neighbour (byte from-1, or the letter before
		// an apostrophe of up to 3 bytes) or right neighbour (byte to) now
		// lies inside m.
		for i := m.from; i <= m.to+len("’"); i++ {
			if i > m.from {
				byStart.each(i, try)
			}
			if i < m.to {
				byEnd.each(i, try)
			}
		}
	}
}

// index lists candidates by a byte position: the head of a chain per
// position, as maps of slices cost more than the scrub itself on a
// large body.
type index struct{ head, next []int }

func newIndex(positions, cands int) index {
	ix := index{head: make([]int, positions+1), next: make([]int, cands)}
	for i := range ix.head {
		ix.head[i] = -1
	}
	return ix
}

func (ix index) add(pos, k int) { ix.next[k], ix.head[pos] = ix.head[pos], k }

func (ix index) each(pos int, f func(int)) {
	if pos >= len(ix.head) {
		return
	}
	for k := ix.head[pos]; k >= 0; k = ix.next[k] {
		f(k)
	}
}

// Bytes is String for a byte slice.
func (s Scrubber) Bytes(in []byte) []byte {
	if len(s.pats) == 0 {
		return in
	}
	return []byte(s.String(string(in)))
}

type span struct{ from, to int }

// cand is a match of a whole-value pattern.
type cand struct {
	span
	text string
}

// leftBound reports whether a match starting at i has a boundary on its
// left: the start of the text, a match, a character that is not part of
// a word, or an escape (JSON's \n, \t..., \uXXXX; a URL's %XX) whose last
// character would otherwise look like one. A secret that begins with a
// non-word character ("-x") has its boundary built in. A letter after
// letter-apostrophe is the end of a word ("can't"), not a value.
func leftBound(in string, i int, secret string, cov []bool) bool {
	if i == 0 || cov[i-1] {
		return true
	}
	first, _ := utf8.DecodeRuneInString(secret)
	if !isWord(first) {
		return true
	}
	prev, w := utf8.DecodeLastRuneInString(in[:i])
	if prev == '\'' || prev == '’' {
		// A secret before the apostrophe makes it no word's: "t't" is two.
		before, _ := utf8.DecodeLastRuneInString(in[:i-w])
		return i-w == 0 || cov[i-w-1] || !(unicode.IsLetter(before) && unicode.IsLetter(first))
	}
	if !isWord(prev) {
		return true
	}
	return afterEscape(in[:i])
}

// rightBound is leftBound's mirror for a match ending at j; escapes begin
// with "\" or "%", which are boundaries already.
func rightBound(in string, j int, secret string, cov []bool) bool {
	if j == len(in) || cov[j] {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(secret)
	next, _ := utf8.DecodeRuneInString(in[j:])
	return !isWord(last) || !isWord(next)
}

// afterEscape reports whether s ends with a JSON or URL escape whose
// final character is a letter or digit.
func afterEscape(s string) bool {
	n := len(s)
	switch {
	case n >= 2 && s[n-2] == '\\' && strings.IndexByte("bfnrt", s[n-1]) >= 0:
		return true
	case n >= 6 && s[n-6] == '\\' && s[n-5] == 'u' && isHex(s[n-4:]):
		return true
	case n >= 3 && s[n-3] == '%' && isHex(s[n-2:]):
		return true
	}
	return false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}

// isWord reports whether r can be part of a word. Invalid UTF-8 decodes
// as utf8.RuneError, which is not: a boundary, so a secret next to a
// broken byte is still removed.
func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}
