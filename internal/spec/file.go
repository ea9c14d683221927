package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unique"

	"github.com/workato-gitops/workato-gitops/internal/fileread"
)

// manifest is one Tenant or Base file, decoded but not yet merged.
type manifest struct {
	Pos                 // of the whole document
	kind                string
	name                string
	extends             []string
	extendsPos          Pos
	allowPlaintextInput bool
	customer            *Customer
	layer               layer
	digest              File
}

type rawPrune struct {
	Connections *bool `yaml:"connections"`
	Folders     *bool `yaml:"folders"`
	Members     *bool `yaml:"members"`
}

// rawManifest mirrors the schema for yaml.v3 decoding, but for the lists
// of objects, which objectKinds decodes; the schema has already vouched
// for every type.
type rawManifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name                string   `yaml:"name"`
		Extends             []string `yaml:"extends"`
		AllowPlaintextInput bool     `yaml:"allowPlaintextInput"`
	} `yaml:"metadata"`
	Customer *struct {
		ID                int64    `yaml:"id"`
		ExternalID        string   `yaml:"externalId"`
		Name              string   `yaml:"name"`
		NotificationEmail string   `yaml:"notificationEmail"`
		PlanID            string   `yaml:"planId"`
		OriginURL         string   `yaml:"originUrl"`
		Environments      []string `yaml:"environments"`
	} `yaml:"customer"`
	Prune rawPrune `yaml:"prune"`
}

// readLimited reads a file, refusing one larger than max, or one that is
// not a regular file (a FIFO would hang the read), before reading it.
func readLimited(path string, max int64) ([]byte, error) {
	data, err := fileread.Regular(path, max)
	var tl *fileread.TooLargeError
	switch {
	case errors.As(err, &tl) && tl.Size > max+1:
		return nil, fmt.Errorf("file is %d bytes; manifests are limited to %d", tl.Size, max)
	case errors.As(err, &tl):
		return nil, fmt.Errorf("file is larger than the %d-byte limit for manifests", max)
	case errors.Is(err, fileread.ErrNotRegular):
		return nil, errNotRegular
	}
	return data, err
}

// errNotRegular is the diagnostic for a manifest name on something other
// than a regular file.
var errNotRegular = errors.New("not a regular file (a FIFO, a device or a socket cannot be a manifest)")

func digest(rel string, data []byte) File {
	sum := sha256.Sum256(data)
	return File{Path: rel, SHA256: hex.EncodeToString(sum[:])}
}

var (
	inputValuePtr = regexp.MustCompile(`^/connections/\d+/input/[^/]+$`)
	encPrefix     = "ENC["
)

// checkEncryption makes sure that exactly the input values are encrypted
// (when the file has SOPS metadata) or that plaintext inputs were opted
// into (when it has none).
func checkEncryption(doc *document, allowPlaintext bool, extraSecret, plaintextHint string) Diagnostics {
	_, hasSops := doc.value["sops"]
	var ds Diagnostics
	isSecretPtr := func(ptr string) bool {
		return inputValuePtr.MatchString(ptr) || (extraSecret != "" && ptr == extraSecret)
	}
	walkValue(doc.value, "", func(ptr string, v any) {
		if strings.HasPrefix(ptr, "/sops/") || ptr == "/sops" {
			return
		}
		s, isStr := v.(string)
		enc := isStr && strings.HasPrefix(s, encPrefix)
		switch {
		case enc && !isSecretPtr(ptr):
			ds = append(ds, Diagnostic{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr), Message: "only secret values may be encrypted (connection input, the config's fingerprintKey); set encrypted_regex in .sops.yaml"})
		case enc && !hasSops:
			ds = append(ds, Diagnostic{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr), Message: "value is SOPS-encrypted but the file has no sops metadata"})
		case !enc && isSecretPtr(ptr) && hasSops:
			ds = append(ds, Diagnostic{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr), Message: "plaintext value in an encrypted file: it was added after encryption; seal it with `workato-gitops encrypt FILE`"})
		case !enc && isSecretPtr(ptr) && !allowPlaintext:
			ds = append(ds, Diagnostic{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr), Message: "plaintext secret: " + plaintextHint})
		}
	})
	return ds
}

// valueAt returns the value at a JSON pointer made of keys and indices.
func valueAt(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		switch x := v.(type) {
		case map[string]any:
			v = x[unescapePtr(tok)]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func walkValue(v any, ptr string, visit func(ptr string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			walkValue(c, ptr+"/"+escapePtr(k), visit)
		}
	case []any:
		for i, c := range x {
			walkValue(c, ptr+"/"+strconv.Itoa(i), visit)
		}
	default:
		visit(ptr, x)
	}
}

// decodeManifest builds a manifest from a schema-valid document. inputs
// holds the decrypted input values by pointer; nil means use the plaintext
// values of the document (or none, when decryption was skipped).
func decodeManifest(doc *document, rel string, inputs map[string]Secret, plaintext bool) (*manifest, error) {
	var raw rawManifest
	if err := doc.root.Decode(&raw); err != nil {
		return nil, err
	}
	pos := func(ptr string) Pos {
		// The field name is interned: every tenant has a "members[0]".
		p := Pos{File: doc.file, Line: doc.line(ptr), Field: unique.Make(fieldName(ptr)).Value()}
		if obj, ok := valueAt(doc.value, ptr).(map[string]any); ok {
			lines := make(map[string]int, len(obj))
			for k := range obj {
				lines[k] = doc.keyLine(ptr + "/" + escapePtr(k))
			}
			p.fields = newFieldLines(p.Line, lines)
		}
		return p
	}
	m := &manifest{
		Pos:                 Pos{File: doc.file, Line: doc.root.Line},
		kind:                raw.Kind,
		name:                raw.Metadata.Name,
		extends:             raw.Metadata.Extends,
		extendsPos:          pos("/metadata/extends"),
		allowPlaintextInput: raw.Metadata.AllowPlaintextInput,
	}
	if c := raw.Customer; c != nil {
		m.customer = &Customer{Pos: pos("/customer"), ID: c.ID, ExternalID: c.ExternalID, Name: c.Name,
			NotificationEmail: c.NotificationEmail, PlanID: c.PlanID, OriginURL: c.OriginURL, Environments: canonicalEnvironments(c.Environments)}
	}
	d := &decoder{doc: doc, pos: pos, inputs: inputs, plaintext: plaintext}
	for _, k := range objectKinds {
		k.decode(d, &m.layer)
	}
	m.layer.prune = raw.Prune
	return m, nil
}

// decodeInput reads a connection's input: its ciphertext digests, and its
// values when they were decrypted (or are plaintext).
func decodeInput(d *decoder, ptr string, c *Connection) {
	in, ok := valueAt(d.doc.value, ptr+"/input").(map[string]any)
	if !ok {
		return
	}
	c.HasInput = true
	if !d.plaintext {
		c.Ciphertext = ciphertextDigests(in)
	}
	if d.inputs != nil || d.plaintext {
		c.Input = Input{}
		for k, v := range in {
			if d.plaintext {
				c.Input[k] = NewSecret(v)
			} else {
				c.Input[k] = d.inputs[ptr+"/input/"+escapePtr(k)]
			}
		}
	}
}

// resolvePackageSources finds every package source relative to the file
// that names it and keeps it inside the repository.
func resolvePackageSources(m *manifest, absFile, root string) Diagnostics {
	var ds Diagnostics
	pkgs := packageKind.of(&m.layer)
	for i := range pkgs {
		p := &pkgs[i]
		src := p.SourceRel
		if filepath.IsAbs(src) {
			ds = append(ds, p.diag("source", "must be a path relative to this file"))
			continue
		}
		abs := filepath.Join(filepath.Dir(absFile), filepath.FromSlash(src))
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			ds = append(ds, p.diag("source", "package source %q does not exist", src))
			continue
		}
		if !within(root, real) {
			ds = append(ds, p.diag("source", "package source %q leads outside the repository", src))
			continue
		}
		st, err := os.Stat(real)
		switch {
		case err != nil:
			ds = append(ds, p.diag("source", "cannot read package source %q", src))
		case st.IsDir():
			p.Source = real
		case st.Mode().IsRegular() && strings.EqualFold(filepath.Ext(real), ".zip"):
			p.Source, p.IsZip = real, true
		default:
			ds = append(ds, p.diag("source", "package source %q must be a directory or a .zip file", src))
		}
	}
	return ds
}

// within reports whether path is root or below it; both must be clean and
// absolute with symlinks resolved.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// sopsLine maps a decryption problem to the line it concerns.
func problemDiag(doc *document, p *DecryptProblem) Diagnostic {
	ptr := p.Ptr
	field := fieldName(ptr)
	if ptr == "/sops" || strings.HasPrefix(ptr, "/sops/") {
		field = "sops"
		if ptr == "/sops/mac" {
			field = "sops.mac"
		}
	}
	return Diagnostic{File: doc.file, Line: doc.keyLine(ptr), Field: field, Message: p.Msg}
}

// ciphertextDigests digests each encrypted input value's ENC[...] text
// (12 bytes of sha256, in hex: enough to tell values apart, short enough
// for a ledger entry). The ciphertext is public; its digest says nothing
// about the plaintext.
func ciphertextDigests(in map[string]any) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		sum := sha256.Sum256([]byte(s))
		out[k] = hex.EncodeToString(sum[:12])
	}
	return out
}
