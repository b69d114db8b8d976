package nn

import (
	"slices"
	"testing"
)

// TestRectifiersAtZero: PyTorch's convention at x = 0, where the derivative
// is not defined — ReLU passes no gradient, LeakyReLU passes slope·g — and a
// LeakyReLU of slope 0 is a ReLU.
func TestRectifiersAtZero(t *testing.T) {
	x := MatrixFrom(1, 3, []float64{-2, 0, 3})
	dy := MatrixFrom(1, 3, []float64{1, 1, 1})
	relu := ReLU[float64]()
	relu.Forward(x, true)
	if dx := relu.Backward(dy); !slices.Equal(dx.Data, []float64{0, 0, 1}) {
		t.Errorf("ReLU gradient at -2, 0, 3: %v", dx.Data)
	}
	leaky := LeakyReLU(0.25)
	if y := leaky.Forward(x, true); !slices.Equal(y.Data, []float64{-0.5, 0, 3}) {
		t.Errorf("LeakyReLU(0.25) of -2, 0, 3: %v", y.Data)
	}
	if dx := leaky.Backward(dy); !slices.Equal(dx.Data, []float64{0.25, 0.25, 1}) {
		t.Errorf("LeakyReLU(0.25) gradient at -2, 0, 3: %v, want 0.25, 0.25, 1 (torch)", dx.Data)
	}
	flat := LeakyReLU(0.0)
	if y := flat.Forward(x, true); !slices.Equal(y.Data, []float64{0, 0, 3}) {
		t.Errorf("LeakyReLU(0) of -2, 0, 3: %v", y.Data)
	}
	if dx := flat.Backward(dy); !slices.Equal(dx.Data, []float64{0, 0, 1}) {
		t.Errorf("LeakyReLU(0) gradient: %v", dx.Data)
	}
}

// draws is a random source that returns its values in turn.
type draws struct {
	values []float64
	next   int
}

func (d *draws) Float64() float64 { d.next++; return d.values[d.next-1] }

// TestDropoutProbabilityRange: p = 0 is allowed and is the identity even in
// training, drawing nothing; p = 1 (everything dropped, scale 1/0) and
// values outside [0, 1) panic; an element is kept when its draw is at least
// p, and kept elements are scaled by 1/(1−p).
func TestDropoutProbabilityRange(t *testing.T) {
	x := MatrixFrom(1, 4, []float64{1, 2, 3, 4})
	src := &draws{values: []float64{0.5}}
	none := NewDropout[float64](0, src)
	if y := none.Forward(x, true); !slices.Equal(y.Data, x.Data) || src.next != 0 {
		t.Errorf("dropout 0 in training: %v after %d draws", y.Data, src.next)
	}
	for _, p := range []float64{1, -0.1, 1.5} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewDropout(%g) did not panic", p)
				}
			}()
			NewDropout[float64](p, src)
		}()
	}
	d := NewDropout[float64](0.5, &draws{values: []float64{0.5, 0.49, 0.99, 0}})
	if y := d.Forward(x, true); !slices.Equal(y.Data, []float64{2, 0, 6, 0}) {
		t.Errorf("dropout 0.5 with draws 0.5, 0.49, 0.99, 0: %v, want 2 0 6 0", y.Data)
	}
	if dx := d.Backward(MatrixFrom(1, 4, []float64{1, 1, 1, 1})); !slices.Equal(dx.Data, []float64{2, 0, 2, 0}) {
		t.Errorf("dropout gradient: %v", dx.Data)
	}
}
