package ae

import (
	"context"
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// lowRank returns n rows of p features: two latent directions with standard
// deviations 2 and 1 mixed into p features, plus noise of standard
// deviation 0.05 — a principal subspace PCA and the linear autoencoder
// both must find.
func lowRank(n, p int, seed uint64) *nn.Matrix[float64] {
	rng := nn.NewRand(seed)
	mix := make([]float64, 2*p)
	for i := range mix {
		mix[i] = rng.NormFloat64()
	}
	x := nn.NewMatrix[float64](n, p)
	for i := range n {
		z0, z1 := 2*rng.NormFloat64(), rng.NormFloat64()
		for j := range p {
			x.Set(i, j, 1+z0*mix[j]+z1*mix[p+j]+0.05*rng.NormFloat64())
		}
	}
	return x
}

// TestLinearAutoencoderLearnsThePCASubspace: trained on low-rank data, the
// linear autoencoder's decoder spans the top-2 principal subspace and
// reconstructs as well as PCA (the lecture's claim, at a size that runs in
// the short suite).
func TestLinearAutoencoderLearnsThePCASubspace(t *testing.T) {
	x := lowRank(400, 6, 3)
	a := NewLinear[float64](6, 2, 1)
	opt := nn.NewAdam(a.Params(), nn.AdamConfig{LR: 0.03})
	res, err := CompareLinearWithPCA(context.Background(), a, x, opt, nn.FitConfig[float64]{Epochs: 3000, BatchSize: 400, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Angles) != 2 || len(res.History.Epochs) != 3000 {
		t.Fatalf("%d angles, %d epochs", len(res.Angles), len(res.History.Epochs))
	}
	for _, angle := range res.Angles {
		if !(angle < 2e-4) { // measured 4.7e-7 and 1.6e-5
			t.Errorf("principal angles %v to PCA's subspace (radians)", res.Angles)
		}
	}
	if !(res.PCAMSE > 0 && math.Abs(res.AutoencoderMSE-res.PCAMSE) <= 1e-2*res.PCAMSE) { // measured 1.4e-3 above
		t.Errorf("reconstruction MSE: autoencoder %g, PCA %g", res.AutoencoderMSE, res.PCAMSE)
	}
	if _, err := CompareLinearWithPCA(context.Background(), NewLinear[float64](6, 3, 1), x, opt, nn.FitConfig[float64]{Epochs: 1}); err != nil {
		t.Errorf("a fresh linear autoencoder: %v", err)
	}
	deep, _ := New[float64](Config{Layers: []int{6, 4, 2}}, nn.NewRand(1))
	if _, err := CompareLinearWithPCA(context.Background(), deep, x, opt, nn.FitConfig[float64]{Epochs: 1}); err == nil {
		t.Errorf("a 6→4→2 autoencoder compared as a linear one")
	}
}

// TestReconstructionErrorsPerRow: each row's error is nn's loss of that row
// alone (MSE, or BCE with PyTorch's log clamp at −100), and the MSE over all
// elements is the mean of the per-row MSEs.
func TestReconstructionErrorsPerRow(t *testing.T) {
	x := nn.MatrixFrom(3, 4, []float64{0, 0.5, 1, 0.25, 1, 1, 0, 0, 0.1, 0.9, 0.3, 0.7})
	for _, loss := range []LossKind{MSELoss, BCELoss} {
		a, err := New[float64](Config{Layers: []int{4, 3, 2}, Hidden: Tanh, Output: Sigmoid, Loss: loss}, nn.NewRand(2))
		if err != nil {
			t.Fatal(err)
		}
		errs := a.ReconstructionErrors(x)
		var sum float64
		for i := range x.Rows {
			row := x.Slice(i, i+1)
			want := a.TrainingLoss().Evaluate(a.Reconstruct(row), nn.Target[float64]{Values: row}, nn.NewMatrix[float64](1, 4))
			if !(math.Abs(errs[i]-want) <= 1e-15) {
				t.Errorf("%v, row %d: %g, nn's loss %g", loss, i, errs[i], want)
			}
			sum += errs[i]
		}
		if loss == MSELoss && !(math.Abs(a.ReconstructionMSE(x)-sum/3) <= 1e-15) {
			t.Errorf("ReconstructionMSE %g, mean of rows %g", a.ReconstructionMSE(x), sum/3)
		}
	}
	// An output of exactly 0 where the input is 1 costs 100 (log clamped),
	// where it is 0 nothing: (100 + 0 + 100 + 0)/4 = 50.
	a, _ := New[float64](Config{Layers: []int{4, 2}, Output: Sigmoid, Loss: BCELoss}, nn.NewRand(2))
	out := a.Decoder.Layers[0].Params()
	clear(out[0].Value)
	for i := range out[1].Value {
		out[1].Value[i] = -1000 // sigmoid(−1000) is 0 in float64
	}
	if errs := a.ReconstructionErrors(nn.MatrixFrom(1, 4, []float64{1, 0, 1, 0})); errs[0] != 50 {
		t.Errorf("BCE of an output of 0 against 1, 0, 1, 0: %g, want 50", errs[0])
	}
}

// TestPCAReconstructionOfExactRank: data of rank 2 around its mean are
// reconstructed exactly by two components, and not by one.
func TestPCAReconstructionOfExactRank(t *testing.T) {
	x := nn.NewMatrix[float64](12, 4)
	for i := 0; i < 12; i++ {
		a, b := float64(i%5)-2, float64(i%3)-1
		copy(x.Row(i), []float64{1 + a, 2 + b, 3 + a + b, 4 - a})
	}
	rec, mse, err := PCAReconstruction(2, x.Slice(0, 8), x.Slice(8, 12), 1)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "rank-2 reconstruction", rec.Data, x.Slice(8, 12).Data, 1e-12)
	if mse > 1e-24 {
		t.Errorf("MSE %g of an exact reconstruction", mse)
	}
	if _, mse1, err := PCAReconstruction(1, x.Slice(0, 8), x.Slice(8, 12), 1); err != nil || mse1 < 1e-3 {
		t.Errorf("one component: MSE %g, %v", mse1, err)
	}
}
