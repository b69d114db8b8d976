package seq

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/physml/physml/nn"

	"github.com/physml/physml/internal/numcheck"
)

// recurrentCase is one entry of testdata/recurrent.json, made by
// testdata/make_fixtures.py from torch.nn.LSTM, GRU and RNN.
type recurrentCase struct {
	Config struct {
		Cell, Nonlinearity               string
		InputSize, HiddenSize, NumLayers int
		ProjSize                         int
		Bidirectional                    bool
		Batch, Steps                     int
		Lengths                          []int
	}
	Params       map[string][]float64
	Shapes       map[string][]int
	X, H0, C0    []float64
	Out, Hn, Cn  []float64
	WOut, WH, WC []float64
	Grads        map[string][]float64
	Dx, Dh0, Dc0 []float64
}

func (c *recurrentCase) UnmarshalJSON(b []byte) error {
	var raw struct {
		Config struct {
			Cell          string `json:"cell"`
			Nonlinearity  string `json:"nonlinearity"`
			InputSize     int    `json:"input_size"`
			HiddenSize    int    `json:"hidden_size"`
			ProjSize      int    `json:"proj_size"`
			NumLayers     int    `json:"num_layers"`
			Bidirectional bool   `json:"bidirectional"`
			Batch         int    `json:"batch"`
			Steps         int    `json:"steps"`
			Lengths       []int  `json:"lengths"`
		} `json:"config"`
		Params map[string][]float64 `json:"params"`
		Shapes map[string][]int     `json:"shapes"`
		X      []float64            `json:"x"`
		H0     []float64            `json:"h0"`
		C0     []float64            `json:"c0"`
		Out    []float64            `json:"out"`
		Hn     []float64            `json:"hn"`
		Cn     []float64            `json:"cn"`
		WOut   []float64            `json:"w_out"`
		WH     []float64            `json:"w_h"`
		WC     []float64            `json:"w_c"`
		Grads  map[string][]float64 `json:"grads"`
		Dx     []float64            `json:"dx"`
		Dh0    []float64            `json:"dh0"`
		Dc0    []float64            `json:"dc0"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	c.Config.Cell, c.Config.InputSize, c.Config.HiddenSize = raw.Config.Cell, raw.Config.InputSize, raw.Config.HiddenSize
	c.Config.Nonlinearity, c.Config.ProjSize = raw.Config.Nonlinearity, raw.Config.ProjSize
	c.Config.NumLayers, c.Config.Bidirectional = raw.Config.NumLayers, raw.Config.Bidirectional
	c.Config.Batch, c.Config.Steps, c.Config.Lengths = raw.Config.Batch, raw.Config.Steps, raw.Config.Lengths
	c.Shapes = raw.Shapes
	c.Params, c.X, c.H0, c.C0, c.Out, c.Hn, c.Cn = raw.Params, raw.X, raw.H0, raw.C0, raw.Out, raw.Hn, raw.Cn
	c.WOut, c.WH, c.WC, c.Grads, c.Dx, c.Dh0, c.Dc0 = raw.WOut, raw.WH, raw.WC, raw.Grads, raw.Dx, raw.Dh0, raw.Dc0
	return nil
}

func loadRecurrentFixtures(t *testing.T) map[string]*recurrentCase {
	t.Helper()
	data, err := os.ReadFile("testdata/recurrent.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]*recurrentCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func convert[T Float](x []float64) []T {
	if x == nil {
		return nil
	}
	out := make([]T, len(x))
	for i, v := range x {
		out[i] = T(v)
	}
	return out
}

// compare checks got against PyTorch's want: 1e-9 absolute in float64,
// 1e-4 relative (with a 1e-5 floor) in float32.
func compare[T Float](t *testing.T, what string, got []T, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, PyTorch has %d", what, len(got), len(want))
	}
	var z T
	abs, rel := 1e-9, 0.0
	if unsafe.Sizeof(z) == 4 {
		abs, rel = 1e-5, 1e-4
	}
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

func testRecurrentMatchesPyTorch[T Float](t *testing.T) {
	for name, c := range loadRecurrentFixtures(t) {
		for _, par := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/parallelism%d", name, par), func(t *testing.T) { checkAgainstPyTorch[T](t, c, par) })
		}
	}
}

// checkAgainstPyTorch runs one fixture case with the batch split into par
// concurrent blocks.
func checkAgainstPyTorch[T Float](t *testing.T, c *recurrentCase, par int) {
	{
		{
			cfg := Config{InputSize: c.Config.InputSize, HiddenSize: c.Config.HiddenSize, NumLayers: c.Config.NumLayers,
				Bidirectional: c.Config.Bidirectional, Parallelism: par, ProjSize: c.Config.ProjSize}
			cell := map[string]CellType{"LSTM": LSTM, "GRU": GRU, "RNN": RNNTanh}[c.Config.Cell]
			if c.Config.Nonlinearity == "relu" {
				cell = RNNReLU
			}
			r := NewRecurrent[T](cell, cfg, nn.NewRand(0))
			shapes := map[string][]int{}
			for _, p := range r.Params() {
				shapes[p.Name] = p.Shape
			}
			if diff := cmp.Diff(c.Shapes, shapes); diff != "" {
				t.Fatalf("parameter names and shapes differ from PyTorch's (-torch +physml):\n%s", diff)
			}
			tensors := map[string]nn.Tensor{}
			for _, p := range r.Params() {
				tensors[p.Name] = nn.Tensor{Shape: p.Shape, Data: c.Params[p.Name]}
			}
			if err := nn.AssignTensors(tensors, r.Params()); err != nil {
				t.Fatal(err)
			}
			b, steps, h := c.Config.Batch, c.Config.Steps, c.Config.HiddenSize
			w := h // the width of h: the projection's when the LSTM projects
			if c.Config.ProjSize > 0 {
				w = c.Config.ProjSize
			}
			rows := len(c.Hn) / w
			r.SetLengths(c.Config.Lengths)
			if c.H0 != nil {
				var c0 *nn.Matrix[T]
				if c.C0 != nil {
					c0 = nn.MatrixFrom(rows, h, convert[T](c.C0))
				}
				r.SetInitialState(nn.MatrixFrom(rows, w, convert[T](c.H0)), c0)
			}
			x := nn.MatrixFrom(b, steps*c.Config.InputSize, convert[T](c.X))
			y := r.Forward(x, true)
			compare(t, "output", y.Data, c.Out)
			hn, cn := r.FinalState()
			compare(t, "hn", hn.Data, c.Hn)
			if c.Cn != nil {
				compare(t, "cn", cn.Data, c.Cn)
			}
			var dcn *nn.Matrix[T]
			if c.WC != nil {
				dcn = nn.MatrixFrom(rows, h, convert[T](c.WC))
			}
			r.SetFinalStateGrad(nn.MatrixFrom(rows, w, convert[T](c.WH)), dcn)
			nn.ZeroGrad(r.Params())
			dx := r.Backward(nn.MatrixFrom(y.Rows, y.Cols, convert[T](c.WOut)))
			compare(t, "input gradient", dx.Data, c.Dx)
			for _, p := range r.Params() {
				compare(t, p.Name+" gradient", p.Grad, c.Grads[p.Name])
			}
			dh0, dc0 := r.InitialStateGrad()
			if c.Dh0 != nil {
				compare(t, "h0 gradient", dh0.Data, c.Dh0)
			}
			if c.Dc0 != nil {
				compare(t, "c0 gradient", dc0.Data, c.Dc0)
			}
		}
	}
}

func TestRecurrentMatchesPyTorch(t *testing.T) {
	t.Run("float64", testRecurrentMatchesPyTorch[float64])
	t.Run("float32", testRecurrentMatchesPyTorch[float32])
}
