package ae

import (
	"math"
	"testing"

	"github.com/physml/physml/nn"
)

// TestNoiseHasItsStrength: Gaussian noise of std 0.5 adds values of that
// spread; masking with p = 0.3 zeroes about 30 %; p = 0 and std = 0 change
// nothing; p = 1 and a negative std are refused.
func TestNoiseHasItsStrength(t *testing.T) {
	x := nn.NewMatrix[float64](100, 100)
	GaussianNoise[float64](0.5, 1)(x)
	var s float64
	for _, v := range x.Data {
		s += v * v
	}
	if std := math.Sqrt(s / 1e4); !(math.Abs(std-0.5) <= 0.02) { // standard error 0.0035
		t.Errorf("Gaussian noise std %g, want 0.5", std)
	}
	ones := func() *nn.Matrix[float64] {
		m := nn.NewMatrix[float64](100, 100)
		for i := range m.Data {
			m.Data[i] = 1
		}
		return m
	}
	m := ones()
	MaskingNoise[float64](0.3, 2)(m)
	zeros := 0
	for _, v := range m.Data {
		if v == 0 {
			zeros++
		}
	}
	if !(math.Abs(float64(zeros)/1e4-0.3) <= 0.02) {
		t.Errorf("masking 0.3 zeroed %d of 10000", zeros)
	}
	m = ones()
	MaskingNoise[float64](0, 3)(m)
	GaussianNoise[float64](0, 3)(m)
	for _, v := range m.Data {
		if v != 1 {
			t.Fatal("p = 0 and std = 0 changed the data")
		}
	}
	for name, fn := range map[string]func(){"p = 1": func() { MaskingNoise[float64](1, 1) }, "std −1": func() { GaussianNoise[float64](-1, 1) }} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s accepted", name)
				}
			}()
			fn()
		}()
	}
}

func TestParseNoise(t *testing.T) {
	for s, want := range map[string]Noise{"": {}, "gauss:0.2": {"gauss", 0.2}, "mask:0.5": {"mask", 0.5}, "gauss:0": {"gauss", 0}} {
		if got, err := ParseNoise(s); err != nil || got != want {
			t.Errorf("ParseNoise(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"salt:1", "gauss", "gauss:-1", "gauss:NaN", "gauss:Inf", "mask:1", "mask:x"} {
		if _, err := ParseNoise(s); err == nil {
			t.Errorf("ParseNoise(%q) accepted", s)
		}
	}
	if Corruption[float32](Noise{}, 1) != nil {
		t.Error("no noise corrupts")
	}
	x := onesMatrix(4, 50)
	Corruption[float32](Noise{"mask", 0.5}, 1)(x)
	zeros := 0
	for _, v := range x.Data {
		if v == 0 {
			zeros++
		}
	}
	if zeros < 60 || zeros > 140 {
		t.Errorf("mask:0.5 zeroed %d of 200", zeros)
	}
}

// onesMatrix returns a rows × cols matrix of ones.
func onesMatrix(rows, cols int) *nn.Matrix[float32] {
	x := nn.NewMatrix[float32](rows, cols)
	for i := range x.Data {
		x.Data[i] = 1
	}
	return x
}
