package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// The state file is a journal: a State document (the base), then one
// record per persisted change, each a line of compact JSON:
//
//	{ ...the base State, pretty-printed... }
//	{"next_id":1207,"customers":[{ ...one changed customer, whole... }]}
//	{"next_id":1212,"customers":[{ ...a new customer... }]}
//
// A record replaces each customer it holds (matched by id) or, for an id
// the state does not have yet, adds it at the end. A change therefore costs
// one append of the customers it touched, not a rewrite of the fleet, and
// a state file written before journals existed, or a hand-written seed, is
// simply a base without records. When the records outgrow the base, the
// file is compacted: the whole state is written as a new base to a
// temporary file, synced and renamed over, so that the total bytes written
// stay proportional to the bytes changed.
//
// Crash safety: a record is appended and synced before the response that
// reports its change. A process killed mid-append leaves a last line
// without its newline; loading ignores it (its request was never answered)
// and the next append truncates it away. A killed compaction leaves the
// old file whole. Any other line that does not decode is an error, never
// skipped: that is damage, not a torn write.
type journalRecord struct {
	NextID    int64      `json:"next_id"`
	Customers []Customer `json:"customers,omitempty"`
}

// maxStateFileBytes bounds the state file read at start.
const maxStateFileBytes = 2 << 30

// minCompactBytes keeps a small state from being compacted at every change.
const minCompactBytes = 1 << 20

// journal is the open state file; the Server's persistMu guards it.
type journal struct {
	path     string
	f        *os.File // opened for appending on first use
	baseSize int64    // bytes of the base document
	size     int64    // bytes of the records after it
	tornAt   int64    // >0: the file's valid content ends here; cut the rest before appending
}

// ReadState reads a state file: its base and every complete record, merged
// into one document (what the sandbox loads, before ids are filled in).
func ReadState(path string) (State, error) {
	st, _, err := readJournal(path)
	return st, err
}

// readJournal reads and merges a state file. It reports where the valid
// content ends when a torn last record follows it.
func readJournal(path string) (State, journal, error) {
	j := journal{path: path}
	f, err := os.Open(path)
	if err != nil {
		return State{}, j, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return State{}, j, err
	}
	if !info.Mode().IsRegular() {
		return State{}, j, fmt.Errorf("%s is not a regular file", path)
	}
	if info.Size() > maxStateFileBytes {
		return State{}, j, fmt.Errorf("%s is %d bytes, over the limit of %d", path, info.Size(), int64(maxStateFileBytes))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxStateFileBytes+1))
	if err != nil {
		return State{}, j, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var st State
	if err := dec.Decode(&st); err != nil {
		return State{}, j, err
	}
	if st.FormatVersion > StateFormatVersion {
		return State{}, j, fmt.Errorf("format_version %d is newer than this sandbox (%d)", st.FormatVersion, StateFormatVersion)
	}
	base := dec.InputOffset()
	for base < int64(len(data)) && (data[base] == '\n' || data[base] == '\r' || data[base] == ' ' || data[base] == '\t') {
		base++
	}
	j.baseSize = base
	m := newMerger(&st)
	for off := base; off < int64(len(data)); {
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			j.tornAt = off // a record cut short by a crash; its request was never answered
			break
		}
		line := data[off : off+int64(nl)]
		var rec journalRecord
		rd := json.NewDecoder(bytes.NewReader(line))
		rd.DisallowUnknownFields()
		if err := rd.Decode(&rec); err != nil {
			return State{}, j, fmt.Errorf("record at byte %d: %w", off, err)
		}
		if rd.More() {
			return State{}, j, fmt.Errorf("record at byte %d: data after the record", off)
		}
		m.apply(rec)
		off += int64(nl) + 1
		j.size = off - base
	}
	return st, j, nil
}

// merger applies records to a document by customer id.
type merger struct {
	st  *State
	pos map[int64]int
}

func newMerger(st *State) *merger {
	m := &merger{st: st, pos: map[int64]int{}}
	for i, c := range st.Customers {
		if c.ID != 0 {
			m.pos[c.ID] = i
		}
	}
	return m
}

func (m *merger) apply(rec journalRecord) {
	m.st.NextID = max(m.st.NextID, rec.NextID)
	for _, c := range rec.Customers {
		if i, ok := m.pos[c.ID]; ok {
			m.st.Customers[i] = c
			continue
		}
		m.pos[c.ID] = len(m.st.Customers)
		m.st.Customers = append(m.st.Customers, c)
	}
}

// needsCompaction reports whether the records have outgrown the base.
// A file without a base yet (none on disk) needs one first.
func (j *journal) needsCompaction() bool {
	return j.baseSize == 0 || j.size > max(j.baseSize, minCompactBytes)
}

// append writes one record line and syncs it.
func (j *journal) append(line []byte) error {
	if j.f == nil {
		f, err := os.OpenFile(j.path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		end := j.baseSize + j.size
		if j.tornAt > 0 {
			end = j.tornAt
		}
		if err := f.Truncate(end); err != nil {
			f.Close()
			return err
		}
		if _, err := f.Seek(end, io.SeekStart); err != nil {
			f.Close()
			return err
		}
		j.f, j.tornAt = f, 0
	}
	if _, err := j.f.Write(line); err != nil {
		j.close() // the next append reopens and cuts what this one left
		return err
	}
	j.size += int64(len(line))
	return j.f.Sync()
}

// compact replaces the file with one base document.
func (j *journal) compact(base []byte) error {
	j.close()
	if err := writeFileAtomic(j.path, base); err != nil {
		return err
	}
	j.baseSize, j.size, j.tornAt = int64(len(base)), 0, 0
	return nil
}

func (j *journal) close() {
	if j.f != nil {
		j.f.Close()
		j.f = nil
	}
}
