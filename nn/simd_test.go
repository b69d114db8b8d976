package nn

import (
	"math"
	"testing"

	"github.com/physml/physml/internal/simd"
)

// TestSIMDLoopsEqualGo: on AVX2 the float32 BCE (in the pure-Go build),
// Adam and the activations' backward steps run internal/simd's assembly over
// blocks of eight; their results are the Go loops' to the bit (lengths that
// leave a tail, probabilities at 0 and 1, Adam and AdamW, outputs at ±0,
// NaN and ±Inf).
func TestSIMDLoopsEqualGo(t *testing.T) {
	if !simd.Available() {
		t.Skip("the assembly loops need amd64 with AVX2")
	}
	rng := NewRand(4)
	for _, n := range []int{8, 13, 803} {
		p, y := make([]float32, n), make([]float32, n)
		for i := range p {
			p[i] = float32(rng.Float64())
			y[i] = float32(rng.Float64())
			if i%5 == 0 {
				y[i] = float32(i % 2) // binary targets, as MNIST's pixels mostly are
			}
		}
		p[0], p[n/2], p[n-1] = 0, 1, 1e-30
		gradSIMD, gradGo := make([]float32, n), make([]float32, n)
		lossSIMD := bceSIMD(p, y, gradSIMD, float64(n))
		lossGo := bce32(p, y, gradGo, float64(n))
		if math.Float64bits(lossSIMD) != math.Float64bits(lossGo) {
			t.Errorf("BCE of %d values: assembly %v, Go %v", n, lossSIMD, lossGo)
		}
		for i := range gradGo {
			if math.Float32bits(gradSIMD[i]) != math.Float32bits(gradGo[i]) {
				t.Errorf("BCE gradient %d of %d: assembly %v, Go %v", i, n, gradSIMD[i], gradGo[i])
				break
			}
		}
		for _, decoupled := range []bool{false, true} {
			value, grad, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range value {
				value[i], grad[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
				m[i], v[i] = float32(rng.NormFloat64()*0.1), float32(rng.Float64()*0.01)
			}
			c := adamStep[float32]{b1: 0.9, b2: 0.999, stepSize: 1e-3 / 0.1, invBc2: 1 / float32(math.Sqrt(0.001)),
				eps: 1e-8, wd: 0.01, shrink: 1 - 1e-5}
			goValue, goM, goV := append([]float32(nil), value...), append([]float32(nil), m...), append([]float32(nil), v...)
			adamUpdateFor[float32]()(value, grad, m, v, c, decoupled)
			adamUpdate(goValue, grad, goM, goV, c, decoupled)
			for i := range value {
				if math.Float32bits(value[i]) != math.Float32bits(goValue[i]) || m[i] != goM[i] || v[i] != goV[i] {
					t.Errorf("Adam (decoupled %v), value %d of %d: assembly %v, %v, %v; Go %v, %v, %v",
						decoupled, i, n, value[i], m[i], v[i], goValue[i], goM[i], goV[i])
					break
				}
			}
		}
		for _, layer := range []*Activation[float32]{ReLU[float32](), SigmoidLayer[float32](), TanhLayer[float32]()} {
			x, dy := NewMatrix[float32](1, n), NewMatrix[float32](1, n)
			for i := range x.Data {
				x.Data[i], dy.Data[i] = float32(rng.NormFloat64()*3), float32(rng.NormFloat64())
			}
			x.Data[0], x.Data[1], x.Data[2] = 0, float32(math.Copysign(0, -1)), float32(math.Inf(1))
			dy.Data[3] = float32(math.Inf(-1))
			layer.Forward(x, true)
			layer.y.Data[4] = float32(math.NaN())
			dx := layer.Backward(dy)
			want := make([]float32, n)
			activationBackward(layer.kind, layer.slope, layer.y.Data, dy.Data, want)
			for i := range want {
				if math.Float32bits(dx.Data[i]) != math.Float32bits(want[i]) {
					name, _ := layer.Kind()
					t.Errorf("%s backward, value %d of %d: assembly %v, Go %v", name, i, n, dx.Data[i], want[i])
					break
				}
			}
		}
	}
}
