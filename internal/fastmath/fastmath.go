// Package fastmath holds physml's float32 transcendentals — exp, log,
// sigmoid and tanh accurate to about 2e-7 relative and several times faster
// than package math in float64 — for the layers' pure-Go float32 paths.
package fastmath

import (
	"math"

	"github.com/physml/physml/blas"
)

// Fast single-precision transcendentals. A recurrent layer evaluates about
// a million sigmoids and tanhs per batch, and math.Exp (float64) dominated
// the LSTM step; these float32 versions are accurate to about 2e-7
// relative (tests compare them with package math over the whole range) and
// several times faster. float64 computations keep using package math.

const (
	ln2Hi     = 0.693145751953125     // ln 2, high bits (exact in float32)
	ln2Lo     = 1.428606765330187e-06 // ln 2 − ln2Hi
	log2e     = 1.4426950408889634
	roundUp32 = 12582912 // 1.5·2²³: adding and subtracting it rounds a float32 to an integer
)

// Exp32 returns e^x in float32, with relative error below 3e-7. It returns
// +Inf above 88.72 and 0 below −103.97, as float32 e^x does.
func Exp32(x float32) float32 {
	if x > 88.72283 {
		return float32(math.Inf(1))
	}
	if x < -103.97 {
		return 0
	}
	// x = n ln2 + r with |r| ≤ ln2/2; e^x = 2ⁿ e^r.
	n := x*log2e + roundUp32
	n -= roundUp32
	r := x - n*ln2Hi - n*ln2Lo
	// Taylor polynomial of degree 7 for e^r, Horner form.
	p := float32(1.0 / 5040)
	p = p*r + 1.0/720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	k := int32(n)
	if k < -126 { // the result is subnormal: scale in two steps
		return p * math.Float32frombits(uint32(k+127+64)<<23) * 5.421011e-20 // 2⁻⁶⁴
	}
	if k > 127 {
		return p * math.Float32frombits(uint32(k-1+127)<<23) * 2
	}
	return p * math.Float32frombits(uint32(k+127)<<23)
}

// Sigmoid32 returns σ(x) = 1/(1+e^{−x}) in float32.
func Sigmoid32(x float32) float32 { return 1 / (1 + Exp32(-x)) }

// Tanh32 returns tanh(x) in float32: a Taylor polynomial near 0, where the
// exponential form would cancel, and (1−e^{−2|x|})/(1+e^{−2|x|}) elsewhere.
func Tanh32(x float32) float32 {
	a := x
	if a < 0 {
		a = -a
	}
	if a < 0.2 {
		x2 := x * x
		p := float32(62.0 / 2835)
		p = p*x2 - 17.0/315
		p = p*x2 + 2.0/15
		p = p*x2 - 1.0/3
		return x + x*x2*p
	}
	e := Exp32(-2 * a)
	t := (1 - e) / (1 + e)
	if x < 0 {
		return -t
	}
	return t
}

// Sigmoid returns σ(x) = 1/(1+e^{−x}), without overflow for large |x|; float32
// uses Sigmoid32.
func Sigmoid[T ~float32 | ~float64](x T) T {
	if blas.Is32[T]() {
		return T(Sigmoid32(float32(x)))
	}
	if x >= 0 {
		return T(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return T(e / (1 + e))
}

// Tanh returns tanh(x); float32 uses Tanh32.
func Tanh[T ~float32 | ~float64](x T) T {
	if blas.Is32[T]() {
		return T(Tanh32(float32(x)))
	}
	return T(math.Tanh(float64(x)))
}

// LogSigmoid32 returns log σ(x) = min(x, 0) − log(1 + e^{−|x|}) in float32,
// without overflow for large |x|, with an absolute error below about 2e-7.
func LogSigmoid32(x float32) float32 {
	a := x
	if a < 0 {
		a = -a
	}
	return min(x, 0) - Log32(1+Exp32(-a))
}

// Log32 returns the natural logarithm of x in float32, with relative error
// below 1e-7 away from x = 1 and absolute error below 1e-7 near it: x = 2ᵉm
// with m ∈ [√½, √2), and log m = 2 atanh((m−1)/(m+1)) by its series. It
// returns −Inf for 0, NaN for negative x or NaN, and +Inf for +Inf.
func Log32(x float32) float32 {
	if !(x > 0) || x > math.MaxFloat32 {
		if x == 0 {
			return float32(math.Inf(-1))
		}
		if x > math.MaxFloat32 {
			return x
		}
		return float32(math.NaN())
	}
	bits := math.Float32bits(x)
	e := int32(bits>>23) - 127
	if bits>>23 == 0 { // subnormal: scale into the normal range
		x *= 1 << 23
		bits = math.Float32bits(x)
		e = int32(bits>>23) - 127 - 23
	}
	m := math.Float32frombits(bits&0x007fffff | 0x3f800000) // m ∈ [1, 2)
	if m > 1.4142135 {
		m *= 0.5
		e++
	}
	s := (m - 1) / (m + 1)
	s2 := s * s
	p := float32(2.0 / 9)
	p = p*s2 + 2.0/7
	p = p*s2 + 2.0/5
	p = p*s2 + 2.0/3
	p = p*s2 + 2
	return float32(e)*ln2Hi + (s*p + float32(e)*ln2Lo)
}
