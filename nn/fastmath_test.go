package nn

import (
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

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
