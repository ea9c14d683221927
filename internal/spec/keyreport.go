package spec

import (
	"bufio"
	"bytes"
	"strings"

	"filippo.io/age"
)

// This file explains keys and encrypted files for `workato-gitops doctor`:
// which recipients each file has, whether a key given here opens it, and,
// when not, why. Like the rest of the package it never returns key
// material: only origins, line numbers and public keys (recipients).

// KeyReport describes one key source: what it holds, or why it could not
// be used.
type KeyReport struct {
	Origin string
	Kind   KeyKind
	// Read is whether the source was there and could be read.
	Read bool
	// Explicit sources are named by a variable; defaults are not.
	Explicit bool
	// Detail is the reason a source could not be read (an OS error
	// without the path, or a command's failure); never key material.
	Detail string
	// PublicKeys are the recipients (public keys) of the identities the
	// source holds, in file order. Public keys are not secret.
	PublicKeys []string
	// Problems are the lines that are not age identities, or why the
	// whole source is unusable (SourceUnset for one that is not there).
	Problems []KeyProblem
}

// KeyProblemKind says what a line that is not an identity looks like.
type KeyProblemKind int

const (
	// NotIdentity is any other line.
	NotIdentity KeyProblemKind = iota
	// PublicKeyLine is an age public key (age1...): a recipient pasted
	// where the secret key was expected.
	PublicKeyLine
	// BadSecretKey starts like an age secret key but does not parse:
	// truncated or mistyped.
	BadSecretKey
	// PluginIdentity is an age plugin identity, which SOPS cannot use here.
	PluginIdentity
	// PGPBlock is an armored PGP block: a PGP key in an age key file.
	PGPBlock
	// NoIdentity means the source holds no line that is not a comment.
	NoIdentity
)

// KeyProblem is one line of a key source that is not an age identity.
type KeyProblem struct {
	Line int // 1-based; 0 for NoIdentity
	Kind KeyProblemKind
}

// InspectKeys reports, source by source, which identities each holds and
// which lines are not identities. Unlike ParseAgeIdentities it does not
// stop at the first bad line.
func InspectKeys(sources []KeySource) []KeyReport {
	out := make([]KeyReport, len(sources))
	for i, src := range sources {
		out[i] = inspectKeySource(src, nil)
	}
	return out
}

// inspectKeySource parses one source; good, when not nil, receives each
// line that is an identity, so that a decryptor can be built from the
// usable lines alone.
func inspectKeySource(src KeySource, good *bytes.Buffer) KeyReport {
	r := KeyReport{Origin: src.Origin}
	sc := bufio.NewScanner(bytes.NewReader(src.Data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n, lines := 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines++
		ids, err := age.ParseIdentities(strings.NewReader(line))
		if err != nil || len(ids) != 1 {
			r.Problems = append(r.Problems, KeyProblem{Line: n, Kind: classifyKeyLine(line)})
			continue
		}
		r.PublicKeys = append(r.PublicKeys, publicKey(ids[0]))
		if good != nil {
			good.WriteString(line)
			good.WriteByte('\n')
		}
	}
	if sc.Err() != nil {
		r.Problems = append(r.Problems, KeyProblem{Line: n + 1, Kind: NotIdentity})
	} else if lines == 0 {
		r.Problems = append(r.Problems, KeyProblem{Kind: NoIdentity})
	}
	return r
}

func classifyKeyLine(line string) KeyProblemKind {
	upper := strings.ToUpper(line)
	switch {
	case strings.HasPrefix(line, "age1"):
		return PublicKeyLine
	case strings.HasPrefix(upper, "AGE-SECRET-KEY-"):
		return BadSecretKey
	case strings.HasPrefix(upper, "AGE-PLUGIN-"):
		return PluginIdentity
	case strings.HasPrefix(line, "-----BEGIN PGP"):
		return PGPBlock
	}
	return NotIdentity
}

func publicKey(id age.Identity) string {
	switch x := id.(type) {
	case *age.X25519Identity:
		return x.Recipient().String()
	case *age.HybridIdentity:
		return x.Recipient().String()
	case sshIdentity:
		return x.pub
	}
	return "(an age identity of an unknown type)"
}

// UsableKeys keeps only the lines of keys that are age identities, and the
// SSH keys that parse, so that one bad line does not hide the good ones
// from a diagnosis.
func UsableKeys(keys Keys) Keys {
	var good bytes.Buffer
	for _, src := range keys.Age {
		inspectKeySource(src, &good)
	}
	var out Keys
	if good.Len() > 0 {
		out.Age = []KeySource{{Origin: "usable age identities", Data: good.Bytes()}}
	}
	for _, src := range keys.SSH {
		if _, p := inspectSSHKey(src.Data); p == 0 {
			out.SSH = append(out.SSH, src)
		}
	}
	return out
}
