package ae

import (
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TestAnomalyMetricsAtTheirEdges: quantiles at q = 0 and 1 and between
// order statistics (numpy.quantile), the threshold itself not flagged, and
// the precision–recall curve and average precision of a case with ties and
// a top-scored normal sample (sklearn.metrics.precision_recall_curve and
// average_precision_score: AP 0.5333…).
func TestAnomalyMetricsAtTheirEdges(t *testing.T) {
	v := []float64{4, 1, 3, 2}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {1, 4}, {0.5, 2.5}, {1.0 / 3, 2}} {
		numcheck.Scalar(t, "quantile", Quantile(v, c.q), c.want, 1e-15)
	}
	for _, q := range []float64{-0.01, 1.01, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Quantile(%v) did not panic", q)
				}
			}()
			Quantile(v, q)
		}()
	}
	if got := (Detector{Threshold: 2}).Predict([]float64{2, 2.0000001, 1}); got[0] || !got[1] || got[2] {
		t.Errorf("Predict at the threshold: %v", got)
	}
	scores := []float64{0.1, 0.4, 0.35, 0.8, 0.4, 0.9}
	labels := []bool{false, false, true, true, true, false}
	precision, recall, thresholds, ap := PrecisionRecall(scores, labels)
	numcheck.Close(t, "precision", precision, []float64{0, 0.5, 0.5, 0.6, 0.5}, 1e-15)
	numcheck.Close(t, "recall", recall, []float64{0, 1.0 / 3, 2.0 / 3, 1, 1}, 1e-15)
	numcheck.Close(t, "thresholds", thresholds, []float64{0.9, 0.8, 0.4, 0.35, 0.1}, 0)
	numcheck.Scalar(t, "average precision", ap, 0.5333333333333333, 1e-15)
}

// TestCodeAndOutputActivationsAreTheirOwn: with ReLU hidden layers, an
// identity code and a tanh output, codes may be negative and outputs lie in
// (−1, 1) — each layer has the activation its place calls for.
func TestCodeAndOutputActivationsAreTheirOwn(t *testing.T) {
	a, err := New[float64](Config{Layers: []int{4, 6, 3}, Hidden: ReLU, Code: Identity, Output: Tanh, Loss: MSELoss}, nn.NewRand(5))
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewMatrix[float64](50, 4)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(i)) * 3
	}
	codes, out := a.Encode(x), a.Reconstruct(x)
	neg := 0
	for _, v := range codes.Data {
		if v < 0 {
			neg++
		}
	}
	if neg == 0 {
		t.Error("no negative code among 150: the code layer is not the identity")
	}
	negative := 0
	for _, v := range out.Data {
		if !(v > -1 && v < 1) {
			t.Fatalf("output %v outside (−1, 1): the output layer is not tanh", v)
		}
		if v < 0 {
			negative++
		}
	}
	if negative == 0 {
		t.Error("no negative output among 200: the output layer is not tanh")
	}
	if s := a.String(); !strings.Contains(s, "4-6-3-6-4") {
		t.Errorf("String %q", s)
	}
}

// TestNoiseHasItsStrength: Gaussian noise of std 0.5 adds values of that
// spread; masking with p = 0.3 zeroes about 30 %; p = 0 and std = 0 change
// nothing; p = 1 and a negative std are refused.
func TestNoiseHasItsStrength(t *testing.T) {
	x := nn.NewMatrix[float64](100, 100)
	GaussianNoise[float64](0.5, 1)(x)
	var s float64
	for _, v := range x.Data {
		s += v * v
	}
	if std := math.Sqrt(s / 1e4); !(math.Abs(std-0.5) <= 0.02) { // standard error 0.0035
		t.Errorf("Gaussian noise std %g, want 0.5", std)
	}
	ones := func() *nn.Matrix[float64] {
		m := nn.NewMatrix[float64](100, 100)
		for i := range m.Data {
			m.Data[i] = 1
		}
		return m
	}
	m := ones()
	MaskingNoise[float64](0.3, 2)(m)
	zeros := 0
	for _, v := range m.Data {
		if v == 0 {
			zeros++
		}
	}
	if !(math.Abs(float64(zeros)/1e4-0.3) <= 0.02) {
		t.Errorf("masking 0.3 zeroed %d of 10000", zeros)
	}
	m = ones()
	MaskingNoise[float64](0, 3)(m)
	GaussianNoise[float64](0, 3)(m)
	for _, v := range m.Data {
		if v != 1 {
			t.Fatal("p = 0 and std = 0 changed the data")
		}
	}
	for name, fn := range map[string]func(){"p = 1": func() { MaskingNoise[float64](1, 1) }, "std −1": func() { GaussianNoise[float64](-1, 1) }} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s accepted", name)
				}
			}()
			fn()
		}()
	}
}

// TestParseSizesEdges: a trailing comma, a zero and one layer more than the
// file's tensors allow are refused; exactly as many as allowed is read.
func TestParseSizesEdges(t *testing.T) {
	if s, err := parseSizes("8,4,2", 2); err != nil || len(s) != 3 {
		t.Errorf("3 sizes for 2 tensors: %v, %v", s, err)
	}
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{{"8,4,2", 1, "more layers"}, {"8,4,", 5, "positive sizes"}, {"8,0", 5, "positive sizes"}, {"", 5, "positive sizes"}} {
		if _, err := parseSizes(c.s, c.n); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q with %d tensors: %v, want %q", c.s, c.n, err, c.want)
		}
	}
}

// TestMoreEdges: quantiles between unequal neighbours; recall without
// anomalies; the sequence autoencoder's output is the decoder's, put back
// in order; its sizes checked; the VAE's batched Encode and NegativeELBO
// equal their row-by-row values beyond one batch of 512; Interpolate's
// shortest path.
func TestMoreEdges(t *testing.T) {
	numcheck.Scalar(t, "median of 1, 2, 4, 8", Quantile([]float64{8, 1, 4, 2}, 0.5), 3, 1e-15) // numpy.quantile
	_, recall, _, _ := PrecisionRecall([]float64{0.3, 0.1}, []bool{false, false})
	numcheck.Close(t, "recall without anomalies", recall, []float64{0, 0}, 0)

	a, err := NewSequenceAE[float64](SequenceConfig{Cell: seq.LSTM, Features: 2, Hidden: 3, Code: 2}, nn.NewRand(6))
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewMatrix[float64](2, 4*2)
	for i := range x.Data {
		x.Data[i] = math.Cos(float64(i))
	}
	a.SetLengths([]int{4, 3})
	out := a.Forward(x, false).Clone()
	dec := a.Decoder.Forward(a.repeated.Clone(), false) // the decoder's own order
	for i, n := range []int{4, 3} {
		for s := 0; s < 4; s++ {
			for j := 0; j < 2; j++ {
				want := 0.0
				if s < n {
					want = dec.At(i, (n-1-s)*2+j)
				}
				if got := out.At(i, s*2+j); got != want {
					t.Fatalf("sequence %d, step %d, feature %d: %v, want the decoder's step %d, %v", i, s, j, got, n-1-s, want)
				}
			}
		}
	}
	if numcheck.MaxAbsDiff(out.Data, make([]float64, len(out.Data))) == 0 {
		t.Fatal("the reconstruction is all zero")
	}
	for name, cfg := range map[string]SequenceConfig{"features 0": {Features: 0, Hidden: 1, Code: 1}, "code 0": {Features: 1, Hidden: 1, Code: 0},
		"layers −1": {Features: 1, Hidden: 1, Code: 1, Layers: -1}} {
		if _, err := NewSequenceAE[float64](cfg, nn.NewRand(1)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}

	v, err := NewVAE[float64](VAEConfig{Layers: []int{3, 4, 2}, Hidden: Tanh, Output: Sigmoid, Loss: BCELoss}, nn.NewRand(7), 1)
	if err != nil {
		t.Fatal(err)
	}
	v.Noise = func(eps []float64) { clear(eps) } // z = μ: every row's loss is its own
	big := nn.NewMatrix[float64](600, 3)
	for i := range big.Data {
		big.Data[i] = 0.5 + 0.4*math.Sin(float64(i))
	}
	codes := v.Encode(big)
	var rec, kl float64
	for i := 0; i < 600; i += 97 {
		row := big.Slice(i, i+1)
		numcheck.Close(t, "Encode beyond 512 rows", codes.Row(i), v.Encode(row).Data, 1e-15)
	}
	for i := 0; i < 600; i++ {
		r, k := v.NegativeELBO(big.Slice(i, i+1), 1)
		rec, kl = rec+r/600, kl+k/600
	}
	gotRec, gotKL := v.NegativeELBO(big, 1)
	numcheck.Scalar(t, "NegativeELBO's reconstruction over 600 rows", gotRec, rec, 1e-12)
	numcheck.Scalar(t, "NegativeELBO's KL over 600 rows", gotKL, kl, 1e-12)
	if p := v.Interpolate([]float64{0, 0}, []float64{1, 1}, 2); p.Rows != 2 {
		t.Errorf("a path of 2 steps has %d rows", p.Rows)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a path of 1 step accepted")
			}
		}()
		v.Interpolate([]float64{0, 0}, []float64{1, 1}, 1)
	}()
}
