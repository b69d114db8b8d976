package nn

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate of an epoch (counted from 0) from the
// initial rate, as torch.optim.lr_scheduler stepped once per epoch.
type Schedule interface {
	LR(epoch int, initial float64) float64
}

// StepDecay multiplies the rate by Gamma every StepSize epochs, StepLR.
type StepDecay struct {
	StepSize int
	Gamma    float64
}

// LR implements Schedule: initial·Gamma^⌊epoch/StepSize⌋.
func (s StepDecay) LR(epoch int, initial float64) float64 {
	return initial * math.Pow(s.Gamma, float64(epoch/max(s.StepSize, 1)))
}

// ExponentialDecay multiplies the rate by Gamma every epoch, ExponentialLR.
type ExponentialDecay struct{ Gamma float64 }

// LR implements Schedule: initial·Gammaᵉᵖᵒᶜʰ.
func (s ExponentialDecay) LR(epoch int, initial float64) float64 {
	return initial * math.Pow(s.Gamma, float64(epoch))
}

// CosineAnnealing anneals the rate from its initial value to Min over TMax
// epochs, CosineAnnealingLR: Min + (initial − Min)(1 + cos(π·epoch/TMax))/2.
type CosineAnnealing struct {
	TMax int
	Min  float64
}

// LR implements Schedule.
func (s CosineAnnealing) LR(epoch int, initial float64) float64 {
	return s.Min + (initial-s.Min)*(1+math.Cos(math.Pi*float64(epoch)/float64(max(s.TMax, 1))))/2
}

// ParseSchedule returns the learning-rate schedule named s for a run of
// epochs epochs: "none" (or "", nil: a constant rate), "step" (StepDecay
// by 0.1 every third of the run), "exp" (ExponentialDecay by 0.9 an
// epoch) or "cosine" (CosineAnnealing over the run).
func ParseSchedule(s string, epochs int) (Schedule, error) {
	switch s {
	case "none", "":
		return nil, nil
	case "step":
		return StepDecay{StepSize: max(epochs/3, 1), Gamma: 0.1}, nil
	case "exp":
		return ExponentialDecay{Gamma: 0.9}, nil
	case "cosine":
		return CosineAnnealing{TMax: epochs}, nil
	}
	return nil, fmt.Errorf("schedule %q: want none, step, exp or cosine", s)
}
