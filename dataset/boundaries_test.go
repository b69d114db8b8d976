package dataset

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// Tests at the exact boundaries of the readers' checks: each value on the
// boundary is accepted by that check, one past it refused (mutation
// testing found these comparisons free to move by one).

// idxHeader returns an IDX header of unsigned bytes with the given dims.
func idxHeader(dims ...uint32) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

func TestIDXRecordAndSizeBounds(t *testing.T) {
	for _, c := range []struct {
		dims []uint32
		want string
	}{
		// A record of exactly 2^40 bytes passes the record check and
		// meets the memory limit; one more byte per record does not.
		{[]uint32{1, 1 << 20, 1 << 20}, "more than the limit"},
		{[]uint32{1, 1<<20 + 1, 1 << 20}, "records of more than 2^40 bytes"},
		// Rows × record of exactly 2^62 bytes passes the size check.
		{[]uint32{1 << 22, 1 << 20, 1 << 20}, "more than the limit"},
		{[]uint32{1<<22 + 1, 1 << 20, 1 << 20}, "claim more than 2^62 bytes"},
	} {
		_, err := ReadIDX(bytes.NewReader(idxHeader(c.dims...)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("dims %v: %v; want an error with %q", c.dims, err, c.want)
		}
	}
}

func TestCSVAtTheMemoryBound(t *testing.T) {
	csv := "1,2,3\n4,5,6\n7,8,9\n" // 9 values, 72 bytes
	if tab, err := ParseCSV(strings.NewReader(csv), CSVOptions{Limits: Limits{MaxBytes: 72}}); err != nil || tab.Rows != 3 {
		t.Errorf("72 bytes of values under a bound of 72: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader(csv), CSVOptions{Limits: Limits{MaxBytes: 71}}); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("72 bytes of values under a bound of 71: %v", err)
	}
}

func TestNpyAtTheFileBounds(t *testing.T) {
	empty, err := EncodeNpy([]int{0}, nil) // a header and no data
	if err != nil {
		t.Fatal(err)
	}
	if a, err := DecodeNpy(bytes.NewReader(empty), int64(len(empty)), Limits{}); err != nil || len(a.Shape) != 1 || a.Shape[0] != 0 {
		t.Errorf("a header that ends the file: %v, %v", a, err)
	}
	if _, err := DecodeNpy(bytes.NewReader(empty), int64(len(empty)-1), Limits{}); err == nil {
		t.Error("a header one byte longer than the file: no error")
	}
	full, err := EncodeNpy([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeNpy(bytes.NewReader(full), int64(len(full)), Limits{}); err != nil {
		t.Errorf("data that ends the file exactly: %v", err)
	}
	if _, err := DecodeNpy(bytes.NewReader(full[:len(full)-1]), int64(len(full)-1), Limits{}); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("data one byte short: %v", err)
	}
	// Shapes whose dimensions hold the digits 0 and 9.
	for _, shape := range [][]int{{10, 9}, {90}, {1, 19, 0}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		b, err := EncodeNpy(shape, make([]float64, n))
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseNpy(b)
		if err != nil || len(a.Shape) != len(shape) {
			t.Fatalf("shape %v: %v, %v", shape, a, err)
		}
		for i := range shape {
			if a.Shape[i] != shape[i] {
				t.Errorf("shape %v read back as %v", shape, a.Shape)
			}
		}
	}
}

// TestBoundaryMessagesAndEmptyDimensions: what the second mutation run of
// this session left: a zero dimension (records of 0 bytes), a 0-d array
// under a row limit, a header claiming data the file does not have, and
// the numbers the errors name.
func TestBoundaryMessagesAndEmptyDimensions(t *testing.T) {
	im, err := ReadIDX(bytes.NewReader(idxHeader(3, 0)))
	if err != nil || len(im.Dims) != 2 || im.Dims[0] != 3 || len(im.Data) != 0 {
		t.Errorf("IDX of 3 records of 0 bytes: %+v, %v", im, err)
	}
	if _, err := ReadIDX(bytes.NewReader(idxHeader(1, 1<<20+1, 1<<20))); err == nil || !strings.Contains(err.Error(), "dimensions [1 1048577 1048576]") {
		t.Errorf("the record check's message: %v", err)
	}
	scalar, err := EncodeNpy(nil, []float64{2.5})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := DecodeNpy(bytes.NewReader(scalar), int64(len(scalar)), Limits{Rows: 1}); err != nil || len(a.Data) != 1 || a.Data[0] != 2.5 {
		t.Errorf("a 0-d array under a row limit: %v, %v", a, err)
	}
	full, err := EncodeNpy([]int{2}, []float64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	header := full[:len(full)-16] // the header alone, claiming two values
	if _, err := DecodeNpy(bytes.NewReader(header), int64(len(header)), Limits{}); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("a header claiming 2 values and no data: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("1,2,3\n4,5,6\n7,8,9\n"), CSVOptions{Limits: Limits{MaxBytes: 71}}); err == nil || !strings.Contains(err.Error(), "3 rows of 3 columns") {
		t.Errorf("the memory bound's message: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("a,b,c\n1,2,3\n"), CSVOptions{LabelColumn: "d"}); err == nil || !strings.Contains(err.Error(), "among 3 columns") {
		t.Errorf("a missing label column's message: %v", err)
	}
}
