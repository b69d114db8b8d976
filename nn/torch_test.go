package nn

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"testing"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/numcheck"
)

var update = flag.Bool("update", false, "rewrite testdata files written by physml")

// mlpFixture is testdata/mlp.json, made by testdata/make_fixtures.py.
type mlpFixture struct {
	X      []float64
	Y      []float64
	Labels []int
	Params map[string][]float64
	Cases  map[string]struct {
		Output []float64
		Loss   float64
		Grads  map[string][]float64
	}
	After map[string]map[string][]float64
}

func loadMLPFixture(t *testing.T) mlpFixture {
	t.Helper()
	data, err := os.ReadFile("testdata/mlp.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	var f mlpFixture
	f.Cases = map[string]struct {
		Output []float64
		Loss   float64
		Grads  map[string][]float64
	}{}
	f.After = map[string]map[string][]float64{}
	for k, v := range raw {
		var err error
		switch {
		case k == "x":
			err = json.Unmarshal(v, &f.X)
		case k == "y":
			err = json.Unmarshal(v, &f.Y)
		case k == "labels":
			err = json.Unmarshal(v, &f.Labels)
		case k == "params":
			err = json.Unmarshal(v, &f.Params)
		case len(k) > 7 && k[:7] == "after3_":
			var m map[string][]float64
			err = json.Unmarshal(v, &m)
			f.After[k[7:]] = m
		default:
			var c struct {
				Output []float64
				Loss   float64
				Grads  map[string][]float64
			}
			err = json.Unmarshal(v, &c)
			f.Cases[k] = c
		}
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	return f
}

// fixtureMLP builds PyTorch's Sequential(Linear(5,4), Tanh(), Linear(4,3))
// with the fixture's parameters.
func fixtureMLP[T Float](t *testing.T, f mlpFixture) *Sequential[T] {
	rng := NewRand(0)
	m := NewSequential[T](NewDense[T](5, 4, rng), TanhLayer[T](), NewDense[T](4, 3, rng))
	tensors := map[string]Tensor{}
	for _, p := range m.Params() {
		tensors[p.Name] = Tensor{Shape: p.Shape, Data: f.Params[p.Name]}
	}
	if err := AssignTensors(tensors, m.Params()); err != nil {
		t.Fatal(err)
	}
	return m
}

// relTol is the comparison tolerance: 1e-10 in float64, 1e-5 relative in float32.
func relTol[T Float]() (abs, rel float64) {
	if blas.Is32[T]() {
		return 1e-6, 1e-5
	}
	return 1e-10, 0
}

func compareToTorch[T Float](t *testing.T, what string, got []T, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, PyTorch has %d", what, len(got), len(want))
	}
	abs, rel := relTol[T]()
	var worst numcheck.Worst
	for i := range got {
		d := math.Abs(float64(got[i]) - want[i])
		if !numcheck.Within(d, abs+rel*math.Abs(want[i])) {
			t.Errorf("%s[%d] = %.12g, PyTorch %.12g", what, i, float64(got[i]), want[i])
			return
		}
		worst.Add(d)
	}
	t.Logf("%s: largest difference from PyTorch %.3g", what, worst)
}

func testMLPMatchesPyTorch[T Float](t *testing.T) {
	f := loadMLPFixture(t)
	x := Convert[T](MatrixFrom(6, 5, f.X))
	y := Convert[T](MatrixFrom(6, 3, f.Y))
	cases := map[string]struct {
		loss   Loss[T]
		target Target[T]
		head   Layer[T]
	}{
		"mse":           {MSE[T]{}, Target[T]{Values: y}, nil},
		"bce":           {&BCE[T]{}, Target[T]{Values: y}, SigmoidLayer[T]()},
		"bce_logits":    {BCEWithLogits[T]{}, Target[T]{Values: y}, nil},
		"cross_entropy": {CrossEntropy[T]{}, Target[T]{Labels: f.Labels}, nil},
	}
	for name, c := range cases {
		want, ok := f.Cases[name]
		if !ok {
			t.Fatalf("fixture has no case %q", name)
		}
		m := fixtureMLP[T](t, f)
		out := m.Forward(x, true)
		compareToTorch(t, name+" output", out.Data, want.Output)
		pred := out
		if c.head != nil {
			pred = c.head.Forward(out, true)
		}
		grad := NewMatrix[T](pred.Rows, pred.Cols)
		loss := c.loss.Evaluate(pred, c.target, grad)
		compareToTorch(t, name+" loss", []T{T(loss)}, []float64{want.Loss})
		if c.head != nil {
			grad = c.head.Backward(grad)
		}
		ZeroGrad(m.Params())
		m.Backward(grad)
		for _, p := range m.Params() {
			compareToTorch(t, name+" grad "+p.Name, p.Grad, want.Grads[p.Name])
		}
	}
}

func TestMLPMatchesPyTorch(t *testing.T) {
	t.Run("float64", testMLPMatchesPyTorch[float64])
	t.Run("float32", testMLPMatchesPyTorch[float32])
}

func testOptimizersMatchPyTorch[T Float](t *testing.T) {
	f := loadMLPFixture(t)
	x := Convert[T](MatrixFrom(6, 5, f.X))
	y := Convert[T](MatrixFrom(6, 3, f.Y))
	optimizers := map[string]func([]Param[T]) Optimizer[T]{
		"sgd_momentum": func(p []Param[T]) Optimizer[T] {
			return NewSGD(p, SGDConfig{LR: 0.1, Momentum: 0.9, WeightDecay: 0.01})
		},
		"sgd_nesterov": func(p []Param[T]) Optimizer[T] {
			return NewSGD(p, SGDConfig{LR: 0.1, Momentum: 0.9, Nesterov: true})
		},
		"adam":  func(p []Param[T]) Optimizer[T] { return NewAdam(p, AdamConfig{LR: 0.01}) },
		"adamw": func(p []Param[T]) Optimizer[T] { return NewAdamW(p, AdamConfig{LR: 0.01, WeightDecay: 0.1}) },
		"rmsprop": func(p []Param[T]) Optimizer[T] {
			return NewRMSprop(p, RMSpropConfig{LR: 0.01, Momentum: 0.5, Centered: true})
		},
	}
	for name, make := range optimizers {
		m := fixtureMLP[T](t, f)
		opt := make(m.Params())
		grad := NewMatrix[T](6, 3)
		for step := 0; step < 3; step++ {
			ZeroGrad(m.Params())
			MSE[T]{}.Evaluate(m.Forward(x, true), Target[T]{Values: y}, grad)
			m.Backward(grad)
			opt.Step()
		}
		want := f.After[name]
		if want == nil {
			t.Fatalf("fixture has no optimizer %q", name)
		}
		for _, p := range m.Params() {
			compareToTorch(t, name+" "+p.Name, p.Value, want[p.Name])
		}
	}
}

func TestOptimizersMatchPyTorch(t *testing.T) {
	t.Run("float64", testOptimizersMatchPyTorch[float64])
	t.Run("float32", testOptimizersMatchPyTorch[float32])
}
