package dataset

import (
	"fmt"
	"strconv"
	"strings"
)

// EncodeCSV returns rows × len(header) values (row-major) as CSV text: the
// header (names quoted where they hold a comma, a quote or a line end),
// then a line per row, each value in the shortest form that parses back to
// the same float64 (as ReadCSV reads it).
func EncodeCSV(header []string, data []float64) ([]byte, error) {
	cols := len(header)
	if cols == 0 || len(data)%cols != 0 {
		return nil, fmt.Errorf("dataset: %d values are not rows of the %d columns %q", len(data), cols, header)
	}
	var b strings.Builder
	for j, name := range header {
		if j > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(name, ",\"\n\r") {
			name = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		}
		b.WriteString(name)
	}
	b.WriteByte('\n')
	for k, v := range data {
		if k%cols > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		if k%cols == cols-1 {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String()), nil
}
