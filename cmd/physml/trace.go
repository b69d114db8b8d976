package main

import (
	"github.com/physml/physml/figures"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// traceFiles runs model on the first n test sequences and adds their gate
// traces (seq.Classifier.TraceBatch) of every layer and direction as .npy
// files — trace_gates.npy (n, layers·directions, steps, gates, hidden),
// trace_state.npy and, for the LSTM, trace_cell.npy (n, layers·directions,
// steps, hidden), zero past a sequence's length — and trace.png: for each
// sequence (and its image, for MNIST) the keep (forget) gate, the input
// gate and the cell state of the first layer, step by step from top to
// bottom, unit by unit from left to right (the GRU's update and reset
// gates and its state; the RNN's state).
func traceFiles[T nn.Float](out *cli.Outputs, model *seq.Classifier[T], test nn.Dataset[T], n int, mnist bool) {
	rows := make([]int, min(n, test.Len()))
	for i := range rows {
		rows[i] = i
	}
	if len(rows) == 0 {
		return
	}
	part := test.Subset(rows)
	tr, err := model.TraceBatch(part)
	if err != nil {
		out.Add("trace.png", nil, err)
		return
	}
	if tr.Gates != nil {
		out.Npy("trace_gates.npy", tr.GatesShape, tr.Gates)
	}
	out.Npy("trace_state.npy", tr.StateShape, tr.State)
	if tr.Cell != nil {
		out.Npy("trace_cell.npy", tr.StateShape, tr.Cell)
	}
	var inputs [][]float64
	if mnist {
		for i := range rows {
			inputs = append(inputs, nn.Convert[float64](part.X.Slice(i, i+1)).Data)
		}
	}
	out.File("trace.png")(figures.Traces(model.RNN.Cell, tr.Traces, inputs, part.Labels, tr.StateShape[2]))
}
