package nn

import (
	"math"
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
	Uniform(NewRand(1), x, 8)
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

// TestFloat32PathsMatchFloat64 compares the float32 element-wise paths (C
// kernels in the netlib build, Sigmoid32/Tanh32/Log32 otherwise) of the
// sigmoid and tanh layers and of the BCE loss with their float64 versions,
// including probabilities of exactly 0 and 1.
func TestFloat32PathsMatchFloat64(t *testing.T) {
	const n = 1003 // not a multiple of the vector width
	x64 := NewMatrix[float64](1, n)
	Uniform(NewRand(3), x64.Data, 40)
	x32 := Convert[float32](x64)
	for _, layer := range []struct {
		name   string
		l64    Layer[float64]
		l32    Layer[float32]
		absTol float64
	}{{"sigmoid", SigmoidLayer[float64](), SigmoidLayer[float32](), 1e-7}, {"tanh", TanhLayer[float64](), TanhLayer[float32](), 2e-7}} {
		y64, y32 := layer.l64.Forward(x64, false), layer.l32.Forward(x32, false)
		for i := range y64.Data {
			if d := math.Abs(float64(y32.Data[i]) - y64.Data[i]); !numcheck.Within(d, layer.absTol+1e-6*math.Abs(y64.Data[i])) {
				t.Fatalf("%s(%g): float32 %g, float64 %g", layer.name, x64.Data[i], y32.Data[i], y64.Data[i])
			}
		}
	}
	p64, y64 := NewMatrix[float64](1, n), NewMatrix[float64](1, n)
	rng := NewRand(4)
	for i := range p64.Data {
		p64.Data[i] = float64(float32(rng.Float64()))
		y64.Data[i] = float64(float32(rng.Float64()))
	}
	p64.Data[0], p64.Data[1], p64.Data[2] = 0, 1, 1e-40
	p32, y32 := Convert[float32](p64), Convert[float32](y64)
	g64, g32 := NewMatrix[float64](1, n), NewMatrix[float32](1, n)
	l64 := (&BCE[float64]{}).Evaluate(p64, Target[float64]{Values: y64}, g64)
	l32 := (&BCE[float32]{}).Evaluate(p32, Target[float32]{Values: y32}, g32)
	// Measured: loss 4e-9 relative, gradient 2e-7 relative (float32 rounding).
	t.Logf("BCE float32 loss: relative difference %.2g", math.Abs(l32-l64)/math.Abs(l64))
	numcheck.Scalar(t, "BCE float32 loss", l32, l64, 1e-7*math.Abs(l64))
	numcheck.CloseRel(t, "BCE float32 gradient", g32.Data, Convert[float32](g64).Data, 4e-6, 1e-6)
}
