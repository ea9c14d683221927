package pkgzip

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func zipOf(t *testing.T, files [][2]string, mod time.Time, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f[0], Modified: mod, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	zw.Close()
	return buf.Bytes()
}

var tree = map[string]string{
	"sync.recipe.json":           `{"name":"Sync"}`,
	"salesforce.connection.json": `{"name":"Salesforce","provider":"salesforce"}`,
	"Sub Folder/x.recipe.json":   `{"name":"X"}`,
	".DS_Store":                  "junk",
	".git/config":                "junk",
}

// The same tree gives the same bytes and digest, whatever the file
// times, permissions, creation order, or whether it came as a zip.
func TestSameTreeSameDigest(t *testing.T) {
	a, err := Build(writeTree(t, tree))
	if err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, tree)
	os.Chtimes(filepath.Join(dir, "sync.recipe.json"), time.Now(), time.Now().Add(-time.Hour))
	os.Chmod(filepath.Join(dir, "sync.recipe.json"), 0o755)
	b, err := Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := [][2]string{{"Sub Folder/x.recipe.json", `{"name":"X"}`}, {"sync.recipe.json", `{"name":"Sync"}`}, {"salesforce.connection.json", `{"name":"Salesforce","provider":"salesforce"}`}}
	zipFile := filepath.Join(t.TempDir(), "p.zip")
	os.WriteFile(zipFile, zipOf(t, files, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), zip.Deflate), 0o644)
	c, err := Build(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	if a.Digest != b.Digest || a.Digest != c.Digest || !bytes.Equal(a.Zip, c.Zip) {
		t.Errorf("digests differ: dir %s, touched dir %s, zip %s", a.Digest, b.Digest, c.Digest)
	}
	changed := writeTree(t, map[string]string{"sync.recipe.json": `{"name":"Sync2"}`, "salesforce.connection.json": `{}`, "Sub Folder/x.recipe.json": `{}`})
	d, _ := Build(changed)
	if d.Digest == a.Digest {
		t.Errorf("a changed tree kept its digest")
	}
	zr, _ := zip.NewReader(bytes.NewReader(a.Zip), int64(len(a.Zip)))
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "Sub Folder/x.recipe.json,salesforce.connection.json,sync.recipe.json" {
		t.Errorf("entries: %s", got)
	}
}

func TestHostileZips(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		files [][2]string
		want  string
	}{
		{"zip slip", [][2]string{{"../evil.recipe.json", "{}"}}, `zip entry "../evil.recipe.json" leaves the package's folder`},
		{"nested slip", [][2]string{{"a/../../evil", "{}"}}, `zip entry "a/../../evil" leaves the package's folder`},
		{"absolute", [][2]string{{"/etc/passwd", "x"}}, `zip entry "/etc/passwd" is an absolute path`},
		{"windows", [][2]string{{`a\..\..\evil`, "x"}}, `contains a backslash`},
		{"drive", [][2]string{{"C:/evil", "x"}}, `is an absolute path`},
		{"duplicate", [][2]string{{"a.json", "1"}, {"a.json", "2"}}, `zip entry "a.json" appears twice`},
		{"empty", nil, "zip holds no files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromZip(zipOf(t, tt.files, old, zip.Store))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := FromZip([]byte("not a zip")); err == nil {
		t.Error("garbage accepted")
	}
}

func TestZipBomb(t *testing.T) {
	defer func(old int64) { maxSize = old }(maxSize)
	maxSize = 4 << 20
	if _, err := FromZip(zipBomb(t, int(maxSize)+1<<20)); err == nil || !strings.Contains(err.Error(), "inflates to more than") {
		t.Errorf("zip bomb: %v", err)
	}
}

// zipBomb is a zip of one entry, bomb.json, that inflates to n zero
// bytes from about n/160 (deflateZeros: compressing n zeros under the
// race detector costs a second for every few megabytes).
func zipBomb(t *testing.T, n int) []byte {
	t.Helper()
	crc := crc32.NewIEEE()
	zero := make([]byte, 64<<10)
	for left := n; left > 0; left -= len(zero) {
		crc.Write(zero[:min(left, len(zero))])
	}
	raw := deflateZeros(n)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "bomb.json", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(len(raw)), UncompressedSize64: uint64(n)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflateZeros is a raw DEFLATE stream (RFC 1951) of n >= 1 zero bytes:
// one block with the fixed Huffman codes, a literal zero, then copies of
// 258 bytes from distance 1 (13 bits each), then literals for the rest.
func deflateZeros(n int) []byte {
	var out []byte
	var acc uint64
	var bits uint
	put := func(v uint64, n uint) { // fields go least significant bit first
		acc |= v << bits
		for bits += n; bits >= 8; bits -= 8 {
			out = append(out, byte(acc))
			acc >>= 8
		}
	}
	code := func(c uint64, n uint) { // Huffman codes go most significant bit first
		var r uint64
		for i := range n {
			r = r<<1 | c>>i&1
		}
		put(r, n)
	}
	const literal0, length258, distance1, endOfBlock = 0x30, 0xc5, 0, 0 // 8, 8, 5 and 7 bits
	put(1, 1)                                                           // the final block
	put(1, 2)                                                           // fixed Huffman codes
	code(literal0, 8)
	left := n - 1
	for ; left >= 258; left -= 258 {
		code(length258, 8)
		code(distance1, 5)
	}
	for ; left > 0; left-- {
		code(literal0, 8)
	}
	code(endOfBlock, 7)
	if bits > 0 {
		out = append(out, byte(acc))
	}
	return out
}

func TestSymlinkRefused(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.json": "{}"})
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "b.json")); err != nil {
		t.Skip(err)
	}
	if _, err := Build(dir); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("got %v", err)
	}
}

func FuzzFromZip(f *testing.F) {
	f.Add(zipOf(&testing.T{}, [][2]string{{"a/b.recipe.json", "{}"}}, time.Time{}, zip.Deflate))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := FromZip(data)
		if err != nil {
			return
		}
		again, err := FromZip(p.Zip)
		if err != nil || again.Digest != p.Digest {
			t.Fatalf("canonical zip is not stable: %v", err)
		}
	})
}
