// Package wasmpack rewrites the data section of a WebAssembly module built by
// Go (GOOS=js GOARCH=wasm) into fewer, larger data segments.
//
// Go's linker starts a new active data segment wherever the data has a run of
// 8 or more zero bytes (cmd/link/internal/wasm, writeDataSec), which saves raw
// bytes but gives a large program tens of thousands of segments; their
// headers (flags, offset, length) are near-random bytes that compress badly.
// [Pack] sorts the segments by address and joins neighbours separated by at
// most maxGap zero bytes, writing the zeros out: the raw module grows (by
// 15% for misskey.wasm at maxGap 256) and its gzip and brotli forms shrink
// (by 10%: tens of thousands of segments become a handful). Memory starts out
// exactly as before ([MemoryImage] tells it), since memory is zero-filled
// before the segments are copied in, no two segments may overlap (so their
// order does not matter), and a joined segment spans no address outside the
// first and the last of the segments it replaces (so instantiation checks
// the same bounds).
//
// Only the data section (and the DataCount section, whose count it updates)
// is rewritten; every other section is copied byte for byte. Pack refuses
// what it does not fully understand, rather than guess: passive segments,
// segments of another memory, init expressions other than `i32.const; end`,
// overlapping segments, malformed or truncated input, and code that may name
// data segments by number (memory.init, data.drop), which joining renumbers.
//
// The one difference a host could see is when a segment does not fit in
// memory: instantiation fails before and after, but into a memory the module
// imports the original may have written some segments before failing. Go's
// modules define their own memory.
package wasmpack

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Section ids (WebAssembly core specification 2.0, §5.5).
const (
	secCustom    = 0
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secLast      = 13 // the tag section, the highest id known here
)

var header = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// Segment is an active data segment of memory 0: Data is copied to linear
// memory at Offset when the module is instantiated.
type Segment struct {
	Offset uint32
	Data   []byte
}

// end is one past the last address the segment writes (up to 2^32).
func (s Segment) end() uint64 { return uint64(s.Offset) + uint64(len(s.Data)) }

// section is one section of a module: its id, its payload and its whole
// encoding (id, size and payload) as found in the input.
type section struct {
	id      byte
	payload []byte
	raw     []byte
}

// parseModule splits a module into its sections, checking the header, the
// section sizes and that no section is unknown or (but custom ones) repeated.
func parseModule(wasm []byte) ([]section, error) {
	if len(wasm) < len(header) || !bytes.Equal(wasm[:4], header[:4]) {
		return nil, errors.New("wasmpack: not a WebAssembly module (bad magic)")
	}
	if !bytes.Equal(wasm[4:8], header[4:]) {
		return nil, fmt.Errorf("wasmpack: unsupported WebAssembly version % x", wasm[4:8])
	}
	var secs []section
	seen := map[byte]bool{}
	r := reader{b: wasm, pos: len(header)}
	for r.pos < len(r.b) {
		start := r.pos
		id := r.b[r.pos]
		r.pos++
		if id > secLast {
			return nil, fmt.Errorf("wasmpack: unknown section id %d at byte %d", id, start)
		}
		if id != secCustom {
			if seen[id] {
				return nil, fmt.Errorf("wasmpack: section id %d appears twice", id)
			}
			seen[id] = true
		}
		size, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("wasmpack: size of section id %d at byte %d: %w", id, start, err)
		}
		payload, err := r.bytes(size)
		if err != nil {
			return nil, fmt.Errorf("wasmpack: section id %d at byte %d: %w", id, start, err)
		}
		secs = append(secs, section{id: id, payload: payload, raw: r.b[start:r.pos]})
	}
	return secs, nil
}

// parseData decodes a data section's payload.
func parseData(p []byte) ([]Segment, error) {
	r := reader{b: p}
	n, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("wasmpack: data segment count: %w", err)
	}
	// A segment takes at least 5 bytes (flags, i32.const, offset, end,
	// length): a larger count cannot be true, and must not size an allocation.
	if uint64(n) > uint64(len(p))/5 {
		return nil, fmt.Errorf("wasmpack: %d data segments cannot fit in %d bytes", n, len(p))
	}
	segs := make([]Segment, 0, n)
	for i := range n {
		at := r.pos
		flags, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("wasmpack: data segment %d: flags: %w", i, err)
		}
		if flags != 0 {
			return nil, fmt.Errorf("wasmpack: data segment %d (byte %d of the data section): flags %d; only active segments of memory 0 (flags 0) are supported", i, at, flags)
		}
		op, err := r.byte()
		if err != nil {
			return nil, fmt.Errorf("wasmpack: data segment %d: offset: %w", i, err)
		}
		if op != 0x41 { // i32.const
			return nil, fmt.Errorf("wasmpack: data segment %d: offset expression starts with opcode %#x; only i32.const is supported", i, op)
		}
		off, err := r.s32()
		if err != nil {
			return nil, fmt.Errorf("wasmpack: data segment %d: offset: %w", i, err)
		}
		op, err = r.byte()
		if err != nil {
			return nil, fmt.Errorf("wasmpack: data segment %d: offset: %w", i, err)
		}
		if op != 0x0b { // end
			return nil, fmt.Errorf("wasmpack: data segment %d: offset expression goes on after i32.const (opcode %#x); only i32.const; end is supported", i, op)
		}
		size, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("wasmpack: data segment %d: length: %w", i, err)
		}
		data, err := r.bytes(size)
		if err != nil {
			return nil, fmt.Errorf("wasmpack: data segment %d: %w", i, err)
		}
		s := Segment{Offset: uint32(off), Data: data}
		if s.end() > 1<<32 {
			return nil, fmt.Errorf("wasmpack: data segment %d: %d bytes at %#x run past the 4 GiB of a 32-bit memory", i, size, s.Offset)
		}
		segs = append(segs, s)
	}
	if r.pos != len(p) {
		return nil, fmt.Errorf("wasmpack: %d bytes after the last data segment", len(p)-r.pos)
	}
	return segs, nil
}

// sortSegments returns segs sorted by address (empty segments before others
// at the same offset), or an error if any two of them overlap. Go's linker
// writes the segments of one of its sections after another's, and the
// segments of misskey.wasm built by Go 1.26 are not all in address order
// (a run of them falls inside the range of an earlier section's), though no
// byte is written twice. Segments that do not overlap can be applied in any
// order.
func sortSegments(segs []Segment) ([]Segment, error) {
	idx := make([]int, len(segs)) // input position, for the error
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := cmp.Compare(segs[a].Offset, segs[b].Offset); c != 0 {
			return c
		}
		return cmp.Compare(len(segs[a].Data), len(segs[b].Data))
	})
	sorted := make([]Segment, len(segs))
	for i, j := range idx {
		sorted[i] = segs[j]
		if i > 0 && uint64(sorted[i].Offset) < sorted[i-1].end() {
			return nil, fmt.Errorf("wasmpack: data segment %d ([%#x, %#x)) overlaps data segment %d ([%#x, %#x))",
				j, sorted[i].Offset, sorted[i].end(), idx[i-1], sorted[i-1].Offset, sorted[i-1].end())
		}
	}
	return sorted, nil
}

// parseDataCount decodes a DataCount section's payload.
func parseDataCount(p []byte) (uint32, error) {
	r := reader{b: p}
	n, err := r.u32()
	if err != nil {
		return 0, fmt.Errorf("wasmpack: DataCount section: %w", err)
	}
	if r.pos != len(p) {
		return 0, fmt.Errorf("wasmpack: DataCount section: %d bytes after the count", len(p)-r.pos)
	}
	return n, nil
}

// module is a parsed module: its sections, and the data segments of its data
// section (if any).
type module struct {
	secs      []section
	data      int       // index in secs of the data section, or -1
	dataCount int       // index in secs of the DataCount section, or -1
	segs      []Segment // in the order of the data section
	sorted    []Segment // by address
}

func parse(wasm []byte) (*module, error) {
	secs, err := parseModule(wasm)
	if err != nil {
		return nil, err
	}
	m := &module{secs: secs, data: -1, dataCount: -1}
	code := -1
	for i, s := range secs {
		switch s.id {
		case secData:
			m.data = i
			if m.segs, err = parseData(s.payload); err != nil {
				return nil, err
			}
			if m.sorted, err = sortSegments(m.segs); err != nil {
				return nil, err
			}
		case secDataCount:
			m.dataCount = i
		case secCode:
			code = i
		}
	}
	if m.dataCount >= 0 {
		n, err := parseDataCount(secs[m.dataCount].payload)
		if err != nil {
			return nil, err
		}
		if n != uint32(len(m.segs)) {
			return nil, fmt.Errorf("wasmpack: DataCount section says %d data segments, the data section has %d", n, len(m.segs))
		}
		// Only with a DataCount section may code name data segments
		// (memory.init, data.drop: 0xfc 8 and 0xfc 9), and joining segments
		// renumbers them. Telling those instructions from immediates that
		// happen to hold the same bytes needs a full decoder, so refuse any
		// code section where those bytes appear at all.
		if code >= 0 {
			p := secs[code].payload
			for i := 0; i+1 < len(p); i++ {
				if p[i] == 0xfc && (p[i+1] == 8 || p[i+1] == 9) {
					return nil, errors.New("wasmpack: the code may use memory.init or data.drop (it has a DataCount section and the bytes of those instructions); joining segments would renumber them")
				}
			}
		}
	}
	return m, nil
}

// Segments returns the data segments of a module's data section, in order
// (none if it has no data section).
func Segments(wasm []byte) ([]Segment, error) {
	m, err := parse(wasm)
	if err != nil {
		return nil, err
	}
	return m.segs, nil
}

// Pack returns wasm with its data segments in address order, neighbours
// joined wherever the gap between one's end and the next one's start is at
// most maxGap bytes (filled with zeros), and its DataCount section, if any,
// updated. All other sections are copied unchanged. A module without a data
// section comes back as a copy. Pack never changes its input.
func Pack(wasm []byte, maxGap int) ([]byte, error) {
	if maxGap < 0 {
		return nil, fmt.Errorf("wasmpack: negative maxGap %d", maxGap)
	}
	m, err := parse(wasm)
	if err != nil {
		return nil, err
	}
	if m.data < 0 {
		return bytes.Clone(wasm), nil
	}

	// Plan the joined segments as runs [first, last] of input segments,
	// and check that the new data section's size fits in a u32 before
	// allocating anything for it.
	type run struct{ first, last int }
	var runs []run
	for i, s := range m.sorted {
		if n := len(runs); n > 0 {
			prev := m.sorted[runs[n-1].last]
			if uint64(s.Offset)-prev.end() <= uint64(maxGap) {
				runs[n-1].last = i
				continue
			}
		}
		runs = append(runs, run{i, i})
	}
	size := uint64(uleb128Len(uint64(len(runs))))
	for _, r := range runs {
		first, last := m.sorted[r.first], m.sorted[r.last]
		n := last.end() - uint64(first.Offset)
		size += 1 + 1 + uint64(sleb128Len(int64(int32(first.Offset)))) + 1 + uint64(uleb128Len(n)) + n
		if size > math.MaxUint32 || size > math.MaxInt {
			return nil, errors.New("wasmpack: the packed data section would be over 4 GiB")
		}
	}

	data := make([]byte, 0, size)
	data = appendUleb128(data, uint64(len(runs)))
	for _, r := range runs {
		first, last := m.sorted[r.first], m.sorted[r.last]
		n := last.end() - uint64(first.Offset)
		data = append(data, 0x00, 0x41) // flags 0 (active, memory 0); i32.const
		data = appendSleb128(data, int64(int32(first.Offset)))
		data = append(data, 0x0b) // end
		data = appendUleb128(data, n)
		start := len(data)
		data = data[:start+int(n)]
		clear(data[start:])
		for _, s := range m.sorted[r.first : r.last+1] {
			copy(data[start+int(s.Offset-first.Offset):], s.Data)
		}
	}

	out := make([]byte, 0, len(wasm)+len(data)-len(m.secs[m.data].payload))
	out = append(out, header...)
	for i, s := range m.secs {
		switch i {
		case m.data:
			out = append(out, secData)
			out = appendUleb128(out, uint64(len(data)))
			out = append(out, data...)
		case m.dataCount:
			count := appendUleb128(nil, uint64(len(runs)))
			out = append(out, secDataCount)
			out = appendUleb128(out, uint64(len(count)))
			out = append(out, count...)
		default:
			out = append(out, s.raw...)
		}
	}
	return out, nil
}

// Memory is the initial contents of linear memory as a module's data segments
// describe it, in a canonical form: two modules whose segments are laid out
// differently but set memory up identically have equal Memory values.
type Memory struct {
	// Start and End bound the segments: Start is the offset of the first,
	// End one past the last byte of the last (both 0 with no segments).
	// Instantiation checks every segment, empty ones too, against the
	// memory's size, so End is part of what the module means.
	Start, End uint64
	// Runs are the maximal runs of non-zero bytes, ascending; every other
	// byte of memory starts out zero.
	Runs []Segment
}

// Equal reports whether m and o describe the same initial memory.
func (m *Memory) Equal(o *Memory) bool {
	if m.Start != o.Start || m.End != o.End || len(m.Runs) != len(o.Runs) {
		return false
	}
	for i, r := range m.Runs {
		if r.Offset != o.Runs[i].Offset || !bytes.Equal(r.Data, o.Runs[i].Data) {
			return false
		}
	}
	return true
}

// Bytes returns memory from Start to End (that is, the bytes from the lowest
// to the highest address written), or an error if that is over limit bytes.
func (m *Memory) Bytes(limit int) ([]byte, error) {
	if limit < 0 || m.End-m.Start > uint64(limit) {
		return nil, fmt.Errorf("wasmpack: %d bytes of memory image, over the limit of %d", m.End-m.Start, limit)
	}
	b := make([]byte, m.End-m.Start)
	for _, r := range m.Runs {
		copy(b[uint64(r.Offset)-m.Start:], r.Data)
	}
	return b, nil
}

// MemoryImage returns the initial linear memory that wasm's data section
// describes. It refuses what Pack refuses.
func MemoryImage(wasm []byte) (*Memory, error) {
	mod, err := parse(wasm)
	if err != nil {
		return nil, err
	}
	segs := mod.sorted
	m := &Memory{}
	if len(segs) > 0 {
		m.Start, m.End = uint64(segs[0].Offset), segs[len(segs)-1].end()
	}
	for _, s := range segs {
		for i := 0; i < len(s.Data); {
			if s.Data[i] == 0 {
				i++
				continue
			}
			j := i
			for j < len(s.Data) && s.Data[j] != 0 {
				j++
			}
			off := s.Offset + uint32(i)
			// Join a run that starts right where the last one (of an
			// earlier segment) ended.
			if n := len(m.Runs); n > 0 && m.Runs[n-1].end() == uint64(off) {
				m.Runs[n-1].Data = append(m.Runs[n-1].Data, s.Data[i:j]...)
			} else {
				m.Runs = append(m.Runs, Segment{Offset: off, Data: bytes.Clone(s.Data[i:j])})
			}
			i = j
		}
	}
	return m, nil
}

// reader reads the encodings of the binary format from b.
type reader struct {
	b   []byte
	pos int
}

var errTruncated = errors.New("unexpected end of input")

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errTruncated
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(len(r.b)-r.pos) {
		return nil, fmt.Errorf("%d bytes announced, %d left: %w", n, len(r.b)-r.pos, errTruncated)
	}
	p := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return p, nil
}

// u32 reads an unsigned LEB128 u32: at most 5 bytes, the last of which may
// not have bits beyond the 32nd. Padded (non-minimal) encodings, which Go's
// linker writes for section sizes, are valid.
func (r *reader) u32() (uint32, error) {
	var v uint32
	for i := 0; ; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 4 {
			if c&0xf0 != 0 {
				return 0, errors.New("LEB128 u32 too large or too long")
			}
			return v | uint32(c)<<28, nil
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
}

// s32 reads a signed LEB128 i32: at most 5 bytes; in the 5th, the bits
// beyond the 32nd must all equal the sign bit (bit 3 of that byte).
func (r *reader) s32() (int32, error) {
	var v uint32
	for i := 0; ; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 4 {
			if c&0x80 != 0 {
				return 0, errors.New("LEB128 i32 too long")
			}
			if hi := c & 0x70; (c&0x08 == 0 && hi != 0) || (c&0x08 != 0 && hi != 0x70) {
				return 0, errors.New("LEB128 i32 out of range")
			}
			return int32(v | uint32(c)<<28), nil
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if shift := 7 * (i + 1); c&0x40 != 0 {
				v |= ^uint32(0) << shift // sign-extend
			}
			return int32(v), nil
		}
	}
}

func appendUleb128(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func uleb128Len(v uint64) int { return len(appendUleb128(make([]byte, 0, 10), v)) }

func appendSleb128(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7 // arithmetic shift: keeps the sign
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func sleb128Len(v int64) int { return len(appendSleb128(make([]byte, 0, 10), v)) }
