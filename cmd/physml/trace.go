package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// traceFiles runs model on the first n test sequences and returns the gate
// traces of every layer and direction as .npy files — trace_gates.npy
// (n, layers·directions, steps, gates, hidden), trace_state.npy and, for
// the LSTM, trace_cell.npy (n, layers·directions, steps, hidden), zero past
// a sequence's length — and trace.png: for each sequence (and its image,
// for MNIST) the keep (forget) gate, the input gate and the cell state of
// the first layer, step by step from top to bottom, unit by unit from left
// to right (the GRU's update and reset gates and its state; the RNN's
// state).
func traceFiles[T nn.Float](model *seq.Classifier[T], test nn.Dataset[T], n int, mnist bool) ([]outputFile, error) {
	r := model.RNN
	n = min(n, test.Len())
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	part := test.Subset(rows)
	model.SetLengths(part.Lengths)
	model.Forward(part.X, false)
	steps := part.X.Cols / r.InputSize
	var all [][]seq.Trace
	for i := range n {
		tr, err := r.Trace(i)
		if err != nil {
			return nil, err
		}
		all = append(all, tr)
	}
	H, ld, G := r.HiddenSize, len(all[0]), max(1, len(all[0][0].Gates))
	gates := make([]float64, n*ld*steps*G*H)
	state := make([]float64, n*ld*steps*H)
	var cell []float64
	if r.Cell == seq.LSTM {
		cell = make([]float64, n*ld*steps*H)
	}
	for i, traces := range all {
		for k, tr := range traces {
			base := (i*ld + k) * steps
			copy(state[base*H:], tr.State)
			copy(gates[base*G*H:], tr.Activations)
			if cell != nil {
				copy(cell[base*H:], tr.Cell)
			}
		}
	}
	var files []outputFile
	add := func(name string, shape []int, data []float64) error {
		b, err := dataset.EncodeNpy(shape, data)
		files = append(files, outputFile{name, b})
		return err
	}
	if len(all[0][0].Gates) > 0 {
		if err := add("trace_gates.npy", []int{n, ld, steps, G, H}, gates); err != nil {
			return nil, err
		}
	}
	if err := add("trace_state.npy", []int{n, ld, steps, H}, state); err != nil {
		return nil, err
	}
	if cell != nil {
		if err := add("trace_cell.npy", []int{n, ld, steps, H}, cell); err != nil {
			return nil, err
		}
	}
	png, err := tracePNG(r.Cell, all, part, steps, mnist)
	if err != nil {
		return nil, err
	}
	return append(files, outputFile{"trace.png", png}), nil
}

// tracePNG draws the first layer's forward traces: one row per sequence,
// the steps from top to bottom (an image's rows), the units from left to
// right, sorted by their mean keep (GRU: update) gate; black 1, white 0
// (states: white −1, grey 0).
func tracePNG[T nn.Float](cell seq.CellType, all [][]seq.Trace, part nn.Dataset[T], steps int, mnist bool) ([]byte, error) {
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
	var rows [][]panel
	for i, traces := range all {
		tr := traces[0]
		G := len(tr.Gates)
		var row []panel
		if mnist {
			pix := make([]float64, len(part.X.Row(i)))
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range part.X.Row(i) {
				lo, hi = min(lo, float64(v)), max(hi, float64(v))
			}
			for j, v := range part.X.Row(i) {
				pix[j] = (float64(v) - lo) / max(hi-lo, 1e-12)
			}
			row = append(row, panel{width: dataset.MNISTCols, height: dataset.MNISTRows, pix: pix})
		}
		for _, g := range show {
			pix := make([]float64, steps*H)
			for t := range tr.Steps {
				for x, u := range order {
					pix[t*H+x] = tr.Activations[t*G*H+g*H+u]
				}
			}
			row = append(row, panel{width: H, height: steps, pix: pix})
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
		row = append(row, panel{width: H, height: steps, pix: pix})
		rows = append(rows, row)
		name := fmt.Sprintf("#%d", i)
		if part.Labels != nil {
			name = fmt.Sprintf("#%d (%d)", i, part.Labels[i])
		}
		names = append(names, name)
	}
	return panelsPNG(names, titles, rows, 3)
}
