package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
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
}

// ReadCSV reads a CSV file of numbers. The first line is taken as a header
// when any of its fields is not a number. Every other field must parse as a
// finite number; errors name the file, the line and the column.
func ReadCSV(path string, opt CSVOptions) (*Table, error) {
	f, err := os.Open(path)
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

// ParseCSV reads CSV data as ReadCSV does.
func ParseCSV(r io.Reader, opt CSVOptions) (*Table, error) {
	cr := csv.NewReader(r)
	if opt.Comma != 0 {
		cr.Comma = opt.Comma
	}
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	first, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("no data")
	}
	if err != nil {
		return nil, err
	}
	t := &Table{}
	header := false
	for _, field := range first {
		if _, err := strconv.ParseFloat(strings.TrimSpace(field), 64); err != nil {
			header = true
			break
		}
	}
	if header {
		t.Columns = append([]string(nil), first...)
	} else {
		for i := range first {
			t.Columns = append(t.Columns, strconv.Itoa(i))
		}
	}
	labelCol := -1
	if opt.LabelColumn != "" {
		for i, c := range t.Columns {
			if strings.TrimSpace(c) == opt.LabelColumn {
				labelCol = i
			}
		}
		if labelCol < 0 {
			if i, err := strconv.Atoi(opt.LabelColumn); err == nil && i >= 0 && i < len(t.Columns) {
				labelCol = i
			} else {
				return nil, fmt.Errorf("label column %q not found among %d columns", opt.LabelColumn, len(t.Columns))
			}
		}
	}
	width := len(t.Columns)
	parse := func(rec []string, line int) error {
		if len(rec) != width {
			return fmt.Errorf("line %d: %d fields, want %d", line, len(rec), width)
		}
		for j, field := range rec {
			field = strings.TrimSpace(field)
			v, err := strconv.ParseFloat(field, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("line %d, column %d (%s): %q is not a finite number", line, j+1, t.Columns[j], field)
			}
			if j == labelCol {
				if v != math.Trunc(v) || v < 0 {
					return fmt.Errorf("line %d, label column %s: %q is not a class label (a non-negative integer)", line, t.Columns[j], field)
				}
				t.Labels = append(t.Labels, int(v))
				continue
			}
			t.Data = append(t.Data, v)
		}
		t.Rows++
		return nil
	}
	line := 1
	if !header {
		if err := parse(first, line); err != nil {
			return nil, err
		}
	}
	for {
		rec, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := parse(rec, line); err != nil {
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
