package onnx

import (
	"fmt"

	"github.com/physml/physml/nn"
	"github.com/physml/physml/onnx/internal/onnxpb"
	"github.com/physml/physml/seq"
)

// gateOrder maps ONNX's gate blocks to PyTorch's: ONNX block k holds
// PyTorch block gateOrder[k]. LSTM: ONNX i, o, f, c from PyTorch i, f, g,
// o; GRU: z, r, h from r, z, n.
func gateOrder(cell seq.CellType) (op string, order []int, err error) {
	switch cell {
	case seq.LSTM:
		return "LSTM", []int{0, 3, 1, 2}, nil
	case seq.GRU:
		return "GRU", []int{1, 0, 2}, nil
	case seq.RNNTanh, seq.RNNReLU:
		return "RNN", []int{0}, nil
	}
	return "", nil, fmt.Errorf("onnx: ONNX has no %v operator; LSTM, GRU and RNN models can be exported", cell)
}

// reorder appends v — blocks of rows×cols values in PyTorch's gate order —
// to dst in ONNX's order.
func reorder[T nn.Float](dst []float32, v []T, order []int) []float32 {
	block := len(v) / len(order)
	for _, k := range order {
		for _, x := range v[k*block : (k+1)*block] {
			dst = append(dst, float32(x))
		}
	}
	return dst
}

// recurrent adds r's layers to g, reading the time-major value x (steps,
// batch, in), and returns the top layer's Y (steps, directions, batch, H)
// and Y_h (directions, batch, H).
func recurrent[T nn.Float](g *graph, x string, r *seq.Recurrent[T]) (y, yh string, err error) {
	if r.ProjSize > 0 {
		return "", "", fmt.Errorf("onnx: the LSTM operator has no projection (proj_size %d)", r.ProjSize)
	}
	op, order, err := gateOrder(r.Cell)
	if err != nil {
		return "", "", err
	}
	params := map[string][]T{}
	for _, p := range r.Params() {
		params[p.Name] = p.Value
	}
	dirs, H, G := int64(1), int64(r.HiddenSize), int64(len(order))
	direction := "forward"
	if r.Bidirectional {
		dirs, direction = 2, "bidirectional"
	}
	suffixes := []string{""}
	if r.Bidirectional {
		suffixes = append(suffixes, "_reverse")
	}
	in := int64(r.InputSize)
	for l := 0; l < r.NumLayers; l++ {
		var w, rw, b []float32
		for _, s := range suffixes {
			name := fmt.Sprintf("_l%d%s", l, s)
			w = reorder(w, params["weight_ih"+name], order)
			rw = reorder(rw, params["weight_hh"+name], order)
			if !r.NoBias {
				b = reorder(b, params["bias_ih"+name], order) // Wb, then Rb
				b = reorder(b, params["bias_hh"+name], order)
			}
		}
		inputs := []string{x, g.floats("W", []int64{dirs, G * H, in}, w), g.floats("R", []int64{dirs, G * H, H}, rw)}
		if !r.NoBias {
			inputs = append(inputs, g.floats("B", []int64{dirs, 2 * G * H}, b))
		}
		attrs := []*onnxpb.AttributeProto{intAttr("hidden_size", H), stringAttr("direction", direction)}
		switch r.Cell {
		case seq.GRU:
			attrs = append(attrs, intAttr("linear_before_reset", 1))
		case seq.RNNTanh, seq.RNNReLU:
			act := "Tanh"
			if r.Cell == seq.RNNReLU {
				act = "Relu"
			}
			acts := []string{act}
			if r.Bidirectional {
				acts = append(acts, act)
			}
			attrs = append(attrs, stringsAttr("activations", acts...))
		}
		out := g.node(op, inputs, 2, attrs...) // Y and Y_h
		if r.Cell == seq.LSTM && l == r.NumLayers-1 {
			// Y_c as well, and the values named as the operator's outputs:
			// gonnx (v1.1.0) wants all three and looks them up by these
			// names. Any names are valid ONNX; these are unique here.
			g.nodes = g.nodes[:len(g.nodes)-1]
			out = []string{g.name("Y"), g.name("Y_h"), g.name("Y_c")}
			g.nodes = append(g.nodes, &onnxpb.NodeProto{Name: ptr(g.name(op + "_node")), OpType: &op, Input: inputs, Output: out, Attribute: attrs})
		}
		y, yh = out[0], out[1]
		if l < r.NumLayers-1 {
			// (steps, dirs, batch, H) → (steps, batch, dirs·H), the next input
			x = g.reshape(g.transpose(y, 0, 2, 1, 3), 0, 0, -1)
			in = dirs * H
		}
	}
	return y, yh, nil
}

// sequenceInput is the recurrent models' input: (batch, steps, features).
func sequenceInput(features int) *onnxpb.ValueInfoProto {
	return valueInfo("input", dim{param: "batch"}, dim{param: "steps"}, dim{size: int64(features)})
}

// classifier exports the many-to-one model: the top layer's final states
// (the forward direction's at the last step, the backward one's at the
// first) through the Dense layer to logits (batch, classes).
func classifier[T nn.Float](c *seq.Classifier[T]) (*onnxpb.GraphProto, error) {
	g := newGraph()
	_, yh, err := recurrent(g, g.transpose("input", 1, 0, 2), c.RNN)
	if err != nil {
		return nil, err
	}
	last := g.reshape(g.transpose(yh, 1, 0, 2), 0, -1) // (batch, dirs·H)
	head := []nn.Layer[T]{c.FC}
	if c.Norm != nil {
		head = []nn.Layer[T]{c.Norm, c.FC}
	}
	logits, err := layers(g, last, head, nil)
	if err != nil {
		return nil, err
	}
	return g.proto("physml_classifier", []*onnxpb.ValueInfoProto{sequenceInput(c.RNN.InputSize)},
		[]*onnxpb.ValueInfoProto{valueInfo("logits", dim{param: "batch"}, dim{size: int64(c.FC.Out)})},
		map[string]string{logits: "logits"}), nil
}

// regressor exports the many-to-many model: the Dense layer on every step,
// output (batch, steps, outputs).
func regressor[T nn.Float](m *seq.Regressor[T]) (*onnxpb.GraphProto, error) {
	g := newGraph()
	y, _, err := recurrent(g, g.transpose("input", 1, 0, 2), m.RNN)
	if err != nil {
		return nil, err
	}
	h := g.reshape(g.transpose(y, 2, 0, 1, 3), 0, 0, -1) // (batch, steps, dirs·H)
	fc := m.FC
	wt := make([]float32, 0, len(fc.Weight.Value)) // (dirs·H, outputs): the weight transposed for MatMul
	for i := 0; i < fc.In; i++ {
		for o := 0; o < fc.Out; o++ {
			wt = append(wt, float32(fc.Weight.Value[o*fc.In+i]))
		}
	}
	out := g.one("MatMul", []string{h, g.floats("weight", []int64{int64(fc.In), int64(fc.Out)}, wt)})
	if len(fc.Params()) == 2 {
		out = g.one("Add", []string{out, g.floats("bias", []int64{int64(fc.Out)}, float32s(fc.Bias.Value))})
	}
	return g.proto("physml_regressor", []*onnxpb.ValueInfoProto{sequenceInput(m.RNN.InputSize)},
		[]*onnxpb.ValueInfoProto{valueInfo("output", dim{param: "batch"}, dim{param: "steps"}, dim{size: int64(fc.Out)})},
		map[string]string{out: "output"}), nil
}
