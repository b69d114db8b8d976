package dataset

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// npyV2 returns a version-2 .npy file whose header is text, padded with
// spaces to hlen bytes (the last a newline), followed by data.
func npyV2(text string, hlen int, data []byte) []byte {
	b := []byte("\x93NUMPY\x02\x00")
	b = binary.LittleEndian.AppendUint32(b, uint32(hlen))
	h := []byte(text + strings.Repeat(" ", hlen-len(text)-1) + "\n")
	return append(append(b, h...), data...)
}

// TestNpyHeaderAndCountAtTheirBounds: a header of exactly the largest
// length read (1 MiB) is read; a shape of exactly 2⁶² bytes is checked
// against the file (too short), one element more is refused as too many;
// a header-only file names the bytes its shape needs; a header that ends
// inside the shape's digits is an error, not a crash.
func TestNpyHeaderAndCountAtTheirBounds(t *testing.T) {
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
	two := make([]byte, 16)
	binary.LittleEndian.PutUint64(two[8:], 0x4000000000000000) // 2.0
	b := npyV2(dict, maxNpyHeader, two)
	if a, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{}); err != nil || len(a.Data) != 2 || a.Data[1] != 2 {
		t.Errorf("a header of exactly %d bytes: %v, %v", maxNpyHeader, a, err)
	}
	b = npyV2(dict, maxNpyHeader+1, two)
	if _, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{}); err == nil || !strings.Contains(err.Error(), "header length 1048577") {
		t.Errorf("a header of %d bytes: %v", maxNpyHeader+1, err)
	}

	for _, c := range []struct{ shape, want string }{
		{"(576460752303423488, 1)", "data truncated: shape [576460752303423488 1] needs 4611686018427387904 bytes, file has 0"}, // 2⁵⁹ float64: 2⁶² bytes
		{"(576460752303423489, 1)", "too many elements"},
		{"(2,)", "data truncated: shape [2] needs 16 bytes, file has 0"},
	} {
		b := npyV2("{'descr': '<f8', 'fortran_order': False, 'shape': "+c.shape+", }", 118, nil)
		if _, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{MaxBytes: 1 << 62}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("shape %s and no data: %v, want %q", c.shape, err, c.want)
		}
	}

	cut := "{'descr': '<f8', 'fortran_order': False, 'shape': (3"
	b = append([]byte("\x93NUMPY\x01\x00"), byte(len(cut)), 0)
	b = append(b, cut...)
	if _, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{}); err == nil {
		t.Error("a header ending inside the shape's digits: no error")
	}
}

// TestNpyStreamAllocatesWhatArrives: from a stream of unknown size (a
// compressed member), a header claiming 2²⁷ values (1 GiB) over 16 bytes of
// data is refused as truncated after allocating a few chunks, not the claim.
func TestNpyStreamAllocatesWhatArrives(t *testing.T) {
	b := npyV2("{'descr': '<f8', 'fortran_order': False, 'shape': (134217728,), }", 118, make([]byte, 16))
	var err error
	bytesUsed, _ := allocated(func() { _, err = DecodeNpy(bytes.NewReader(b), -1, Limits{}) })
	if err == nil || !strings.Contains(err.Error(), "truncated after 0 of 134217728 elements") {
		t.Errorf("a stream claiming 2^27 values: %v", err)
	}
	if bytesUsed > 8<<20 {
		t.Errorf("a stream claiming 2^27 values over 16 bytes: %d bytes allocated", bytesUsed)
	}
}

// TestCSVExtraFieldIsCountedNotParsed: a row with one field more than the
// header, even a non-number, is reported by its field count.
func TestCSVExtraFieldIsCountedNotParsed(t *testing.T) {
	_, err := ParseCSV(strings.NewReader("a,b,c\n1,2,3\n1,2,3,x\n"), CSVOptions{})
	if err == nil || err.Error() != "line 3: 4 fields, want 3" {
		t.Errorf("an extra non-numeric field: %v", err)
	}
}

// TestReserveDoubles: reserve keeps a slice that has the room and doubles
// one that has not (the CSV reader's growth).
func TestReserveDoubles(t *testing.T) {
	s := make([]float64, 10, 13)
	if r := reserve(s, 3); &r[0] != &s[0] || cap(r) != 13 || len(r) != 10 {
		t.Errorf("room for exactly 3 more: a new slice (cap %d, len %d)", cap(r), len(r))
	}
	if r := reserve(s, 4); cap(r) < 20 || len(r) != 10 {
		t.Errorf("4 more into a 10/13 slice: cap %d, len %d; want at least 20 and 10", cap(r), len(r))
	}
	big := make([]float64, 4096)
	if r := reserve(big, 1); cap(r) < 8192 { // append alone would give about 1.25×
		t.Errorf("1 more into a full 4096: cap %d, want at least 8192", cap(r))
	}
	if r := reserve([]float64(nil), 5); cap(r) < 5 || len(r) != 0 {
		t.Errorf("5 into nothing: cap %d, len %d", cap(r), len(r))
	}
}
