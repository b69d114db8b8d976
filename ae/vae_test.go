package ae

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

type vaeFixture struct {
	Loss      string
	Beta      float64
	X, Eps    []float64
	Params    map[string][]float64
	Grads     map[string][]float64
	Total, KL float64
}

func loadVAEFixtures(t *testing.T) []vaeFixture {
	t.Helper()
	raw, err := os.ReadFile("testdata/vae.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx []vaeFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	return fx
}

// fixtureVAE builds the fixture's VAE with its weights and its ε.
func fixtureVAE(t *testing.T, fx vaeFixture) *VAE[float64] {
	t.Helper()
	cfg := VAEConfig{Layers: []int{6, 5, 3}, Hidden: ReLU, Output: Sigmoid, Loss: BCELoss, Beta: fx.Beta}
	if fx.Loss == "mse" {
		cfg.Output, cfg.Loss = Identity, MSELoss
	}
	v, err := NewVAE[float64](cfg, nn.NewRand(1), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.Params() {
		want, ok := fx.Params[p.Name]
		if !ok || len(want) != len(p.Value) {
			t.Fatalf("parameter %s: fixture has %d values, the VAE %d", p.Name, len(want), len(p.Value))
		}
		copy(p.Value, want)
	}
	v.Noise = func(eps []float64) { copy(eps, fx.Eps) }
	return v
}

// TestVAEMatchesPyTorch compares the negative ELBO per sample and the
// gradient of every parameter with PyTorch's (testdata/make_vae_fixture.py:
// the same weights and the same ε), for BCE with β = 0.7 and for MSE.
func TestVAEMatchesPyTorch(t *testing.T) {
	for _, fx := range loadVAEFixtures(t) {
		v := fixtureVAE(t, fx)
		x := nn.MatrixFrom(4, 6, fx.X)
		nn.ZeroGrad(v.Params())
		pred := v.Forward(x, true)
		grad := nn.NewMatrix[float64](pred.Rows, pred.Cols)
		total := v.TrainingLoss().Evaluate(pred, nn.Target[float64]{Values: x}, grad)
		v.Backward(grad)
		numcheck.Scalar(t, fx.Loss+" negative ELBO", total, fx.Total, 1e-13) // measured 0 to 9e-16
		numcheck.Scalar(t, fx.Loss+" β·KL", v.KL(), fx.KL, 1e-13)
		for _, p := range v.Params() {
			numcheck.CloseRel(t, fx.Loss+" ∂/∂"+p.Name, p.Grad, fx.Grads[p.Name], 1e-11, 1e-3) // measured below 1e-14
		}
		rec, kl := v.NegativeELBO(x, 9)
		numcheck.Scalar(t, fx.Loss+" NegativeELBO", rec+kl, fx.Total, 1e-13)
		numcheck.Scalar(t, fx.Loss+" NegativeELBO's KL", kl, fx.KL, 1e-13)
	}
}

// TestVAEGradientFiniteDifferences checks every parameter's gradient of the
// whole objective (reconstruction + β·KL) against central differences with
// ε held fixed, for a VAE of two hidden layers and one of none.
func TestVAEGradientFiniteDifferences(t *testing.T) {
	for _, cfg := range []VAEConfig{
		{Layers: []int{5, 4, 3, 2}, Hidden: Tanh, Output: Sigmoid, Loss: BCELoss, Beta: 2},
		{Layers: []int{4, 2}, Hidden: ReLU, Output: Identity, Loss: MSELoss},
	} {
		v, err := NewVAE[float64](cfg, nn.NewRand(7), 3)
		if err != nil {
			t.Fatal(err)
		}
		rng := nn.NewRand(8)
		x := nn.NewMatrix[float64](3, cfg.Layers[0])
		for i := range x.Data {
			x.Data[i] = rng.Float64()
		}
		eps := make([]float64, 3*v.Latent())
		for i := range eps {
			eps[i] = rng.NormFloat64()
		}
		v.Noise = func(e []float64) { copy(e, eps) }
		loss := v.TrainingLoss()
		objective := func() float64 {
			pred := v.Forward(x, true)
			return loss.Evaluate(pred, nn.Target[float64]{Values: x}, nn.NewMatrix[float64](pred.Rows, pred.Cols))
		}
		nn.ZeroGrad(v.Params())
		pred := v.Forward(x, true)
		grad := nn.NewMatrix[float64](pred.Rows, pred.Cols)
		loss.Evaluate(pred, nn.Target[float64]{Values: x}, grad)
		v.Backward(grad)
		worst := worstFiniteDifference(v.Params(), objective)
		if !numcheck.Within(float64(worst), 1e-6) { // measured 2.5e-8 (BCE, tanh) and 6.9e-10 (MSE)
			t.Errorf("%v: worst relative gradient error %g", v, float64(worst))
		}
		if testing.Verbose() {
			t.Logf("%v: worst relative gradient error %.2g", v, float64(worst))
		}
	}
}

func TestVAESampleInterpolateEncode(t *testing.T) {
	v, err := NewVAE[float64](VAEConfig{Layers: []int{6, 5, 2}, Hidden: ReLU, Output: Sigmoid, Loss: BCELoss}, nn.NewRand(2), 1)
	if err != nil {
		t.Fatal(err)
	}
	a, b := []float64{-1, 0.5}, []float64{2, -3}
	path := v.Interpolate(a, b, 5)
	numcheck.Close(t, "the path's first point", path.Row(0), v.Decode(nn.MatrixFrom(1, 2, a)).Data, 0)
	numcheck.Close(t, "the path's last point", path.Row(4), v.Decode(nn.MatrixFrom(1, 2, b)).Data, 0)
	numcheck.Close(t, "the path's middle", path.Row(2), v.Decode(nn.MatrixFrom(1, 2, []float64{0.5, -1.25})).Data, 1e-15)
	// InterpolationRow: row i, the path between the mean codes, row j.
	rows := nn.MatrixFrom(3, 6, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0, 0, 0, 0, 0, 0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4})
	muRows := nn.MatrixFrom(3, 2, append([]float64{}, v.Encode(rows).Data...))
	morph := v.InterpolationRow(rows, 0, 2, 4)
	if morph.Rows != 6 {
		t.Fatalf("%d rows, want 6", morph.Rows)
	}
	numcheck.Close(t, "the morph's first row", morph.Row(0), rows.Row(0), 0)
	numcheck.Close(t, "the morph's last row", morph.Row(5), rows.Row(2), 0)
	numcheck.Close(t, "the morph's path", morph.Data[6:30], v.Interpolate(muRows.Row(0), muRows.Row(2), 4).Data, 1e-15)
	// Sample decodes standard normal draws of the given generator.
	samples := v.Sample(3, nn.NewRand(4))
	rng := nn.NewRand(4)
	z := nn.NewMatrix[float64](3, 2)
	for i := range z.Data {
		z.Data[i] = rng.NormFloat64()
	}
	numcheck.Close(t, "samples", samples.Data, v.Decode(z).Data, 0)
	// Encode gives μ, and Reconstruct decodes it (no noise outside training).
	x := nn.NewMatrix[float64](2, 6)
	for i := range x.Data {
		x.Data[i] = float64(i) / 12
	}
	mu := v.Encode(x)
	numcheck.Close(t, "reconstruction through μ", v.Reconstruct(x).Data, v.Decode(mu).Data, 0)
	c := v.Clone()
	numcheck.Close(t, "clone", c.Reconstruct(x).Data, v.Reconstruct(x).Data, 0)
}

func TestVAEConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  VAEConfig
		want string
	}{
		{VAEConfig{Layers: []int{4}}, "at least"},
		{VAEConfig{Layers: []int{4, 0}}, "positive"},
		{VAEConfig{Layers: []int{4, 2}, Loss: BCELoss, Output: Tanh}, "sigmoid"},
		{VAEConfig{Layers: []int{4, 2}, Beta: math.NaN()}, "β"},
		{VAEConfig{Layers: []int{4, 2}, Beta: -1}, "β"},
	} {
		if _, err := NewVAE[float32](c.cfg, nn.NewRand(1), 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error mentioning %q", c.cfg, err, c.want)
		}
	}
}

// worstFiniteDifference returns the largest relative difference, over
// every parameter value, between the gradient already in Grad and the
// central difference (step 1e-5) of objective, |a − n| / max(|a| + |n|,
// 1e-3).
func worstFiniteDifference(params []nn.Param[float64], objective func() float64) numcheck.Worst {
	var worst numcheck.Worst
	for _, p := range params {
		for i := range p.Value {
			keep := p.Value[i]
			p.Value[i] = keep + 1e-5
			up := objective()
			p.Value[i] = keep - 1e-5
			down := objective()
			p.Value[i] = keep
			fd := (up - down) / 2e-5
			worst.Add(math.Abs(fd-p.Grad[i]) / math.Max(math.Abs(fd)+math.Abs(p.Grad[i]), 1e-3))
		}
	}
	return worst
}

// TestNegativeLogLikelihoodsConvergeToTheIntegral: with a one-dimensional
// latent space, −log p(x) = −log ∫ p(x|z) N(z; 0, 1) dz can be summed on a
// fine grid; the importance-weighted estimate approaches it as the samples
// grow, bounds it from above on average, and does not depend on the rows
// scored with a row.
func TestNegativeLogLikelihoodsConvergeToTheIntegral(t *testing.T) {
	v, err := NewVAE[float64](VAEConfig{Layers: []int{3, 4, 1}, Hidden: Tanh, Output: Sigmoid, Loss: BCELoss}, nn.NewRand(5), 6)
	if err != nil {
		t.Fatal(err)
	}
	x := nn.MatrixFrom(3, 3, []float64{0.9, 0.1, 0.5, 0.2, 0.8, 0.7, 0.05, 0.5, 0.95})
	const points, lo, hi = 24001, -12.0, 12.0
	h := (hi - lo) / (points - 1)
	z := nn.NewMatrix[float64](points, 1)
	for i := range z.Data {
		z.Data[i] = lo + float64(i)*h
	}
	dec := v.Decode(z)
	exact := make([]float64, x.Rows)
	for r := range exact {
		logTerms := make([]float64, points)
		for i := range points {
			var bce float64
			for j, t := range x.Row(r) {
				bce += nn.BinaryCrossEntropy(dec.At(i, j), t)
			}
			zi := z.Data[i]
			logTerms[i] = -bce - 0.5*zi*zi - 0.5*math.Log(2*math.Pi) + math.Log(h)
		}
		exact[r] = -floats.LogSumExp(logTerms)
	}
	// Monte Carlo error: about 3e-3 at 20000 samples, 5e-4 at a million.
	many := v.NegativeLogLikelihoods(x, 1000000, 1)
	numcheck.Close(t, "−log p(x), a million samples", many, exact, 1e-3)
	// One sample gives the negative ELBO, a bound above −log p(x): its
	// mean over seeds exceeds the integral, and 16 samples come closer.
	var one, sixteen [3]float64
	for seed := range uint64(200) {
		for r, s := range v.NegativeLogLikelihoods(x, 1, seed) {
			one[r] += s / 200
		}
		for r, s := range v.NegativeLogLikelihoods(x, 16, seed) {
			sixteen[r] += s / 200
		}
	}
	for r := range exact {
		if !(one[r] > sixteen[r] && sixteen[r] > exact[r]-1e-3) {
			t.Errorf("row %d: one sample %.5f, 16 samples %.5f, integral %.5f: want them decreasing to it", r, one[r], sixteen[r], exact[r])
		}
	}
	alone := v.NegativeLogLikelihoods(x.Slice(1, 2), 16, 3)
	if all := v.NegativeLogLikelihoods(x, 16, 3); alone[0] != all[1] {
		t.Errorf("row 1 scores %v alone and %v among others", alone[0], all[1])
	}
}
