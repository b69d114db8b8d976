package ae

import (
	"context"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestOneComponentIsTheGaussian: on few codes the mixture has one
// component, whose negative log-density is the Gaussian's of the codes'
// mean and (1/n) covariance plus the ridge, ½ dᵀΣ⁻¹d + ½ log det Σ + log 2π
// (gonum's Cholesky).
func TestOneComponentIsTheGaussian(t *testing.T) {
	rng := nn.NewRand(4)
	var codes []float64
	for i := 0; i < 30; i++ {
		u, v := rng.NormFloat64(), rng.NormFloat64()
		codes = append(codes, 1+u, 2*u+0.5*v)
	}
	g, err := FitLatentDensity(codes, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Weights) != 1 || LatentComponents(30, 2) != 1 || LatentComponents(100000, 16) != MaxLatentComponents {
		t.Fatalf("%d components", len(g.Weights))
	}
	x := mat.NewDense(30, 2, codes)
	mean := []float64{mat.Sum(x.ColView(0)) / 30, mat.Sum(x.ColView(1)) / 30}
	cov := mat.NewSymDense(2, nil)
	variance := 0.0
	for i := 0; i < 30; i++ {
		d := []float64{codes[2*i] - mean[0], codes[2*i+1] - mean[1]}
		cov.SymRankOne(cov, 1.0/30, mat.NewVecDense(2, d))
		variance += (d[0]*d[0] + d[1]*d[1]) / 60
	}
	for j := 0; j < 2; j++ {
		cov.SetSym(j, j, cov.At(j, j)+1e-4*variance+1e-12)
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		t.Fatal("covariance not positive definite")
	}
	points := []float64{0, 0, 3, -1, 1, 2}
	got := g.Distances(points)
	for r := range got {
		d := mat.NewVecDense(2, []float64{points[2*r] - mean[0], points[2*r+1] - mean[1]})
		var sol mat.VecDense
		if err := chol.SolveVecTo(&sol, d); err != nil {
			t.Fatal(err)
		}
		want := 0.5*mat.Dot(d, &sol) + 0.5*chol.LogDet() + math.Log(2*math.Pi)
		numcheck.Scalar(t, "negative log-density", got[r], want, 1e-10)
	}
}

// TestMixtureScoresTheGapBetweenClusters: codes in two clusters; a point
// between them, near the codes' mean, scores higher than points in the
// clusters (a single Gaussian would score it lowest).
func TestMixtureScoresTheGapBetweenClusters(t *testing.T) {
	rng := nn.NewRand(5)
	var codes []float64
	for i := 0; i < 2000; i++ {
		c := float64(2*(i%2) - 1)
		codes = append(codes, 4*c+0.3*rng.NormFloat64(), 0.3*rng.NormFloat64())
	}
	g, err := FitLatentDensity(codes, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := g.Distances([]float64{0, 0, 4, 0, -4, 0.1})
	if !(s[0] > s[1]+5 && s[0] > s[2]+5) {
		t.Errorf("scores: between the clusters %.3g, in them %.3g and %.3g", s[0], s[1], s[2])
	}
}

// TestLatentScoreFindsWhatReconstructionMisses: normal rows lie near a
// plane in 8 dimensions, with noise; the anomalies lie exactly on the plane,
// far out along it — simpler than normal data, so the (linear) autoencoder
// reconstructs them better than normal rows (a reconstruction AUC below
// 0.5), while their codes lie far from the normal codes (a latent AUC near
// 1). The detector's file keeps its kind of score and its mixture.
func TestLatentScoreFindsWhatReconstructionMisses(t *testing.T) {
	rng := nn.NewRand(6)
	a := make([]float64, 16) // the plane's basis: x = A z
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	var x []float64
	labels := make([]int, 800)
	for i := range labels {
		z := []float64{rng.NormFloat64(), rng.NormFloat64()}
		noise := 0.3
		if i%8 == 7 {
			labels[i], noise = 1, 0
			angle := 2 * math.Pi * rng.Float64()
			z = []float64{4 * math.Cos(angle), 4 * math.Sin(angle)}
		}
		for j := 0; j < 8; j++ {
			x = append(x, a[2*j]*z[0]+a[2*j+1]*z[1]+noise*rng.NormFloat64())
		}
	}
	set, err := NewAnomalySet(Rows{X: x, N: 800}, labels, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	model, err := New[float64](Config{Layers: []int{8, 16, 2}, Hidden: Identity, Code: Identity, Output: Identity, Loss: MSELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	run, err := Detect(context.Background(), model, set, DetectorConfig{Quantile: 0.99, Epochs: 60, BatchSize: 32, LR: 1e-2, Seed: 1, Scaling: dataset.Standard, Score: LatentScore})
	if err != nil {
		t.Fatal(err)
	}
	by := run.Metrics.ROCAUCByScore
	t.Logf("ROC AUC by score %v", by)
	// The combined score keeps the latent score's find: the larger of the
	// two standardised scores (measured 0.994; their sum gave 0.513, the
	// low errors cancelling the far codes).
	if !(by["reconstruction"] < 0.5) || !(by["latent"] > 0.95) || !(by["combined"] > 0.95) || run.Metrics.ROCAUC != by["latent"] || run.Metrics.Score != "latent" {
		t.Errorf("ROC AUC by score %v, the detector's %v (%s)", by, run.Metrics.ROCAUC, run.Metrics.Score)
	}
	loaded, tensors, meta := reloaded(t, run.Detector)
	again, err := loaded.Scores(set.Rows)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Score != LatentScore || loaded.Threshold != run.Detector.Threshold {
		t.Errorf("loaded score %v, threshold %g", loaded.Score, loaded.Threshold)
	}
	numcheck.Close(t, "scores of the loaded detector", again, run.Scores, 1e-12)
	// Combined: the larger standardised score, from the calibration rows.
	loaded.Score = CombinedScore
	combined, err := loaded.Scores(set.Rows)
	if err != nil {
		t.Fatal(err)
	}
	s := run.Detector.Standardization
	i := set.Test[0]
	want := max((math.Log(run.ByKind[ReconstructionScore][i])-s[0])/s[1], (run.ByKind[LatentScore][i]-s[2])/s[3])
	numcheck.Scalar(t, "combined score", combined[i], want, 1e-9)
	// Older files keep the rule their threshold was calibrated with: the
	// larger of the two standardised logarithms ("max"), or, before the
	// maximum (no physml.score_combination), their sum; an unknown
	// combination is refused.
	meta[nn.KeyCombination] = "max"
	maxLog, err := DecodeDetector[float64](tensors, meta)
	if err != nil {
		t.Fatal(err)
	}
	maxLog.Score = CombinedScore
	if got, err := maxLog.Scores(set.Rows); err != nil {
		t.Fatal(err)
	} else {
		wantMaxLog := max((math.Log(run.ByKind[ReconstructionScore][i])-s[0])/s[1], (math.Log(run.ByKind[LatentScore][i])-s[2])/s[3])
		numcheck.Scalar(t, "a max file's combined score", got[i], wantMaxLog, 1e-9)
	}
	delete(meta, nn.KeyCombination)
	old, err := DecodeDetector[float64](tensors, meta)
	if err != nil {
		t.Fatal(err)
	}
	old.Score = CombinedScore
	summed, err := old.Scores(set.Rows)
	if err != nil {
		t.Fatal(err)
	}
	wantSum := (math.Log(run.ByKind[ReconstructionScore][i])-s[0])/s[1] + (math.Log(run.ByKind[LatentScore][i])-s[2])/s[3]
	numcheck.Scalar(t, "an older file's combined score", summed[i], wantSum, 1e-9)
	meta[nn.KeyCombination] = "product"
	if _, err := DecodeDetector[float64](tensors, meta); err == nil || !strings.Contains(err.Error(), nn.KeyCombination) {
		t.Errorf("combination %q: %v", "product", err)
	}
}

// TestCombinedScoreTakesNegativeLatentDistances: codes in a small volume
// have a density above 1, so their latent distances (negative
// log-densities) are negative; the combined score standardises them as
// they are. Under the logarithm of files written before it they were all
// floored to one value and a code far off scored 10¹⁴ deviations.
func TestCombinedScoreTakesNegativeLatentDistances(t *testing.T) {
	d := &AnomalyDetector[float64]{Quantile: 0.5}
	reconstruction, latent := []float64{1, math.E, math.E * math.E}, []float64{-30, -29, -28}
	d.Calibrate([][]float64{reconstruction, latent, nil, nil})
	got := d.combine([]float64{math.E, math.E}, []float64{-29, -10})
	// Means 1 and −29, deviations 1: the second row's code lies 19
	// deviations off, its error at the mean.
	numcheck.Close(t, "combined scores", got, []float64{0, 19}, 1e-12)
	d.Combination = MaxLogCombination
	d.Calibrate([][]float64{reconstruction, latent, nil, nil})
	if old := d.combine([]float64{math.E}, []float64{-10}); old[0] != 0 {
		t.Errorf("the logarithm's combination of a negative distance: %v (it cannot see it)", old)
	}
}
