package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/physml/physml/internal/fileio"
)

// Table is numeric data read from a CSV file: one row per sample.
type Table struct {
	Columns []string  // feature column names from the header; nil when the file has none
	Cols    int       // number of feature columns
	Rows    int       // number of samples
	Data    []float64 // Rows × Cols, row-major
	Labels  []int     // the label column, when one was asked for
	// Datetime reports that the CSVOptions.TimeColumn held ISO 8601 dates,
	// read as Unix seconds.
	Datetime bool
}

// ColumnName returns the name of feature column j: its header, or its
// number when the file has no header.
func (t *Table) ColumnName(j int) string {
	if t.Columns != nil {
		return t.Columns[j]
	}
	return strconv.Itoa(j)
}

// CSVOptions tune ReadCSV.
type CSVOptions struct {
	// LabelColumn names (or, as a number, indexes) a column of integer
	// class labels to split off; empty means none.
	LabelColumn string
	// Drop names (or, as numbers, indexes) columns to leave out unread:
	// text columns such as names or dates.
	Drop []string
	// Columns, when not empty, names (or indexes) the only feature columns
	// to read, kept in the file's order; the others are left out unread.
	Columns []string
	// Comma is the field separator; 0 detects it from the first line
	// that is not a comment (Sniff): ';', a tab, ',' or blanks.
	Comma rune
	// TimeColumn names a column whose fields may be ISO 8601 dates or
	// datetimes ("2024-03-01", "2024-03-01T12:30:00Z", "2024-03-01
	// 12:30"), read as seconds since 1970-01-01 UTC (a time without a zone
	// is taken as UTC); a column may not mix them with numbers.
	TimeColumn string
	// AllowMissing reads empty fields and NaN in the data columns as NaN
	// (missing values) instead of refusing them; the label column must
	// still be complete.
	AllowMissing bool
	// Limits: read only the first Limits.Rows data rows when positive;
	// Limits.MaxBytes bounds the values held in memory.
	Limits Limits
}

// MaxLabel is the largest class label a CSV label column may hold.
const MaxLabel = math.MaxInt32

// ReadCSV reads a CSV file of numbers. The first line is taken as a header
// when any of its fields is not a number. Lines starting with '#' are
// comments; the last comment before the data is the header, as np.savetxt
// writes it ("# t_s,x_m"), when the first line is all numbers and the
// comment has as many fields. The separator is detected unless
// CSVOptions.Comma sets it. Every other field must parse as a
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
	comma := byte(0) // detected from the first line
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
	var text, comment []byte // comment: the last comment line before the data
	content := false
	next := func() (bool, error) {
		for sc.Scan() {
			line++
			text = sc.Bytes()
			if line == 1 {
				text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
			}
			trimmed := bytes.TrimSpace(text)
			if len(trimmed) > 0 && trimmed[0] == '#' {
				if !content {
					comment = append(comment[:0], bytes.TrimLeft(trimmed, "# \t")...)
				}
				continue
			}
			if len(trimmed) > 0 {
				content = true
				return true, nil
			}
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
	if comma == 0 {
		comma = Sniff(text)
	}
	var fields fieldReader
	header := false
	var names []string
	width, err := fields.each(text, comma, func(_ int, f []byte) error {
		if len(f) == 0 && opt.AllowMissing {
			return nil // a missing value says nothing about a header
		}
		if _, err := parseNumber(f); err != nil {
			header = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("line %d: %v", line, err)
	}
	if header {
		names = make([]string, 0, width)
		fields.each(text, comma, func(_ int, f []byte) error {
			names = append(names, string(f))
			return nil
		})
	} else if len(comment) > 0 {
		// np.savetxt's header: "# a,b,c" above numbers.
		var fromComment []string
		n, err := fields.each(comment, comma, func(_ int, f []byte) error {
			fromComment = append(fromComment, string(f))
			return nil
		})
		if err == nil && n == width {
			names = fromComment
		}
	}
	labelCol, err := findColumn(names, width, opt.LabelColumn)
	if err != nil {
		return nil, err
	}
	timeCol := -1
	if opt.TimeColumn != "" && names != nil {
		timeCol = slices.Index(names, opt.TimeColumn)
	}
	numbers := 0                // numeric fields of the time column
	skip := make([]bool, width) // the label and the dropped columns
	for _, name := range opt.Drop {
		j, err := findColumn(names, width, name)
		if err != nil {
			return nil, fmt.Errorf("--drop: %v", strings.Replace(err.Error(), "label column", "column", 1))
		}
		if j == labelCol {
			return nil, fmt.Errorf("column %q is the label column and dropped", name)
		}
		skip[j] = true
	}
	if len(opt.Columns) > 0 {
		keep := make([]bool, width)
		for _, name := range opt.Columns {
			j, err := findColumn(names, width, name)
			if err != nil {
				return nil, fmt.Errorf("--columns: %v", strings.Replace(err.Error(), "label column", "column", 1))
			}
			if j == labelCol || skip[j] {
				return nil, fmt.Errorf("column %q is both read (--columns) and left out (the label column or --drop)", name)
			}
			keep[j] = true
		}
		for j := range skip {
			skip[j] = skip[j] || !keep[j]
		}
	}
	if labelCol >= 0 {
		skip[labelCol] = true
	}
	t := &Table{}
	for j := range skip {
		if !skip[j] {
			t.Cols++
			if names != nil {
				t.Columns = append(t.Columns, names[j])
			}
		}
	}
	name := func(j int) string {
		if names != nil {
			return names[j]
		}
		return strconv.Itoa(j)
	}
	t.Data = make([]float64, 0, t.Cols)
	parse := func() error {
		if need := int64(len(t.Data)+t.Cols) * 8; need > maxBytes {
			return opt.Limits.checkBytes(fmt.Sprintf("%d rows of %d columns", t.Rows+1, t.Cols), need)
		}
		t.Data = reserve(t.Data, t.Cols)
		n, err := fields.each(text, comma, func(j int, f []byte) error {
			if j >= width || skip[j] && j != labelCol {
				return nil // counted, reported below; or dropped
			}
			v, err := parseNumber(f)
			if j == timeCol {
				if err == nil {
					numbers++
				} else if len(f) > 0 {
					if v, err = parseDatetime(f); err == nil {
						t.Datetime = true
					}
				}
				if t.Datetime && numbers > 0 {
					return fmt.Errorf("line %d, time column %s: %q: the column mixes numbers and dates", line, name(j), f)
				}
			}
			if opt.AllowMissing && j != labelCol && (len(f) == 0 || (err == nil && math.IsNaN(v))) {
				t.Data = append(t.Data, math.NaN())
				return nil
			}
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("line %d, column %d (%s): %q is not a finite number", line, j+1, name(j), f)
			}
			if j == labelCol {
				if v != math.Trunc(v) || v < 0 || v > MaxLabel {
					return fmt.Errorf("line %d, label column %s: %q is not a class label (an integer from 0 to %d)", line, name(j), f, MaxLabel)
				}
				t.Labels = append(t.Labels, int(v))
				return nil
			}
			t.Data = append(t.Data, v)
			return nil
		})
		if errors.Is(err, errUnterminated) || errors.Is(err, errAfterQuote) {
			err = fmt.Errorf("line %d: %v", line, err)
		}
		if err == nil && n != width {
			err = fmt.Errorf("line %d: %d fields, want %d", line, n, width)
		}
		if err != nil {
			return err
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
	return t, nil
}

// findColumn returns the index of the column named (or numbered) name
// among width columns, −1 when name is empty (and 0 with the error when no
// column is).
func findColumn(names []string, width int, name string) (int, error) {
	if name == "" {
		return -1, nil
	}
	for i, c := range names {
		if c == name {
			return i, nil
		}
	}
	if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < width {
		return i, nil
	}
	return 0, fmt.Errorf("label column %q not found among %d columns", name, width)
}

// datetimeLayouts are the ISO 8601 forms parseDatetime reads.
var datetimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"}

// parseDatetime parses an ISO 8601 date or datetime as seconds since
// 1970-01-01 UTC (UTC when it names no zone).
func parseDatetime(f []byte) (float64, error) {
	for _, layout := range datetimeLayouts {
		if t, err := time.Parse(layout, string(f)); err == nil {
			return float64(t.Unix()) + float64(t.Nanosecond())/1e9, nil
		}
	}
	return 0, errors.New("not an ISO 8601 date")
}

// parseNumber parses a field as a float64 without copying it.
func parseNumber(f []byte) (float64, error) {
	if len(f) == 0 {
		return 0, errors.New("empty")
	}
	// strconv copies the string into its errors, so a view of f is safe.
	return strconv.ParseFloat(unsafe.String(&f[0], len(f)), 64)
}

// The syntax errors of a line; the caller adds the line number.
var (
	errUnterminated = errors.New("unterminated quoted field (fields may not span lines)")
	errAfterQuote   = errors.New("text after a closing quote")
)

// fieldReader splits lines into fields, reusing one buffer for quoted
// fields, so that a line costs no allocation per field.
type fieldReader struct{ quoted []byte }

// each calls fn with the index and content of every field of line, trimmed
// of spaces and unquoted ("" inside quotes is one quote character), and
// returns the number of fields.
//
// A comma of ' ' separates fields by runs of blanks (spaces and tabs).
func (r *fieldReader) each(line []byte, comma byte, fn func(j int, field []byte) error) (int, error) {
	blanks := comma == ' '
	if blanks {
		line = bytes.TrimRight(line, " \t")
	}
	for j := 0; ; j++ {
		line = bytes.TrimLeft(line, " \t")
		var field []byte
		if len(line) > 0 && line[0] == '"' {
			end := 1
			r.quoted = r.quoted[:0]
			for {
				i := bytes.IndexByte(line[end:], '"')
				if i < 0 {
					return j, errUnterminated
				}
				r.quoted = append(r.quoted, line[end:end+i]...)
				end += i + 1
				if end < len(line) && line[end] == '"' {
					r.quoted = append(r.quoted, '"')
					end++
					continue
				}
				break
			}
			field = r.quoted
			if blanks && end < len(line) && line[end] != ' ' && line[end] != '\t' {
				return j, errAfterQuote
			}
			line = bytes.TrimLeft(line[end:], " \t")
			if !blanks && len(line) > 0 && line[0] != comma {
				return j, errAfterQuote
			}
		} else {
			var i int
			if blanks {
				i = bytes.IndexAny(line, " \t")
			} else {
				i = bytes.IndexByte(line, comma)
			}
			if i < 0 {
				i = len(line)
			}
			field = bytes.TrimRight(line[:i], " \t")
			line = line[i:]
		}
		if err := fn(j, field); err != nil {
			return j, err
		}
		if len(line) == 0 {
			return j + 1, nil
		}
		if blanks {
			line = bytes.TrimLeft(line, " \t") // the run of blanks
			continue
		}
		line = line[1:] // the separator
	}
}

// Sniff returns the field separator of a line of a table: ';' or a tab
// when the line holds one outside quotes, else ',' when it holds one, else
// ' ' (runs of blanks) when it has blanks between fields, else ','. A
// semicolon wins over commas, which it may hold as decimal commas.
func Sniff(line []byte) byte {
	var semicolons, tabs, commas, blanks int
	quoted := false
	trimmed := bytes.TrimSpace(line)
	for _, c := range trimmed {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ';':
			semicolons++
		case c == '\t':
			tabs++
		case c == ',':
			commas++
		case c == ' ':
			blanks++
		}
	}
	switch {
	case semicolons > 0:
		return ';'
	case tabs > 0:
		return '\t'
	case commas > 0:
		return ','
	case blanks > 0:
		return ' '
	}
	return ','
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

// reserve returns s with room for n more values, doubling its capacity when
// it must grow: append grows a large slice by only 1.25×, which copies a
// large table several times more.
func reserve[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return slices.Grow(s, max(len(s), n))
}
