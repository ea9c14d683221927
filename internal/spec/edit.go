package spec

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"time"
)

// Unsealed is an encrypted manifest opened for editing: its text with the
// secret values in plaintext and the sops metadata taken out, and what is
// needed to seal it again so that the values that did not change keep
// their ciphertext. It holds plaintext: keep it in memory only as long as
// the edit lasts, and never print it.
type Unsealed struct {
	file      string
	secretPtr string
	sops      SOPS
	original  []byte
	text      []byte
	meta      []byte         // the sops metadata, as it stood in the file
	plain     map[string]any // by pointer, as sops typed them
	cipher    map[string]string
}

// Text is the file to show in an editor.
func (u *Unsealed) Text() []byte { return u.text }

// Unseal decrypts a manifest for editing; the keys of sf must open it.
func Unseal(file string, data []byte, sf SOPS) (_ *Unsealed, err error) {
	var scrub scrubber
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("sops failed on this file (internal error)")
		}
		if err != nil {
			err = &scrubbedError{msg: scrub.scrub(err.Error()), err: err}
		}
	}()
	doc, ds := parseDocument(file, data)
	if ds != nil {
		return nil, ds
	}
	if _, ok := doc.value["sops"]; !ok {
		return nil, errors.New("not encrypted (it has no sops metadata): edit it as it is, then run workato-gitops encrypt")
	}
	u := &Unsealed{file: file, sops: sf, original: data, plain: map[string]any{}, cipher: map[string]string{}}
	if doc.value["kind"] == "Config" {
		u.secretPtr = "/fingerprintKey"
	}
	leaves, err := sf.Decrypt(data, isSecretPtr(u.secretPtr))
	if err != nil {
		return nil, fmt.Errorf("cannot open it: %v", err)
	}
	walkValue(doc.value, "", func(ptr string, v any) {
		if s, ok := v.(string); ok && isSecretPtr(u.secretPtr)(ptr) {
			u.cipher[ptr] = s
		}
	})
	values := map[string]string{}
	for ptr, s := range leaves {
		v := s.Reveal()
		scrub.add(s)
		u.plain[ptr] = normalise(v)
		values[ptr] = plainText(v)
	}
	text, err := spliceRaw(data, scalarNodes(doc.root), values)
	if err != nil {
		return nil, err
	}
	u.text, u.meta = cutMetadata(text, doc)
	return u, nil
}

// plainText is a decrypted value as YAML text of the same type.
func plainText(v any) string {
	switch x := v.(type) {
	case string:
		if plainSafe(x) {
			return x
		}
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// spliceRaw is spliceScalars with text that is YAML already.
func spliceRaw(data []byte, nodes map[string]nodeAt, values map[string]string) ([]byte, error) {
	lines := lineStarts(data)
	var edits []edit
	for ptr, text := range values {
		at, ok := nodes[ptr]
		if !ok {
			return nil, fmt.Errorf("%s: not a scalar", fieldName(ptr))
		}
		start, end, err := scalarSpan(data, lines, at)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", fieldName(ptr), err)
		}
		edits = append(edits, edit{start, end, text})
	}
	return applyEdits(data, edits)
}

// cutMetadata takes the top-level sops mapping out of the text. The
// metadata always ends a file sops wrote; elsewhere it is cut up to the
// next top-level key.
func cutMetadata(text []byte, doc *document) ([]byte, []byte) {
	lines := lineStarts(text)
	root := doc.root
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "sops" {
			continue
		}
		start := lines[root.Content[i].Line-1]
		end := len(text)
		if i+2 < len(root.Content) {
			end = lines[root.Content[i+2].Line-1]
		}
		meta := append([]byte(nil), text[start:end]...)
		return append(append([]byte(nil), text[:start]...), text[end:]...), meta
	}
	return text, nil
}

// Seal seals the edited text again. Values that still equal what they
// were keep their ciphertext; new and changed values are encrypted with
// the file's data key, and the MAC is computed again. Unchanged text
// gives back the original file, byte for byte.
func (u *Unsealed) Seal(edited []byte, now time.Time) ([]byte, int, error) {
	if bytes.Equal(edited, u.text) {
		return u.original, 0, nil
	}
	doc, ds := parseDocument(u.file, edited)
	if ds != nil {
		return nil, 0, ds
	}
	if _, ok := doc.value["sops"]; ok {
		return nil, 0, errors.New("the edited file holds a sops key of its own; leave the metadata to workato-gitops")
	}
	if _, ds := secretValues(doc, u.secretPtr, &scrubber{}); ds != nil {
		return nil, 0, ds
	}
	keep := map[string]string{}
	walkValue(doc.value, "", func(ptr string, v any) {
		if old, ok := u.plain[ptr]; ok && reflect.DeepEqual(normalise(v), old) {
			keep[ptr] = u.cipher[ptr]
		}
	})
	text, err := spliceScalars(edited, scalarNodes(doc.root), keep)
	if err != nil {
		return nil, 0, err
	}
	if len(text) > 0 && text[len(text)-1] != '\n' {
		text = append(text, '\n')
	}
	text = append(text, u.meta...)
	if _, ds := parseDocument(u.file, text); ds != nil {
		return nil, 0, ds
	}
	return u.sops.Reseal(u.file, text, isSecretPtr(u.secretPtr), now)
}

// applyEdits replaces byte ranges, which must not overlap.
func applyEdits(data []byte, edits []edit) ([]byte, error) {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b bytes.Buffer
	prev := 0
	for _, e := range edits {
		if e.start < prev {
			return nil, errors.New("two values overlap in the text")
		}
		b.Write(data[prev:e.start])
		b.WriteString(e.text)
		prev = e.end
	}
	b.Write(data[prev:])
	return b.Bytes(), nil
}
