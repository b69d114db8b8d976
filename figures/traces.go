package figures

import (
	"fmt"
	"math"
	"sort"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/seq"
)

// Traces draws the first layer's forward traces of a recurrent layer of
// the given cell, one sequence per element of traces (its layers' traces,
// as seq.Recurrent.Trace returns them), with inputs, when not nil, the
// sequences as MNIST images (28 rows of 28 pixels) and labels, when not
// nil, their classes: one row per sequence,
// the steps from top to bottom (an image's rows), the units from left to
// right, sorted by their mean keep (GRU: update) gate; black 1, white 0
// (states: white −1, grey 0).
func Traces(cell seq.CellType, all [][]seq.Trace, inputs [][]float64, labels []int, steps int) ([]byte, error) {
	mnist := inputs != nil
	var titles []string
	if mnist {
		titles = append(titles, "digit")
	}
	// The gates to show and their index among the trace's gates.
	var show []int
	switch cell {
	case seq.LSTM:
		titles, show = append(titles, "keep (forget) gate f", "input gate i", "cell state, tanh c"), []int{1, 0}
	case seq.GRU:
		titles, show = append(titles, "update gate z", "reset gate r", "state h"), []int{1, 0}
	default:
		titles = append(titles, "state h")
	}
	// Units in one order for every sequence: by their mean activation of
	// the first gate shown (the keep gate), most open first, so that units
	// that keep their cell across the image stand together on the left.
	H := all[0][0].Hidden
	order := make([]int, H)
	mean := make([]float64, H)
	for u := range order {
		order[u] = u
	}
	if len(show) > 0 {
		G := len(all[0][0].Gates)
		for _, traces := range all {
			tr := traces[0]
			for t := range tr.Steps {
				for u := range H {
					mean[u] += tr.Activations[t*G*H+show[0]*H+u]
				}
			}
		}
		sort.SliceStable(order, func(a, b int) bool { return mean[order[a]] > mean[order[b]] })
	}
	var names []string
	var rows [][]Panel
	for i, traces := range all {
		tr := traces[0]
		G := len(tr.Gates)
		var row []Panel
		if mnist {
			pix := make([]float64, len(inputs[i]))
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range inputs[i] {
				lo, hi = min(lo, v), max(hi, v)
			}
			for j, v := range inputs[i] {
				pix[j] = (v - lo) / max(hi-lo, 1e-12)
			}
			row = append(row, Panel{Width: dataset.MNISTCols, Height: dataset.MNISTRows, Pix: pix})
		}
		for _, g := range show {
			pix := make([]float64, steps*H)
			for t := range tr.Steps {
				for x, u := range order {
					pix[t*H+x] = tr.Activations[t*G*H+g*H+u]
				}
			}
			row = append(row, Panel{Width: H, Height: steps, Pix: pix})
		}
		// The state: the hidden state h, or tanh(c), what the LSTM's
		// output gate reads of its cell: grey 0, black 1, white −1.
		pix := make([]float64, steps*H)
		for t := range tr.Steps {
			for x, u := range order {
				v := tr.State[t*H+u]
				if tr.Cell != nil {
					v = math.Tanh(tr.Cell[t*H+u])
				}
				pix[t*H+x] = 0.5 + v/2
			}
		}
		row = append(row, Panel{Width: H, Height: steps, Pix: pix})
		rows = append(rows, row)
		name := fmt.Sprintf("#%d", i)
		if labels != nil {
			name = fmt.Sprintf("#%d (%d)", i, labels[i])
		}
		names = append(names, name)
	}
	return Panels(names, titles, rows, 3)
}
