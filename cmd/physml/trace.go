package main

import (
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/figures"
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
	var inputs [][]float64
	if mnist {
		for i := range n {
			inputs = append(inputs, nn.Convert[float64](part.X.Slice(i, i+1)).Data)
		}
	}
	png, err := figures.Traces(r.Cell, all, inputs, part.Labels, steps)
	if err != nil {
		return nil, err
	}
	return append(files, outputFile{"trace.png", png}), nil
}
