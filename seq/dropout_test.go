package seq

import (
	"fmt"
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestRecurrentDropoutIsKerasMasks: in training, the layer computes the
// reference steps on x_t ⊙ m_x and h_{t−1} ⊙ m_h with one mask of each per
// sequence, the same at every step (Keras's dropout and
// recurrent_dropout); in evaluation, it is the layer without dropout.
func TestRecurrentDropoutIsKerasMasks(t *testing.T) {
	const b, steps, in, H = 4, 6, 3, 5
	const pIn, pRec = 0.3, 0.4
	for _, cell := range []CellType{LSTM, GRU, RNNTanh, RNNReLU} {
		t.Run(cell.String(), func(t *testing.T) {
			r := NewRecurrent[float64](cell, Config{InputSize: in, HiddenSize: H, InputDropout: pIn, RecurrentDropout: pRec}, nn.NewRand(2))
			x := nn.NewMatrix[float64](b, steps*in)
			nn.Normal(nn.NewRand(3), x.Data, 1)
			r.maskRNG = nn.NewRand(9)
			y := r.Forward(x, true).Clone()

			// The masks the pass drew, in the order it drew them.
			rng := nn.NewRand(9)
			mx := dropoutMask[float64](rng, b*in, pIn)
			mh := dropoutMask[float64](rng, b*H, pRec)
			d := r.layers[0][0]
			w := refWeights{wih: d.wih.Value, whh: d.whh.Value, bih: d.bih.Value, bhh: d.bhh.Value, in: in, h: H}
			var worst numcheck.Worst
			for i := range b {
				h, c := make([]float64, H), make([]float64, H)
				for s := range steps {
					xt, hm := make([]float64, in), make([]float64, H)
					for j := range in {
						xt[j] = x.Row(i)[s*in+j] * mx[i*in+j]
					}
					for j := range H {
						hm[j] = h[j] * mh[i*H+j]
					}
					st := stepForward(cell, w, xt, hm, c)
					if cell == GRU { // h' = (1 − z) n + z h reads the unmasked state
						for j := range H {
							z, n := st.gate[H+j], st.gate[2*H+j]
							st.hn[j] = (1-z)*n + z*h[j]
						}
					}
					worst.Add(numcheck.MaxAbsDiff(y.Row(i)[s*H:(s+1)*H], st.hn))
					h, c = st.hn, st.cn
				}
			}
			// fastmath's float64 sigmoid and tanh against math's.
			if d := float64(worst); !numcheck.Within(d, 1e-14) {
				t.Errorf("training output differs from the masked reference by %.3g", d)
			}
			plain := NewRecurrent[float64](cell, Config{InputSize: in, HiddenSize: H}, nn.NewRand(2))
			numcheck.Close(t, "evaluation against the layer without dropout", r.Forward(x, false).Data, plain.Forward(x, false).Data, 0)
		})
	}
}

func TestDropoutMaskRate(t *testing.T) {
	m := dropoutMask[float32](nn.NewRand(1), 100000, 0.25)
	dropped := 0
	for _, v := range m {
		switch v {
		case 0:
			dropped++
		case float32(1 / 0.75):
		default:
			t.Fatalf("mask value %v; want 0 or 1/0.75", v)
		}
	}
	if f := float64(dropped) / float64(len(m)); !(math.Abs(f-0.25) <= 0.01) { // NaN for an empty mask
		t.Errorf("%.4f of the mask dropped; want 0.25", f)
	}
}

func TestRecurrentDropoutGradients(t *testing.T) {
	const batch, steps, in, hidden = 3, 4, 3, 4
	for _, cell := range []CellType{LSTM, GRU, RNNTanh, RNNReLU} {
		for _, par := range []int{1, 2} {
			t.Run(fmt.Sprintf("%v/%d chunks", cell, par), func(t *testing.T) {
				cfg := Config{InputSize: in, HiddenSize: hidden, NumLayers: 2, Bidirectional: true, Parallelism: par,
					InputDropout: 0.3, RecurrentDropout: 0.25}
				r := NewRecurrent[float64](cell, cfg, nn.NewRand(3))
				r.SetLengths([]int{4, 1, 3})
				x := nn.NewMatrix[float64](batch, steps*in)
				nn.Normal(nn.NewRand(4), x.Data, 1)
				// The same masks at every evaluation.
				res := nn.GradientCheck(r, x, nn.GradCheckOptions{Train: true, BeforeForward: func() { r.maskRNG = nn.NewRand(8) }})
				// As the layer without dropout (gradcheck_test.go): about 1e-6.
				if !numcheck.Within(res.MaxRelError, 5e-6) {
					t.Errorf("gradient differs from finite differences by %.3g at %s", res.MaxRelError, res.Where)
				}
			})
		}
	}
}

func TestRecurrentDropoutRefusals(t *testing.T) {
	for _, c := range []struct {
		cell CellType
		cfg  Config
	}{
		{LSTM, Config{InputSize: 2, HiddenSize: 2, InputDropout: 1}},
		{GRU, Config{InputSize: 2, HiddenSize: 2, RecurrentDropout: math.NaN()}},
		{RNNTanh, Config{InputSize: 2, HiddenSize: 2, RecurrentDropout: -0.1}},
		{SLSTMCell, Config{InputSize: 2, HiddenSize: 2, InputDropout: 0.1}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewRecurrent(%v, %+v) did not panic", c.cell, c.cfg)
				}
			}()
			NewRecurrent[float64](c.cell, c.cfg, nn.NewRand(1))
		}()
	}
}

// TestEachRecurrentDropoutAloneTakesEffect: input dropout alone changes the
// training outputs from the first step on; recurrent dropout alone leaves
// the first step (whose state is zero) as in evaluation and changes the
// later ones — with the layer's own mask generator, as a user builds it.
func TestEachRecurrentDropoutAloneTakesEffect(t *testing.T) {
	const b, steps, in, H = 4, 5, 3, 6
	x := nn.NewMatrix[float64](b, steps*in)
	nn.Normal(nn.NewRand(3), x.Data, 1)
	for _, c := range []struct {
		name          string
		cfg           Config
		firstStepSame bool
	}{
		{"input dropout", Config{InputSize: in, HiddenSize: H, InputDropout: 0.5}, false},
		{"recurrent dropout", Config{InputSize: in, HiddenSize: H, RecurrentDropout: 0.5}, true},
	} {
		r := NewRecurrent[float64](LSTM, c.cfg, nn.NewRand(2))
		eval := r.Forward(x, false).Clone()
		train := r.Forward(x, true)
		for s := range steps {
			var worst numcheck.Worst // the largest change at step s
			for i := range b {
				worst.Add(numcheck.MaxAbsDiff(train.Row(i)[s*H:(s+1)*H], eval.Row(i)[s*H:(s+1)*H]))
			}
			if same := s == 0 && c.firstStepSame; same && worst != 0 || !same && !(worst > 1e-3) {
				t.Errorf("%s: step %d changed by %.3g in training", c.name, s, float64(worst))
			}
		}
	}
}
