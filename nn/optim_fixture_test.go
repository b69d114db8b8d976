package nn

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// TestOptimizerOptionsMatchPyTorch runs three steps of SGD (momentum with
// dampening, Nesterov, plain; weight decay in each), RMSprop (weight decay
// and momentum, centered, defaults), Adam with L2 weight decay and AdamW
// from the same parameters and gradients as torch.optim
// (testdata/make_optim_fixture.py), in float64.
func TestOptimizerOptionsMatchPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/optim.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Start []float64
		Grads [][]float64
		Cases []struct {
			Optimizer string
			Config    map[string]any
			Steps     [][]float64
		}
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	num := func(cfg map[string]any, key string) float64 {
		v, _ := cfg[key].(float64)
		return v
	}
	for _, c := range fx.Cases {
		p := NewParam[float64]("p", 2, 3)
		copy(p.Value, fx.Start)
		params := []Param[float64]{p}
		var opt Optimizer[float64]
		switch c.Optimizer {
		case "SGD":
			nesterov, _ := c.Config["nesterov"].(bool)
			opt = NewSGD(params, SGDConfig{LR: num(c.Config, "lr"), Momentum: num(c.Config, "momentum"), Dampening: num(c.Config, "dampening"),
				WeightDecay: num(c.Config, "weight_decay"), Nesterov: nesterov})
		case "RMSprop":
			centered, _ := c.Config["centered"].(bool)
			opt = NewRMSprop(params, RMSpropConfig{LR: num(c.Config, "lr"), Alpha: num(c.Config, "alpha"), Eps: num(c.Config, "eps"),
				WeightDecay: num(c.Config, "weight_decay"), Momentum: num(c.Config, "momentum"), Centered: centered})
		case "Adam", "AdamW":
			betas := c.Config["betas"].([]any)
			cfg := AdamConfig{LR: num(c.Config, "lr"), Beta1: betas[0].(float64), Beta2: betas[1].(float64), Eps: num(c.Config, "eps"), WeightDecay: num(c.Config, "weight_decay")}
			if c.Optimizer == "Adam" {
				opt = NewAdam(params, cfg)
			} else {
				opt = NewAdamW(params, cfg)
			}
		}
		for s, want := range c.Steps {
			copy(p.Grad, fx.Grads[s])
			opt.Step()
			numcheck.CloseRel(t, fmt.Sprintf("%s %v step %d", c.Optimizer, c.Config, s+1), p.Value, want, 1e-13, 1e-3) // measured ≤ 5.7e-16
		}
	}
}
