package dataset

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// npyV2 returns a version-2 .npy file whose header is text, padded with
// spaces to hlen bytes (the last a newline), followed by data.
func npyV2(text string, hlen int, data []byte) []byte {
	b := []byte("\x93NUMPY\x02\x00")
	b = binary.LittleEndian.AppendUint32(b, uint32(hlen))
	h := []byte(text + strings.Repeat(" ", hlen-len(text)-1) + "\n")
	return append(append(b, h...), data...)
}

// idxHeader returns an IDX header of unsigned bytes with the given dims.
func idxHeader(dims ...uint32) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

// npyWith returns a version-major .npy file with the given header text and
// body.
func npyWith(major byte, header string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	b.Write(body)
	return b.Bytes()
}

func float64Bytes(v ...float64) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

// npyWithHeader returns a version-1 .npy file with the given header text
// (padded as NumPy pads it) and body.
func npyWithHeader(header string, body []byte) []byte {
	h := header + strings.Repeat(" ", 63-(10+len(header))%64) + "\n"
	out := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
	return append(append(out, h...), body...)
}

// allocated returns the bytes fn allocates and how long it takes.
func allocated(fn func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, elapsed
}

// npyHeader returns a version-1 .npy header for shape (a Python tuple).
func npyHeaderBytes(descr, shape string) []byte {
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	h += strings.Repeat(" ", (64-(10+len(h)+1)%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	return b.Bytes()
}

// zipOf stores members (name, content) deflated in a zip archive.
func zipOf(t testing.TB, members ...[2][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.Create(string(m[0]))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m[1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeroBomb is a .npy member of n float64 zeros (8n bytes, deflated to
// about 8n/1000).
func zeroBomb(n int) []byte {
	return append(npyHeaderBytes("<f8", fmt.Sprintf("(%d, 4)", n/4)), make([]byte, 8*n)...)
}
