package dataset

import (
	"bytes"
	"strings"
	"testing"
)

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

func TestIDXLimitsAndDimensions(t *testing.T) {
	data := idxBytes([4]byte{0, 0, 8, 2}, []uint32{4, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	for rows, want := range map[int]int{0: 4, 2: 2, 4: 4, 7: 4} {
		idx, err := ReadIDXLimits(bytes.NewReader(data), Limits{Rows: rows})
		if err != nil || idx.Dims[0] != want || len(idx.Data) != want*3 || idx.Data[len(idx.Data)-1] != byte(want*3) {
			t.Errorf("%d rows: %+v, %v", rows, idx, err)
		}
	}
	// With a limit the rest of the file is not read, so trailing bytes pass;
	// without one they are an error.
	long := append(append([]byte(nil), data...), 99)
	if _, err := ReadIDXLimits(bytes.NewReader(long), Limits{Rows: 2}); err != nil {
		t.Errorf("limited read of a longer file: %v", err)
	}
	if _, err := ReadIDXLimits(bytes.NewReader(long), Limits{Rows: 4}); err == nil {
		t.Error("a limit of all rows still checks the length: no error")
	}
	four := idxBytes([4]byte{0, 0, 8, 4}, []uint32{1, 1, 2, 1}, []byte{7, 8})
	if idx, err := ReadIDX(bytes.NewReader(four)); err != nil || len(idx.Dims) != 4 {
		t.Errorf("4 dimensions: %v %v", idx, err)
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"5 dimensions":   {idxBytes([4]byte{0, 0, 8, 5}, []uint32{1, 1, 1, 1, 1}, []byte{1}), "5 dimensions"},
		"0 dimensions":   {idxBytes([4]byte{0, 0, 8, 0}, nil, nil), "0 dimensions"},
		"huge records":   {idxBytes([4]byte{0, 0, 8, 3}, []uint32{1, 1 << 21, 1 << 20}, nil), "records of more than 2^40 bytes"},
		"at the bound":   {idxBytes([4]byte{0, 0, 8, 1}, []uint32{64}, nil), "truncated"},
		"over the bound": {idxBytes([4]byte{0, 0, 8, 1}, []uint32{65}, nil), "more than the limit of 64"},
	} {
		_, err := ReadIDXLimits(bytes.NewReader(c.data), Limits{MaxBytes: 64})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
}
