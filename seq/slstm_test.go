package seq

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// xlstmFixture holds the sizes of testdata/slstm.json and mlstm.json; their
// arrays are read by name.
type xlstmFixture struct {
	Batch, Steps, Input, Hidden, Heads int
	Lengths                            []int
}

func loadXLSTMFixture(t *testing.T, path string) (xlstmFixture, map[string][]float64) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fx xlstmFixture
	var all map[string]any
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	arrays := map[string][]float64{}
	for k, v := range all {
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if f, ok := e.(float64); ok {
					arrays[k] = append(arrays[k], f)
				}
			}
		}
	}
	return fx, arrays
}

// TestSLSTMMatchesPyTorch: the outputs, every parameter gradient and the
// input gradient equal those of the same equations in PyTorch float64 with
// autograd (testdata/make_slstm_fixture.py: two heads, variable lengths).
func TestSLSTMMatchesPyTorch(t *testing.T) {
	fx, a := loadXLSTMFixture(t, "testdata/slstm.json")
	s := NewSLSTM[float64](fx.Input, fx.Hidden, fx.Heads, nn.NewRand(1))
	for _, p := range s.Params() {
		copy(p.Value, a[p.Name])
	}
	s.SetLengths(fx.Lengths)
	x := nn.MatrixFrom(fx.Batch, fx.Steps*fx.Input, a["x"])
	y := s.Forward(x, true)
	numcheck.CloseRel(t, "outputs", y.Data, a["y"], 1e-12, 1e-3) // measured 8.2e-15
	nn.ZeroGrad(s.Params())
	dx := s.Backward(nn.MatrixFrom(fx.Batch, fx.Steps*fx.Hidden, a["w"]))
	for _, p := range s.Params() {
		numcheck.CloseRel(t, "∂/∂"+p.Name, p.Grad, a["grad_"+p.Name], 1e-10, 1e-3) // measured ≤ 6.9e-14
	}
	numcheck.CloseRel(t, "∂/∂x", dx.Data, a["grad_x"], 1e-10, 1e-3)
}

// TestSLSTMGradientFiniteDifferences checks the backward pass against
// central differences (nn.GradientCheck) with variable lengths, and the
// float32 layer against the float64 one.
func TestSLSTMGradientFiniteDifferences(t *testing.T) {
	s := NewSLSTM[float64](3, 6, 3, nn.NewRand(2))
	s.SetLengths([]int{4, 2})
	rng := nn.NewRand(3)
	x := nn.NewMatrix[float64](2, 4*3)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	res := nn.GradientCheck(s, x, nn.GradCheckOptions{})
	t.Logf("sLSTM: worst relative gradient error %.2g at %s", res.MaxRelError, res.Where)
	if !(res.MaxRelError < 1e-6) { // measured 5.5e-8
		t.Errorf("sLSTM gradient: %+v", res)
	}
	s32 := NewSLSTM[float32](3, 6, 3, nn.NewRand(2))
	s32.SetLengths([]int{4, 2})
	numcheck.CloseRel(t, "float32 outputs", nn.Convert[float64](s32.Forward(nn.Convert[float32](x), false)).Data, s.Forward(x, false).Data, 1e-4, 1e-3) // measured 5.2e-6
}
