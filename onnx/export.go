// Package onnx exports physml models to ONNX, the exchange format that ONNX
// Runtime, ROOT's TMVA SOFIE and most frameworks read.
//
// Export writes a model of opset 13 (IR version 7) with float32 weights
// (a float64 model's weights are rounded to float32):
//
//   - an nn.Sequential of Dense, activation and dropout layers, and an
//     ae.Autoencoder, as Gemm nodes and their activations; the autoencoder
//     has two outputs, "reconstruction" and "code";
//   - a seq.Classifier and a seq.Regressor with ONNX's own LSTM, GRU and RNN
//     operators, stacked and bidirectional, their weights converted to
//     ONNX's gate order (LSTM i, o, f, c from PyTorch's i, f, g, o; GRU
//     z, r, h from r, z, n, with linear_before_reset = 1 as PyTorch
//     computes it).
//
// The recurrent models read "input" of shape (batch, steps, features) with
// batch and steps as dynamic axes, and give "logits" (batch, classes) or
// "output" (batch, steps, outputs): every sequence is read to its last
// step (the lengths a physml model can be given are not part of the
// graph). The xLSTM cells have no ONNX operator and are refused, as are the
// variational and the sequence autoencoder.
package onnx

import (
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/onnx/internal/onnxpb"
	"github.com/physml/physml/seq"
)

// Opset is the ONNX operator set version of exported models.
const Opset = 13

// irVersion is the ONNX IR version that goes with opset 13.
const irVersion = 7

// Export writes model as an ONNX model to w. model is an *nn.Sequential,
// *seq.Classifier, *seq.Regressor or *ae.Autoencoder of float32 or float64.
func Export(model any, w io.Writer) error {
	var g *onnxpb.GraphProto
	var err error
	switch m := model.(type) {
	case *nn.Sequential[float32]:
		g, err = sequential(m)
	case *nn.Sequential[float64]:
		g, err = sequential(m)
	case *seq.Classifier[float32]:
		g, err = classifier(m)
	case *seq.Classifier[float64]:
		g, err = classifier(m)
	case *seq.Regressor[float32]:
		g, err = regressor(m)
	case *seq.Regressor[float64]:
		g, err = regressor(m)
	case *ae.Autoencoder[float32]:
		g, err = autoencoder(m)
	case *ae.Autoencoder[float64]:
		g, err = autoencoder(m)
	default:
		return fmt.Errorf("onnx: cannot export a %T: want an nn.Sequential, seq.Classifier, seq.Regressor or ae.Autoencoder", model)
	}
	if err != nil {
		return err
	}
	data, err := proto.Marshal(&onnxpb.ModelProto{
		IrVersion:    ptr(int64(irVersion)),
		OpsetImport:  []*onnxpb.OperatorSetIdProto{{Domain: ptr(""), Version: ptr(int64(Opset))}},
		ProducerName: ptr("physml"),
		Graph:        g,
	})
	if err != nil {
		return fmt.Errorf("onnx: %v", err)
	}
	_, err = w.Write(data)
	return err
}

// float32s returns v as float32 values.
func float32s[T nn.Float](v []T) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// layers adds the nodes of the Dense, activation and dropout layers to g
// from the value x and returns the last value. tied, when set, converts a
// layer of another type (the tied decoder layers of an autoencoder).
func layers[T nn.Float](g *graph, x string, ls []nn.Layer[T], tied func(nn.Layer[T], string) (string, error)) (string, error) {
	for _, l := range ls {
		switch l := l.(type) {
		case *nn.Dense[T]:
			inputs := []string{x, g.floats("weight", []int64{int64(l.Out), int64(l.In)}, float32s(l.Weight.Value))}
			if len(l.Params()) == 2 {
				inputs = append(inputs, g.floats("bias", []int64{int64(l.Out)}, float32s(l.Bias.Value)))
			}
			x = g.one("Gemm", inputs, intAttr("transB", 1))
		case *nn.Activation[T]:
			switch kind, slope := l.Kind(); kind {
			case "relu":
				x = g.one("Relu", []string{x})
			case "leakyrelu":
				x = g.one("LeakyRelu", []string{x}, floatAttr("alpha", float32(slope)))
			case "sigmoid":
				x = g.one("Sigmoid", []string{x})
			case "tanh":
				x = g.one("Tanh", []string{x})
			}
		case *nn.Dropout[T]: // the identity at inference
		case *nn.BatchNorm1d[T], *nn.LayerNorm[T]:
			return "", fmt.Errorf("onnx: %v has no export yet", l)
		default:
			if tied == nil {
				return "", fmt.Errorf("onnx: cannot export a %T layer", l)
			}
			var err error
			if x, err = tied(l, x); err != nil {
				return "", err
			}
		}
	}
	return x, nil
}

// sequential exports a feed-forward network: input (batch, in) to output
// (batch, out).
func sequential[T nn.Float](s *nn.Sequential[T]) (*onnxpb.GraphProto, error) {
	var in, out int
	for _, l := range s.Layers {
		if d, ok := l.(*nn.Dense[T]); ok {
			if in == 0 {
				in = d.In
			}
			out = d.Out
		}
	}
	if in == 0 {
		return nil, fmt.Errorf("onnx: a Sequential without a Dense layer has no known input size")
	}
	g := newGraph()
	y, err := layers(g, "input", s.Layers, nil)
	if err != nil {
		return nil, err
	}
	return g.proto("physml_sequential",
		[]*onnxpb.ValueInfoProto{valueInfo("input", dim{param: "batch"}, dim{size: int64(in)})},
		[]*onnxpb.ValueInfoProto{valueInfo("output", dim{param: "batch"}, dim{size: int64(out)})},
		map[string]string{y: "output"}), nil
}

// autoencoder exports an autoencoder: input (batch, features) to
// reconstruction (batch, features) and code (batch, code size).
func autoencoder[T nn.Float](a *ae.Autoencoder[T]) (*onnxpb.GraphProto, error) {
	g := newGraph()
	code, err := layers(g, "input", a.Encoder.Layers, nil)
	if err != nil {
		return nil, err
	}
	var encoders []*nn.Dense[T]
	for _, l := range a.Encoder.Layers {
		if d, ok := l.(*nn.Dense[T]); ok {
			encoders = append(encoders, d)
		}
	}
	next := len(encoders) - 1 // the encoder layer the next tied layer transposes
	tied := func(l nn.Layer[T], x string) (string, error) {
		ps := l.Params()
		if !a.TiedWeights || next < 0 || len(ps) != 1 {
			return "", fmt.Errorf("onnx: cannot export a %T layer", l)
		}
		enc := encoders[next]
		next--
		w := g.floats("weight", []int64{int64(enc.Out), int64(enc.In)}, float32s(enc.Weight.Value))
		b := g.floats("bias", []int64{int64(enc.In)}, float32s(ps[0].Value))
		return g.one("Gemm", []string{x, w, b}), nil // x W: the encoder's weight untransposed
	}
	rec, err := layers(g, code, a.Decoder.Layers, tied)
	if err != nil {
		return nil, err
	}
	features, size := a.Layers[0], a.Layers[len(a.Layers)-1]
	return g.proto("physml_autoencoder",
		[]*onnxpb.ValueInfoProto{valueInfo("input", dim{param: "batch"}, dim{size: int64(features)})},
		[]*onnxpb.ValueInfoProto{valueInfo("reconstruction", dim{param: "batch"}, dim{size: int64(features)}),
			valueInfo("code", dim{param: "batch"}, dim{size: int64(size)})},
		map[string]string{rec: "reconstruction", code: "code"}), nil
}

// proto returns the graph with the given inputs and outputs, renaming the
// values in rename to the outputs' names wherever they appear.
func (g *graph) proto(name string, inputs, outputs []*onnxpb.ValueInfoProto, rename map[string]string) *onnxpb.GraphProto {
	for _, n := range g.nodes {
		for _, values := range [][]string{n.Input, n.Output} {
			for i, v := range values {
				if to, ok := rename[v]; ok {
					values[i] = to
				}
			}
		}
	}
	return &onnxpb.GraphProto{Name: &name, Node: g.nodes, Initializer: g.inits, Input: inputs, Output: outputs}
}
