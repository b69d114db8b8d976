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
