package nn

import (
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// TestCosineAnnealingWithAFloor: PyTorch's CosineAnnealingLR with
// eta_min = 0.1 from 1.0 over 4 epochs gives 1, 0.8682…, 0.55, 0.2318…, 0.1.
func TestCosineAnnealingWithAFloor(t *testing.T) {
	s := CosineAnnealing{TMax: 4, Min: 0.1}
	var got []float64
	for e := 0; e <= 4; e++ {
		got = append(got, s.LR(e, 1))
	}
	numcheck.Close(t, "cosine learning rates", got, []float64{1, 0.1 + 0.9*(1+math.Sqrt2/2)/2, 0.55, 0.1 + 0.9*(1-math.Sqrt2/2)/2, 0.1}, 1e-15)
}

func TestParseSchedule(t *testing.T) {
	for name, want := range map[string]Schedule{"none": nil, "": nil, "step": StepDecay{StepSize: 3, Gamma: 0.1},
		"exp": ExponentialDecay{Gamma: 0.9}, "cosine": CosineAnnealing{TMax: 10}} {
		if got, err := ParseSchedule(name, 10); err != nil || got != want {
			t.Errorf("ParseSchedule(%q, 10) = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := ParseSchedule("linear", 10); err == nil {
		t.Error("an unknown schedule parsed")
	}
}
