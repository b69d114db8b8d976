package onnx

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/onnx/internal/onnxpb"
	"github.com/physml/physml/seq"
)

// computeOps are the operators that carry a model's arithmetic; the rest
// (Transpose, Reshape, Shape, Gather, Concat, …) only move values about,
// and PyTorch and physml move them differently.
var computeOps = map[string]bool{"LSTM": true, "GRU": true, "RNN": true, "Gemm": true, "MatMul": true, "Add": true,
	"Relu": true, "LeakyRelu": true, "Sigmoid": true, "Tanh": true}

// attrDefaults are ONNX's defaults of the attributes compared.
var attrDefaults = map[string]map[string]string{
	"Gemm":      {"alpha": "1", "beta": "1", "transA": "0", "transB": "0"},
	"LSTM":      {"direction": "forward", "input_forget": "0", "layout": "0"},
	"GRU":       {"direction": "forward", "linear_before_reset": "0", "layout": "0"},
	"RNN":       {"direction": "forward", "activations": "Tanh", "layout": "0"},
	"LeakyRelu": {"alpha": "0.01"},
}

// attributes returns a node's attributes as text, with ONNX's defaults for
// those it leaves out.
func attributes(n *onnxpb.NodeProto) map[string]string {
	out := map[string]string{}
	for k, v := range attrDefaults[n.GetOpType()] {
		out[k] = v
	}
	for _, a := range n.GetAttribute() {
		var v string
		switch a.GetType() {
		case onnxpb.AttributeProto_INT:
			v = strconv.FormatInt(a.GetI(), 10)
		case onnxpb.AttributeProto_FLOAT:
			v = strconv.FormatFloat(float64(a.GetF()), 'g', -1, 32)
		case onnxpb.AttributeProto_STRING:
			v = string(a.GetS())
		case onnxpb.AttributeProto_STRINGS:
			var s []string
			for _, b := range a.GetStrings() {
				s = append(s, string(b))
			}
			v = strings.Join(s, ",")
			if n.GetOpType() == "RNN" && len(s) == 2 && s[0] == s[1] {
				v = s[0] // one activation per direction, the same
			}
		default:
			v = a.String()
		}
		out[a.GetName()] = v
	}
	return out
}

// initializer returns the values of a float initializer, from float_data or
// raw_data (PyTorch writes raw little-endian bytes).
func initializer(t *onnxpb.TensorProto) []float64 {
	if len(t.GetFloatData()) > 0 {
		return float64s(t.GetFloatData())
	}
	raw := t.GetRawData()
	out := make([]float64, len(raw)/4)
	for i := range out {
		out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
	}
	return out
}

func readModel(t *testing.T, data []byte) *onnxpb.ModelProto {
	t.Helper()
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// computeNodes returns the graph's nodes of computeOps, in order, and its
// initializers by name.
func computeNodes(m *onnxpb.ModelProto) ([]*onnxpb.NodeProto, map[string]*onnxpb.TensorProto) {
	inits := map[string]*onnxpb.TensorProto{}
	for _, t := range m.GetGraph().GetInitializer() {
		inits[t.GetName()] = t
	}
	var nodes []*onnxpb.NodeProto
	for _, n := range m.GetGraph().GetNode() {
		if computeOps[n.GetOpType()] {
			nodes = append(nodes, n)
		}
	}
	return nodes, inits
}

// TestExportMatchesTorchExport compares physml's export of a model with
// PyTorch 1.13's torch.onnx.export of the same model and weights
// (testdata/make_torch_export.py) node by node: the same compute operators
// in the same order, the same attributes (ONNX's defaults filled in), the
// same weight initializers — the gate blocks of the recurrent ones in
// ONNX's order — and physml's outputs equal PyTorch's. With
// PHYSML_ONNX_DIR set, physml's exports are written there for the
// script's onnx.checker.
func TestExportMatchesTorchExport(t *testing.T) {
	models := map[string]func() any{
		"lstm": func() any {
			return seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
		},
		"gru_bidirectional": func() any {
			return seq.NewClassifier[float32](seq.GRU, seq.Config{InputSize: 5, HiddenSize: 6, NumLayers: 2, Bidirectional: true}, 3, nn.NewRand(1))
		},
		"rnn_relu": func() any {
			return seq.NewClassifier[float32](seq.RNNReLU, seq.Config{InputSize: 4, HiddenSize: 5}, 2, nn.NewRand(1))
		},
		"autoencoder": func() any {
			a, _ := ae.New[float32](ae.Config{Layers: []int{784, 32, 8}, Hidden: ae.ReLU, Output: ae.Sigmoid}, nn.NewRand(1))
			return a
		},
		"autoencoder_leaky": func() any {
			a, _ := ae.New[float32](ae.Config{Layers: []int{10, 6, 3}, Hidden: ae.LeakyReLU}, nn.NewRand(1))
			return a
		},
	}
	for name, build := range models {
		t.Run(name, func(t *testing.T) {
			tensors, _, err := nn.ReadSafetensors(filepath.Join("testdata", "torch_"+name+".safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			weights := map[string]nn.Tensor{}
			for k, v := range tensors {
				if k != "input" && !strings.HasPrefix(k, "output.") {
					weights[k] = v
				}
			}
			model := build()
			var params []nn.Param[float32]
			var forward func(x *nn.Matrix[float32]) map[string][]float64
			switch m := model.(type) {
			case *seq.Classifier[float32]:
				params = m.Params()
				forward = func(x *nn.Matrix[float32]) map[string][]float64 {
					return map[string][]float64{"logits": nn.Convert[float64](m.Forward(x, false)).Data}
				}
			case *ae.Autoencoder[float32]:
				params = m.Params()
				forward = func(x *nn.Matrix[float32]) map[string][]float64 {
					return map[string][]float64{"reconstruction": nn.Convert[float64](m.Reconstruct(x)).Data, "code": nn.Convert[float64](m.Encode(x)).Data}
				}
			}
			if err := nn.AssignTensors(weights, params); err != nil {
				t.Fatal(err)
			}
			in := tensors["input"]
			x := nn.Convert[float32](nn.MatrixFrom(in.Shape[0], len(in.Data)/in.Shape[0], in.Data))
			for out, got := range forward(x) {
				numcheck.Close(t, "physml's "+out+" against PyTorch's", got, tensors["output."+out].Data, 1e-5)
			}

			var buf bytes.Buffer
			if err := Export(model, &buf); err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("PHYSML_ONNX_DIR"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, "physml_"+name+".onnx"), buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			torchData, err := os.ReadFile(filepath.Join("testdata", "torch_"+name+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			ours, ourInits := computeNodes(readModel(t, buf.Bytes()))
			theirs, theirInits := computeNodes(readModel(t, torchData))
			var ourOps, theirOps []string
			for _, n := range ours {
				ourOps = append(ourOps, n.GetOpType())
			}
			for _, n := range theirs {
				theirOps = append(theirOps, n.GetOpType())
			}
			if !slices.Equal(ourOps, theirOps) {
				t.Fatalf("compute nodes %v, PyTorch's %v", ourOps, theirOps)
			}
			for i, n := range ours {
				if a, b := attributes(n), attributes(theirs[i]); !equalMaps(a, b) {
					t.Errorf("node %d (%s): attributes %v, PyTorch's %v", i, n.GetOpType(), a, b)
				}
				compared := 0
				for j, input := range n.GetInput() {
					mine, ok := ourInits[input]
					if !ok || j >= len(theirs[i].GetInput()) {
						continue
					}
					other, ok := theirInits[theirs[i].GetInput()[j]]
					if !ok {
						t.Errorf("node %d (%s) input %d: an initializer in physml's graph, a computed value in PyTorch's", i, n.GetOpType(), j)
						continue
					}
					if !slices.Equal(mine.GetDims(), other.GetDims()) {
						t.Errorf("node %d (%s) input %d: dims %v, PyTorch's %v", i, n.GetOpType(), j, mine.GetDims(), other.GetDims())
						continue
					}
					numcheck.Close(t, n.GetOpType()+" weights", initializer(mine), initializer(other), 0)
					compared++
				}
				if n.GetOpType() != "Relu" && n.GetOpType() != "LeakyRelu" && n.GetOpType() != "Sigmoid" && compared == 0 {
					t.Errorf("node %d (%s): no weights compared", i, n.GetOpType())
				}
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
