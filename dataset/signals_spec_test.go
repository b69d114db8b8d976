package dataset

import (
	"math"
	"testing"
)

// TestSignalsFollowTheirDescription checks what Signals' documentation
// says, on 4000 signals of 400 steps: the share of each kind; amplitudes;
// dropouts of 8 to 15 exact zeros from a step in the middle half and none
// elsewhere; one spike of (0.6 … 1.0)·A, standing out from its neighbours,
// in the middle half; level shifts of 0.3 … 0.5 between the mean before
// and after. (The frequency change is left out: after the damping, too
// little of the oscillation stands above the noise to time it.)
func TestSignalsFollowTheirDescription(t *testing.T) {
	const n, steps = 4000, 400
	s, err := Signals(n, steps, 3)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, len(SignalKinds))
	var shiftOK, spikeOK, dropOK int
	for i := 0; i < n; i++ {
		x := s.X[i*steps : (i+1)*steps]
		kind := s.Labels[i]
		counts[kind]++
		if m := maxAbs(x[:5]); !(m <= 1.2+0.25) {
			t.Fatalf("signal %d starts at |x| = %.3f, above A ≤ 1.2 plus noise", i, m)
		}
		zeros, first := 0, -1
		for tt, v := range x {
			if v == 0 {
				if first < 0 {
					first = tt
				}
				zeros++
			}
		}
		if (zeros > 0) != (kind == 3) {
			t.Fatalf("signal %d of kind %q has %d exact zeros", i, SignalKinds[kind], zeros)
		}
		switch kind {
		case 3:
			if zeros >= 8 && zeros <= 15 && first >= steps/4 && first < 3*steps/4 && x[first+zeros-1] == 0 {
				dropOK++
			}
		case 1:
			// The spike: the largest jump from the mean of the neighbours.
			best, at := 0.0, 0
			for tt := 1; tt < steps-1; tt++ {
				if d := math.Abs(x[tt] - (x[tt-1]+x[tt+1])/2); d > best {
					best, at = d, tt
				}
			}
			if at >= steps/4 && at < 3*steps/4 && best > 0.6*0.8-0.3 && best < 1.0*1.2+0.3 {
				spikeOK++
			}
		case 2, 0:
			// The mean of the last 100 steps against that of the first 100:
			// the decaying oscillation averages out, the shift does not.
			d := math.Abs(mean(x[steps-100:]) - mean(x[:100]))
			if (kind == 2 && d > 0.3-0.15 && d < 0.5+0.15) || (kind == 0 && d < 0.15) {
				shiftOK++
			}
		}
	}
	for kind, c := range counts {
		share := float64(c) / n
		want := 0.1
		if kind == 0 {
			want = 0.6
		}
		if !(math.Abs(share-want) <= 0.03) {
			t.Errorf("%q: %.3f of the signals, want about %.1f", SignalKinds[kind], share, want)
		}
	}
	for what, got := range map[string][2]int{
		"dropouts of 8–15 zeros in the middle half":    {dropOK, counts[3]},
		"spikes of (0.6–1.0)·A in the middle half":     {spikeOK, counts[1]},
		"level shifts of 0.3–0.5, normal means steady": {shiftOK, counts[2] + counts[0]},
	} {
		if frac := float64(got[0]) / float64(got[1]); !(frac >= 0.95) {
			t.Errorf("%s: %d of %d signals (%.3f)", what, got[0], got[1], frac)
		}
	}
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
