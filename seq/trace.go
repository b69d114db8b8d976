package seq

import (
	"fmt"

	"github.com/physml/physml/nn"
)

// Trace is what one direction of one layer computed for one sequence, step
// by step in time order (a reverse direction runs them backwards): the gate
// activations and the states after each step — the lecture's gates made
// visible.
type Trace struct {
	Layer, Direction int // Direction 1 is the reverse direction
	// Gates names the gates in the order of each step's Activations: i f g
	// o for the LSTM, r z n for the GRU; none for the RNN.
	Gates []string
	// Steps is the number of steps traced: the sequence's length.
	Steps, Hidden int
	// Activations holds, for step t, the activations of every gate
	// (len(Gates) × Hidden values, gate after gate) at
	// [t·len(Gates)·Hidden, (t+1)·len(Gates)·Hidden).
	Activations []float64
	// Cell holds the LSTM's cell state c_t after step t (Steps × Hidden;
	// nil for the other cells), computed again from the traced gates as
	// f ⊙ c_{t−1} + i ⊙ g.
	Cell []float64
	// State holds the hidden state h_t after step t (Steps × Hidden).
	State []float64
}

// gateNames are the gates of each cell type in the order of its gate rows.
var gateNames = map[CellType][]string{LSTM: {"i", "f", "g", "o"}, GRU: {"r", "z", "n"}}

// Trace returns the traces of sequence i of the last Forward's batch, for
// every layer and direction (layer by layer, forward before reverse). Run
// Forward in evaluation mode first: in training mode the traces show the
// states the dropout between layers saw. The recurrent cells trace; the
// xLSTM cells and the projected LSTM do not.
func (r *Recurrent[T]) Trace(i int) ([]Trace, error) {
	if r.Cell.xlstm() {
		return nil, fmt.Errorf("seq: %v layers do not record gate traces", r.Cell)
	}
	if r.ProjSize > 0 {
		return nil, fmt.Errorf("seq: a projected LSTM does not record gate traces")
	}
	if r.batch == 0 || len(r.chunks) == 0 {
		return nil, fmt.Errorf("seq: Trace before Forward")
	}
	if i < 0 || i >= r.batch {
		return nil, fmt.Errorf("seq: Trace of sequence %d of a batch of %d", i, r.batch)
	}
	var c chunk
	for _, ch := range r.chunks {
		if i >= ch.b0 && i < ch.b0+ch.size {
			c = ch
		}
	}
	steps := r.steps
	if r.lengths != nil {
		steps = r.lengths[i]
	}
	H, dirs := r.HiddenSize, r.directions()
	names := gateNames[r.Cell]
	gh := r.Cell.gates() * H
	// Step t of sequence i is row steps·b0 + t·size + (i − b0) of the
	// chunk-layout workspaces (time-major within the chunk).
	row := func(t int) int { return r.steps*c.b0 + t*c.size + (i - c.b0) }
	var traces []Trace
	for l, layer := range r.layers {
		out := r.layerOutput(l, r.steps*r.batch)
		for d, dir := range layer {
			tr := Trace{Layer: l, Direction: d, Gates: names, Steps: steps, Hidden: H,
				State: make([]float64, steps*H)}
			if names != nil {
				tr.Activations = make([]float64, steps*gh)
			}
			if r.Cell == LSTM {
				tr.Cell = make([]float64, steps*H)
			}
			for t := range steps {
				k := row(t)
				for j, v := range out.Data[k*dirs*H+d*H : k*dirs*H+(d+1)*H] {
					tr.State[t*H+j] = float64(v)
				}
				if names == nil {
					continue
				}
				g := dir.gates.Data[k*gh : (k+1)*gh]
				for j, v := range g {
					tr.Activations[t*gh+j] = float64(v)
				}
				if r.Cell == LSTM {
					cp := dir.cprev.Data[k*H : (k+1)*H]
					for j := range H {
						tr.Cell[t*H+j] = float64(g[H+j]*cp[j] + g[j]*g[2*H+j])
					}
				}
			}
			traces = append(traces, tr)
		}
	}
	return traces, nil
}

// TraceArrays are the traces of a batch of sequences as dense arrays, zero
// past a sequence's length: Gates (n, layers·directions, steps, gates,
// hidden; nil for the RNN, which has none), State and, for the LSTM, Cell
// (n, layers·directions, steps, hidden), with the shapes beside them.
type TraceArrays struct {
	Traces                 [][]Trace // per sequence, as Trace returns them
	Gates, State, Cell     []float64
	GatesShape, StateShape []int
}

// TraceBatch runs the classifier on the sequences of data in evaluation
// mode and returns their traces (Recurrent.Trace) as arrays.
func (c *Classifier[T]) TraceBatch(data nn.Dataset[T]) (*TraceArrays, error) {
	r := c.RNN
	n := data.Len()
	c.SetLengths(data.Lengths)
	defer c.SetLengths(nil)
	c.Forward(data.X, false)
	steps := data.X.Cols / r.InputSize
	out := &TraceArrays{}
	for i := range n {
		tr, err := r.Trace(i)
		if err != nil {
			return nil, err
		}
		out.Traces = append(out.Traces, tr)
	}
	if n == 0 {
		return out, nil
	}
	H, ld, gates := r.HiddenSize, len(out.Traces[0]), len(out.Traces[0][0].Gates)
	G := max(1, gates)
	out.StateShape = []int{n, ld, steps, H}
	out.State = make([]float64, n*ld*steps*H)
	if gates > 0 {
		out.GatesShape = []int{n, ld, steps, G, H}
		out.Gates = make([]float64, n*ld*steps*G*H)
	}
	if r.Cell == LSTM {
		out.Cell = make([]float64, n*ld*steps*H)
	}
	for i, traces := range out.Traces {
		for k, tr := range traces {
			base := (i*ld + k) * steps
			copy(out.State[base*H:], tr.State)
			if out.Gates != nil {
				copy(out.Gates[base*G*H:], tr.Activations)
			}
			if out.Cell != nil {
				copy(out.Cell[base*H:], tr.Cell)
			}
		}
	}
	return out, nil
}
