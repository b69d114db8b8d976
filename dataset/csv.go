package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unsafe"

	"github.com/physml/physml/internal/fileio"
)

// Table is numeric data read from a CSV file: one row per sample.
type Table struct {
	Columns []string  // column names (from the header, or "0", "1", …)
	Rows    int       // number of samples
	Data    []float64 // Rows × len(Columns), row-major
	Labels  []int     // the label column, when one was asked for
}

// CSVOptions tune ReadCSV.
type CSVOptions struct {
	// LabelColumn names (or, as a number, indexes) a column of integer
	// class labels to split off; empty means none.
	LabelColumn string
	Comma       rune // field separator; default ','
	// Limits: read only the first Limits.Rows data rows when positive;
	// Limits.MaxBytes bounds the values held in memory.
	Limits Limits
}

// MaxLabel is the largest class label a CSV label column may hold.
const MaxLabel = math.MaxInt32

// ReadCSV reads a CSV file of numbers. The first line is taken as a header
// when any of its fields is not a number. Every other field must parse as a
// finite number; errors name the file, the line and the column. Only
// regular files are read.
func ReadCSV(path string, opt CSVOptions) (*Table, error) {
	f, _, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := ParseCSV(f, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseCSV reads CSV data as ReadCSV does, as a stream: memory stays within
// a small multiple of the input's size and within opt.Limits. Lines may end
// in "\n", "\r\n" or "\r"; a UTF-8 byte-order mark at the start is skipped;
// fields may be quoted ("a, b"); blank lines are skipped.
func ParseCSV(r io.Reader, opt CSVOptions) (*Table, error) {
	comma := byte(',')
	if opt.Comma != 0 {
		if opt.Comma >= 0x80 || opt.Comma == '"' || opt.Comma == '\r' || opt.Comma == '\n' {
			return nil, fmt.Errorf("separator %q: want an ASCII character other than a quote or a line end", opt.Comma)
		}
		comma = byte(opt.Comma)
	}
	maxBytes := opt.Limits.maxBytes()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), int(min(maxBytes, math.MaxInt32)))
	sc.Split(scanLines)
	line := 0
	var fields [][]byte
	next := func() (bool, error) {
		for sc.Scan() {
			line++
			b := sc.Bytes()
			if line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			}
			if len(bytes.TrimSpace(b)) == 0 {
				continue
			}
			var err error
			if fields, err = splitFields(fields[:0], b, comma); err != nil {
				return false, fmt.Errorf("line %d: %v", line, err)
			}
			return true, nil
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return false, fmt.Errorf("line %d is longer than the limit of %d bytes", line+1, maxBytes)
			}
			return false, err
		}
		return false, nil
	}
	ok, err := next()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("no data")
	}
	t := &Table{}
	header := false
	for _, f := range fields {
		if _, err := parseNumber(f); err != nil {
			header = true
			break
		}
	}
	for i, f := range fields {
		if header {
			t.Columns = append(t.Columns, string(f))
		} else {
			t.Columns = append(t.Columns, strconv.Itoa(i))
		}
	}
	labelCol, err := findColumn(t.Columns, opt.LabelColumn)
	if err != nil {
		return nil, err
	}
	width := len(t.Columns)
	parse := func() error {
		if len(fields) != width {
			return fmt.Errorf("line %d: %d fields, want %d", line, len(fields), width)
		}
		if need := int64(len(t.Data)+width) * 8; need > maxBytes {
			return opt.Limits.checkBytes(fmt.Sprintf("%d rows of %d columns", t.Rows+1, width), need)
		}
		for j, f := range fields {
			v, err := parseNumber(f)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("line %d, column %d (%s): %q is not a finite number", line, j+1, t.Columns[j], f)
			}
			if j == labelCol {
				if v != math.Trunc(v) || v < 0 || v > MaxLabel {
					return fmt.Errorf("line %d, label column %s: %q is not a class label (an integer from 0 to %d)", line, t.Columns[j], f, MaxLabel)
				}
				t.Labels = append(t.Labels, int(v))
				continue
			}
			t.Data = append(t.Data, v)
		}
		t.Rows++
		return nil
	}
	if !header {
		if err := parse(); err != nil {
			return nil, err
		}
	}
	for opt.Limits.Rows <= 0 || t.Rows < opt.Limits.Rows {
		ok, err := next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if err := parse(); err != nil {
			return nil, err
		}
	}
	if t.Rows == 0 {
		return nil, errors.New("no data rows")
	}
	if labelCol >= 0 {
		t.Columns = append(t.Columns[:labelCol:labelCol], t.Columns[labelCol+1:]...)
	}
	return t, nil
}

// findColumn returns the index of the column named (or numbered) name, −1
// when name is empty.
func findColumn(columns []string, name string) (int, error) {
	if name == "" {
		return -1, nil
	}
	for i, c := range columns {
		if c == name {
			return i, nil
		}
	}
	if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < len(columns) {
		return i, nil
	}
	return -1, fmt.Errorf("label column %q not found among %d columns", name, len(columns))
}

// parseNumber parses a field as a float64 without copying it.
func parseNumber(f []byte) (float64, error) {
	if len(f) == 0 {
		return 0, errors.New("empty")
	}
	// strconv copies the string into its errors, so a view of f is safe.
	return strconv.ParseFloat(unsafe.String(&f[0], len(f)), 64)
}

// splitFields appends the fields of one line to dst, each trimmed of spaces
// and unquoted ("" inside quotes is one quote character).
func splitFields(dst [][]byte, line []byte, comma byte) ([][]byte, error) {
	for {
		line = bytes.TrimLeft(line, " \t")
		var field []byte
		if len(line) > 0 && line[0] == '"' {
			end := 1
			var quoted []byte
			for {
				i := bytes.IndexByte(line[end:], '"')
				if i < 0 {
					return nil, errors.New("unterminated quoted field (fields may not span lines)")
				}
				quoted = append(quoted, line[end:end+i]...)
				end += i + 1
				if end < len(line) && line[end] == '"' {
					quoted = append(quoted, '"')
					end++
					continue
				}
				break
			}
			field = quoted
			line = bytes.TrimLeft(line[end:], " \t")
			if len(line) > 0 && line[0] != comma {
				return nil, errors.New("text after a closing quote")
			}
		} else {
			i := bytes.IndexByte(line, comma)
			if i < 0 {
				i = len(line)
			}
			field = bytes.TrimRight(line[:i], " \t")
			line = line[i:]
		}
		dst = append(dst, field)
		if len(line) == 0 {
			return dst, nil
		}
		line = line[1:] // the separator
	}
}

// scanLines splits at "\n", "\r\n" or a lone "\r".
func scanLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\n' {
			return i + 1, data[:i], nil
		}
		if i+1 < len(data) {
			if data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
			return i + 1, data[:i], nil
		}
		if atEOF {
			return i + 1, data[:i], nil
		}
		return 0, nil, nil // a "\r" at the end of the buffer: is "\n" next?
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}
