package nn

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

type normFixture struct {
	LayerNorm struct {
		Weight, Bias, X, W, Y, GradWeight, GradBias, GradX []float64
	}
	BatchNorm struct {
		Start struct{ Weight, Bias []float64 }
		Steps []struct {
			Train                       bool
			Rows                        int
			X, W, Y                     []float64
			GradWeight, GradBias, GradX []float64
			RunningMean, RunningVar     []float64
			NumBatchesTracked           int
		}
		StateDict []string
	}
}

func loadNormFixture(t *testing.T) normFixture {
	t.Helper()
	raw, err := os.ReadFile("testdata/norm.json")
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's keys are snake_case.
	var fx normFixture
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	camel, _ := json.Marshal(renameKeys(m))
	if err := json.Unmarshal(camel, &fx); err != nil {
		t.Fatal(err)
	}
	return fx
}

// renameKeys turns snake_case keys into CamelCase, recursively.
func renameKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			name := []byte{}
			up := true
			for _, c := range []byte(k) {
				if c == '_' {
					up = true
					continue
				}
				if up && c >= 'a' && c <= 'z' {
					c -= 'a' - 'A'
				}
				up = false
				name = append(name, c)
			}
			out[string(name)] = renameKeys(x)
		}
		return out
	case []any:
		for i := range v {
			v[i] = renameKeys(v[i])
		}
	}
	return v
}

// TestLayerNormMatchesPyTorch: outputs and every gradient equal
// torch.nn.LayerNorm's (testdata/make_norm_fixture.py).
func TestLayerNormMatchesPyTorch(t *testing.T) {
	fx := loadNormFixture(t).LayerNorm
	l := NewLayerNorm[float64](5)
	copy(l.Weight.Value, fx.Weight)
	copy(l.Bias.Value, fx.Bias)
	y := l.Forward(MatrixFrom(4, 5, fx.X), true)
	numcheck.CloseRel(t, "LayerNorm outputs", y.Data, fx.Y, 1e-14, 1e-3) // measured 6.3e-16
	dx := l.Backward(MatrixFrom(4, 5, fx.W))
	numcheck.CloseRel(t, "∂/∂weight", l.Weight.Grad, fx.GradWeight, 1e-14, 1e-3) // measured 5.0e-16
	numcheck.CloseRel(t, "∂/∂bias", l.Bias.Grad, fx.GradBias, 1e-14, 1e-3)
	numcheck.CloseRel(t, "∂/∂x", dx.Data, fx.GradX, 1e-12, 1e-3) // measured 1.8e-14
}

// TestBatchNorm1dMatchesPyTorch: two training batches and an evaluation
// batch give torch.nn.BatchNorm1d's outputs, gradients, running statistics
// and batch count, and the state_dict names are PyTorch's.
func TestBatchNorm1dMatchesPyTorch(t *testing.T) {
	fx := loadNormFixture(t).BatchNorm
	b := NewBatchNorm1d[float64](3)
	copy(b.Weight.Value, fx.Start.Weight)
	copy(b.Bias.Value, fx.Start.Bias)
	var names []string
	for _, p := range StateDict[float64](b) {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, fx.StateDict) {
		t.Errorf("state_dict %v, PyTorch's %v", names, fx.StateDict)
	}
	for k, s := range fx.Steps {
		ZeroGrad(b.Params())
		y := b.Forward(MatrixFrom(s.Rows, 3, s.X), s.Train)
		numcheck.CloseRel(t, "BatchNorm1d outputs", y.Data, s.Y, 1e-13, 1e-3) // measured ≤ 2.6e-15
		dx := b.Backward(MatrixFrom(s.Rows, 3, s.W))
		numcheck.CloseRel(t, "∂/∂weight", b.Weight.Grad, s.GradWeight, 1e-14, 1e-3) // measured ≤ 4.1e-16
		numcheck.CloseRel(t, "∂/∂bias", b.Bias.Grad, s.GradBias, 1e-14, 1e-3)
		numcheck.CloseRel(t, "∂/∂x", dx.Data, s.GradX, 1e-13, 1e-3)                           // measured ≤ 4.4e-15
		numcheck.CloseRel(t, "running_mean", b.RunningMean.Value, s.RunningMean, 1e-14, 1e-3) // measured 0
		numcheck.CloseRel(t, "running_var", b.RunningVar.Value, s.RunningVar, 1e-14, 1e-3)    // measured ≤ 1.9e-16
		if int(b.NumBatchesTracked.Value[0]) != s.NumBatchesTracked {
			t.Errorf("step %d: num_batches_tracked %v, want %d", k, b.NumBatchesTracked.Value[0], s.NumBatchesTracked)
		}
	}
}

// TestNormLayersGradients: finite differences through both layers, in
// training and evaluation mode, inside a Sequential whose state_dict
// carries the buffers under prefixed names.
func TestNormLayersGradients(t *testing.T) {
	x := NewMatrix[float64](6, 4)
	Normal(NewRand(1), x.Data, 2)
	bn := NewBatchNorm1d[float64](3)
	Normal(NewRand(2), bn.Weight.Value, 1)
	model := NewSequential[float64](NewDense[float64](4, 3, NewRand(3)), NewLayerNorm[float64](3), TanhLayer[float64](), bn)
	for _, train := range []bool{true, false} {
		res := GradientCheck(model, x, GradCheckOptions{Train: train})
		t.Logf("train %v: worst relative error %.2g at %s", train, res.MaxRelError, res.Where)
		if !(res.MaxRelError < 1e-6) { // measured 5.8e-8 and 2.6e-8
			t.Errorf("train %v: %+v", train, res)
		}
	}
	var names []string
	for _, p := range StateDict[float64](model) {
		names = append(names, p.Name)
	}
	want := []string{"0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "3.running_mean", "3.running_var", "3.num_batches_tracked"}
	if !slices.Equal(names, want) {
		t.Errorf("state_dict %v, want %v", names, want)
	}
}

// TestBatchNorm1dOneRowBatch: a training batch of one row is normalised
// with the running statistics and changes none of them (no panic: the last
// batch of an epoch can be that short).
func TestBatchNorm1dOneRowBatch(t *testing.T) {
	b := NewBatchNorm1d[float64](2)
	b.RunningMean.Value[0], b.RunningVar.Value[1] = 1, 4
	y := b.Forward(MatrixFrom(1, 2, []float64{3, 2}), true)
	want := []float64{2 / math.Sqrt(1+1e-5), 2 / math.Sqrt(4+1e-5)}
	numcheck.Close(t, "one-row batch", y.Data, want, 1e-15)
	if b.NumBatchesTracked.Value[0] != 0 || b.RunningMean.Value[0] != 1 {
		t.Errorf("the running statistics changed: %v, %v", b.RunningMean.Value, b.NumBatchesTracked.Value)
	}
	dx := b.Backward(MatrixFrom(1, 2, []float64{1, 1}))
	numcheck.Close(t, "its gradient", dx.Data, []float64{1 / math.Sqrt(1+1e-5), 1 / math.Sqrt(4+1e-5)}, 1e-15)
}
