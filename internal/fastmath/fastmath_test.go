package fastmath

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// relErr32 is the relative error of got against the float64 reference want,
// with 1e-30 as the floor (subnormal results are not held to it).
func relErr32(got float32, want float64) float64 {
	return math.Abs(float64(got)-want) / max(math.Abs(want), 1e-30)
}

func TestFastFloat32FunctionsMatchMath(t *testing.T) {
	var worstExp, worstSig, worstTanh numcheck.Worst
	for x := -100.0; x <= 88.7; x += 0.00137 {
		x32 := float32(x)
		xf := float64(x32)
		worstExp.Add(relErr32(Exp32(x32), math.Exp(xf)))
		e := relErr32(Sigmoid32(x32), 1/(1+math.Exp(-xf)))
		if !numcheck.Within(e, 1e-6) {
			t.Logf("Sigmoid32(%g) = %g, want %g", x32, Sigmoid32(x32), 1/(1+math.Exp(-xf)))
		}
		worstSig.Add(e)
		worstTanh.Add(relErr32(Tanh32(x32), math.Tanh(xf)))
	}
	var worstLog numcheck.Worst
	for x := 1e-40; x < 1e38; x *= 1.0137 {
		x32 := float32(x)
		want := math.Log(float64(x32))
		worstLog.Add(math.Abs(float64(Log32(x32))-want) / max(math.Abs(want), 1))
	}
	for x := 0.9; x < 1.1; x += 1e-5 {
		x32 := float32(x)
		want := math.Log(float64(x32))
		worstLog.Add(math.Abs(float64(Log32(x32))-want) / max(math.Abs(want), 1e-7))
	}
	t.Logf("Log32: largest relative error %.2g", worstLog)
	if !numcheck.Within(float64(worstLog), 1e-6) {
		t.Errorf("Log32: relative error %.3g > 1e-6", worstLog)
	}
	// log σ(x): absolute error (it is added to a stabiliser of size O(1)),
	// relative where the value is small and the loss of 1 + e^{−|x|}
	// does not apply.
	var worstLogSig numcheck.Worst
	for x := -120.0; x <= 120; x += 0.00731 {
		x32 := float32(x)
		xf := float64(x32)
		want := min(xf, 0) - math.Log1p(math.Exp(-math.Abs(xf)))
		worstLogSig.Add(math.Abs(float64(LogSigmoid32(x32))-want) / max(math.Abs(want), 1))
	}
	t.Logf("LogSigmoid32: largest error %.2g", worstLogSig)
	if !numcheck.Within(float64(worstLogSig), 3e-7) {
		t.Errorf("LogSigmoid32: error %.3g > 3e-7", worstLogSig)
	}
	if !math.IsInf(float64(Log32(0)), -1) || !math.IsNaN(float64(Log32(-1))) {
		t.Error("Log32(0) or Log32(-1) wrong")
	}
	for _, x := range []float32{0, 1e-30, -1e-8, 1e-4, 0.1999, 0.2, -0.2001} {
		worstTanh.Add(relErr32(Tanh32(x), math.Tanh(float64(x))))
		worstSig.Add(relErr32(Sigmoid32(x), 1/(1+math.Exp(-float64(x)))))
	}
	t.Logf("largest relative errors: Exp32 %.2g, Sigmoid32 %.2g, Tanh32 %.2g", worstExp, worstSig, worstTanh)
	for name, e := range map[string]numcheck.Worst{"Exp32": worstExp, "Sigmoid32": worstSig, "Tanh32": worstTanh} {
		if !numcheck.Within(float64(e), 1e-6) {
			t.Errorf("%s: relative error %.3g > 1e-6", name, e)
		}
	}
	if !math.IsInf(float64(Exp32(89)), 1) || Exp32(-104) != 0 || Sigmoid32(-200) != 0 || Sigmoid32(200) != 1 {
		t.Error("Exp32/Sigmoid32 limits wrong")
	}
	if math.IsNaN(float64(Tanh32(float32(math.Inf(1))))) || Tanh32(float32(math.Inf(-1))) != -1 {
		t.Error("Tanh32(±Inf) should be ±1")
	}
}

func BenchmarkSigmoid(b *testing.B) {
	x := make([]float32, 4096)
	y := make([]float32, len(x))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = float32(16*rng.Float64() - 8)
	}
	b.Run("Sigmoid32", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				y[i] = Sigmoid32(v)
			}
		}
	})
	b.Run("Tanh32", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				y[i] = Tanh32(v)
			}
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				y[i] = float32(1 / (1 + math.Exp(-float64(v))))
			}
		}
	})
}

// TestFastMathAtItsBranchPoints compares Exp32, Tanh32, Log32 and the
// generic Sigmoid with the math package at each of their branch points and
// on both sides of them: float32 overflow and underflow, the subnormal and
// the 2¹²⁸ scalings, the switch to the Taylor polynomial, the sign, and the
// mantissa fold at √2.
func TestFastMathAtItsBranchPoints(t *testing.T) {
	close32 := func(name string, x, got float32, want float64) {
		t.Helper()
		w := float32(want)
		switch {
		case math.IsInf(float64(w), 0) || w == 0:
			if got != w {
				t.Errorf("%s(%v) = %v, want %v", name, x, got, w)
			}
		case math.Abs(float64(w)) < 1.2e-38: // subnormal: absolute error of a few steps of 2⁻¹⁴⁹
			if !(math.Abs(float64(got-w)) <= 4e-45) {
				t.Errorf("%s(%v) = %v, want %v", name, x, got, w)
			}
		case !(math.Abs(float64(got)-want) <= 4e-7*math.Abs(want)):
			t.Errorf("%s(%v) = %v, want %v (relative error %.2g)", name, x, got, want, math.Abs(float64(got)-want)/math.Abs(want))
		}
	}
	for _, x := range []float32{88.72283, 88.7228, 88.7229, 88.5, 88.0, 87.0, -87.0, -87.3, -88.0, -100, -103.9, -103.97, -104} {
		close32("Exp32", x, Exp32(x), math.Exp(float64(x)))
	}
	for _, x := range []float32{0.2, 0.19999, -0.19999, -0.2, 0.5, -0.5, -3, 1e-3, -1e-3} {
		close32("Tanh32", x, Tanh32(x), math.Tanh(float64(x)))
	}
	for _, x := range []float32{math.MaxFloat32, 1e-40, 1.4142135, 1.4142137, 0.70710677, 3, 0.5} {
		close32("Log32", x, Log32(x), math.Log(float64(x)))
	}
	if got := Log32(float32(math.Inf(1))); !math.IsInf(float64(got), 1) {
		t.Errorf("Log32(+Inf) = %v", got)
	}
	for _, x := range []float64{800, 30, 0, -30, -800} {
		want := 1 / (1 + math.Exp(-x))
		if got := Sigmoid(x); got != want && !(math.Abs(got-want) <= 1e-16*want) {
			t.Errorf("Sigmoid(%v) = %v, want %v", x, got, want)
		}
	}
}
