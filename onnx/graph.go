package onnx

import (
	"fmt"

	"github.com/physml/physml/onnx/internal/onnxpb"
)

// graph collects the nodes and initializers of an ONNX graph and names
// the values between them.
type graph struct {
	nodes  []*onnxpb.NodeProto
	inits  []*onnxpb.TensorProto
	counts map[string]int
}

func newGraph() *graph { return &graph{counts: map[string]int{}} }

// name returns a fresh value name from prefix: prefix, prefix_1, …
func (g *graph) name(prefix string) string {
	n := g.counts[prefix]
	g.counts[prefix]++
	if n == 0 {
		return prefix
	}
	return fmt.Sprintf("%s_%d", prefix, n)
}

// floats adds a float32 initializer of the given shape and returns its name.
func (g *graph) floats(name string, dims []int64, values []float32) string {
	name = g.name(name)
	g.inits = append(g.inits, &onnxpb.TensorProto{Name: &name, Dims: dims,
		DataType: ptr(int32(onnxpb.TensorProto_FLOAT)), FloatData: values})
	return name
}

// int64s adds an int64 initializer (a shape or a list of axes).
func (g *graph) int64s(name string, values ...int64) string {
	name = g.name(name)
	g.inits = append(g.inits, &onnxpb.TensorProto{Name: &name, Dims: []int64{int64(len(values))},
		DataType: ptr(int32(onnxpb.TensorProto_INT64)), Int64Data: values})
	return name
}

// node adds an op node reading inputs ("" for an omitted optional input)
// and returns the names of its outputs outputs.
func (g *graph) node(op string, inputs []string, outputs int, attrs ...*onnxpb.AttributeProto) []string {
	var out []string
	for i := 0; i < outputs; i++ {
		out = append(out, g.name(op))
	}
	name := g.name(op + "_node")
	g.nodes = append(g.nodes, &onnxpb.NodeProto{Name: &name, OpType: &op, Input: inputs, Output: out, Attribute: attrs})
	return out
}

// one adds an op node with a single output and returns its name.
func (g *graph) one(op string, inputs []string, attrs ...*onnxpb.AttributeProto) string {
	return g.node(op, inputs, 1, attrs...)[0]
}

// transpose permutes the axes of x.
func (g *graph) transpose(x string, perm ...int64) string {
	return g.one("Transpose", []string{x}, intsAttr("perm", perm...))
}

// reshape gives x the shape of the given dims (0 copies the input's
// dimension, −1 takes what is left).
func (g *graph) reshape(x string, dims ...int64) string {
	return g.one("Reshape", []string{x, g.int64s("shape", dims...)})
}

func ptr[T any](v T) *T { return &v }

func intAttr(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: ptr(onnxpb.AttributeProto_INT), I: &v}
}

func floatAttr(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: ptr(onnxpb.AttributeProto_FLOAT), F: &v}
}

func intsAttr(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: ptr(onnxpb.AttributeProto_INTS), Ints: v}
}

func stringAttr(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: ptr(onnxpb.AttributeProto_STRING), S: []byte(v)}
}

func stringsAttr(name string, v ...string) *onnxpb.AttributeProto {
	var b [][]byte
	for _, s := range v {
		b = append(b, []byte(s))
	}
	return &onnxpb.AttributeProto{Name: &name, Type: ptr(onnxpb.AttributeProto_STRINGS), Strings: b}
}

// dim is one dimension of a graph input or output: a size, or a name for
// a dynamic axis.
type dim struct {
	size  int64
	param string
}

// valueInfo describes a float32 graph input or output.
func valueInfo(name string, dims ...dim) *onnxpb.ValueInfoProto {
	shape := &onnxpb.TensorShapeProto{}
	for _, d := range dims {
		td := &onnxpb.TensorShapeProto_Dimension{}
		if d.param != "" {
			td.Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d.param}
		} else {
			td.Value = &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d.size}
		}
		shape.Dim = append(shape.Dim, td)
	}
	return &onnxpb.ValueInfoProto{Name: &name, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
		TensorType: &onnxpb.TypeProto_Tensor{ElemType: ptr(int32(onnxpb.TensorProto_FLOAT)), Shape: shape}}}}
}
