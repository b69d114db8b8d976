package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SignalKinds names the labels of Signals: 0 is a normal signal, the others
// its faults.
var SignalKinds = []string{"normal", "spike", "level shift", "dropout", "frequency change"}

// Signals simulates n noisy damped oscillations of the given steps, a
// detector read-out of the kind a physicist screens for faults:
//
//	x_t = A e^{−γt} cos(ωt + φ) + 0.05 ε_t,
//
// with A ∈ [0.8, 1.2], γ ∈ [0.002, 0.02], ω ∈ [0.15, 0.35] rad per step, φ
// uniform and ε standard normal. About 60 % are normal (label 0); the rest
// carry one fault each, from a step t₀ in the middle part (labels as
// SignalKinds): 1, a spike of ±(0.6 … 1.0)·A at t₀; 2, a level shift of
// ±(0.3 … 0.5) from t₀ on; 3, a dropout, 8 to 15 samples read as 0 from t₀;
// 4, a frequency change by a factor 1.4 to 1.8 from t₀ on (phase
// continuous). The same seed gives the same signals.
func Signals(n, steps int, seed uint64) (*Sequences, error) {
	s, _, err := SignalsWithFaults(n, steps, seed)
	return s, err
}

// Span is a range of steps [Start, End); the zero Span is empty.
type Span struct{ Start, End int }

// Contains reports whether step t lies in the span.
func (s Span) Contains(t int) bool { return t >= s.Start && t < s.End }

// SignalsWithFaults returns the signals of Signals and, for each, the
// steps its fault spans: the spike's step, the level shift's and the
// frequency change's steps from t₀ to the end, the dropout's samples (the
// zero Span for a normal signal).
func SignalsWithFaults(n, steps int, seed uint64) (*Sequences, []Span, error) {
	if n < 1 || steps < 40 || steps > 1<<16 || n > 1<<24 {
		return nil, nil, fmt.Errorf("dataset: %d signals of %d steps: want 1 to 2²⁴ signals of 40 to 65536 steps", n, steps)
	}
	rng := rand.New(rand.NewPCG(seed, 0x516e616c))
	s := &Sequences{N: n, Steps: steps, Features: 1, X: make([]float64, n*steps), Labels: make([]int, n), Classes: len(SignalKinds)}
	spans := make([]Span, n)
	uniform := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	sign := func() float64 {
		if rng.IntN(2) == 0 {
			return -1
		}
		return 1
	}
	for i := 0; i < n; i++ {
		a, gamma, omega, phi := uniform(0.8, 1.2), uniform(0.002, 0.02), uniform(0.15, 0.35), uniform(0, 2*math.Pi)
		kind := 0
		if rng.Float64() >= 0.6 {
			kind = 1 + rng.IntN(len(SignalKinds)-1)
		}
		t0 := steps/4 + rng.IntN(steps/2)
		factor := uniform(1.4, 1.8)
		spike, shift, drop := sign()*uniform(0.6, 1.0)*a, sign()*uniform(0.3, 0.5), 8+rng.IntN(8)
		x := s.X[i*steps : (i+1)*steps]
		for t := range x {
			angle := omega*float64(t) + phi
			if kind == 4 && t >= t0 {
				angle = omega*float64(t0) + phi + factor*omega*float64(t-t0)
			}
			x[t] = a*math.Exp(-gamma*float64(t))*math.Cos(angle) + 0.05*rng.NormFloat64()
			switch {
			case kind == 1 && t == t0:
				x[t] += spike
			case kind == 2 && t >= t0:
				x[t] += shift
			case kind == 3 && t >= t0 && t < t0+drop:
				x[t] = 0
			}
		}
		s.Labels[i] = kind
		switch kind {
		case 1:
			spans[i] = Span{t0, t0 + 1}
		case 2, 4:
			spans[i] = Span{t0, steps}
		case 3:
			spans[i] = Span{t0, min(t0+drop, steps)}
		}
	}
	return s, spans, nil
}

// LinePlusNoise returns n samples of the lecture's covariance example,
// (x, y) rows of n × 2 values: x ~ N(0, 1) and y = 4 + 3x + ε with
// ε ~ N(0, 1), seeded. Their covariance is [[1, 3], [3, 10]] and their
// correlation 3/√10.
func LinePlusNoise(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	xy := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		x := rng.NormFloat64()
		xy[2*i], xy[2*i+1] = x, 4+3*x+rng.NormFloat64()
	}
	return xy
}
