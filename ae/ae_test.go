package ae

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

func TestAutoencoderGradients(t *testing.T) {
	x := nn.NewMatrix[float64](4, 6)
	nn.Uniform(nn.NewRand(1), x.Data, 1)
	for name, cfg := range map[string]Config{
		"plain":      {Layers: []int{6, 4, 2}, Hidden: Tanh, Output: Sigmoid, Loss: BCELoss},
		"tied":       {Layers: []int{6, 4, 2}, Hidden: Tanh, Output: Identity, TiedWeights: true},
		"leaky code": {Layers: []int{6, 3}, Hidden: LeakyReLU, Code: LeakyReLU, Output: Tanh},
	} {
		a, err := New[float64](cfg, nn.NewRand(2))
		if err != nil {
			t.Fatal(err)
		}
		a.Forward(x, true)
		if dx := a.Backward(nn.NewMatrix[float64](x.Rows, x.Cols)); dx != nil {
			t.Errorf("%s: the input gradient is computed by default", name)
		}
		a.InputGradient(true)
		if res := nn.GradientCheck(a, x, nn.GradCheckOptions{}); !numcheck.Within(res.MaxRelError, 1e-6) {
			t.Errorf("%s: gradient differs by %.3g at %s", name, res.MaxRelError, res.Where)
		}
	}
}

// TestSparsityPenaltyGradient checks the L1 penalty's gradient: the
// objective is Σ w⊙x̃ + λ·Σ|h|/batch.
func TestSparsityPenaltyGradient(t *testing.T) {
	a, err := New[float64](Config{Layers: []int{5, 3}, Hidden: Tanh, Code: Tanh, Output: Identity, Sparsity: 0.7}, nn.NewRand(3))
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewMatrix[float64](3, 5)
	nn.Uniform(nn.NewRand(4), x.Data, 1)
	w := nn.NewMatrix[float64](3, 5)
	nn.Uniform(nn.NewRand(5), w.Data, 1)
	objective := func() float64 {
		y := a.Forward(x, true)
		s := a.Penalty()
		for i, v := range y.Data {
			s += w.Data[i] * v
		}
		return s
	}
	nn.ZeroGrad(a.Params())
	objective()
	a.Backward(w)
	const eps = 1e-6
	var worst numcheck.Worst
	for _, p := range a.Params() {
		analytic := append([]float64(nil), p.Grad...)
		for i := range p.Value {
			old := p.Value[i]
			p.Value[i] = old + eps
			plus := objective()
			p.Value[i] = old - eps
			minus := objective()
			p.Value[i] = old
			num := (plus - minus) / (2 * eps)
			worst.Add(math.Abs(num-analytic[i]) / max(math.Abs(num)+math.Abs(analytic[i]), 1e-3))
		}
	}
	if !numcheck.Within(float64(worst), 1e-6) {
		t.Errorf("sparse autoencoder gradient differs by %.3g", worst)
	}
	if !(a.Penalty() > 0) {
		t.Error("penalty not computed")
	}
}

func TestBadConfigurationsAreRefused(t *testing.T) {
	cases := map[string]Config{
		"bce with tanh":  {Layers: []int{4, 2}, Output: Tanh, Loss: BCELoss},
		"one layer size": {Layers: []int{4}},
		"zero size":      {Layers: []int{4, 0}},
		"negative l1":    {Layers: []int{4, 2}, Sparsity: -1},
	}
	for name, cfg := range cases {
		if _, err := New[float32](cfg, nn.NewRand(1)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err := New[float32](Config{Layers: []int{4, 2}, Output: ReLU, Loss: BCELoss}, nn.NewRand(1))
	if err == nil || !strings.Contains(err.Error(), "sigmoid") {
		t.Errorf("error %v should point to the sigmoid output", err)
	}
}

// recorder is an identity layer that remembers its inputs.
type recorder struct {
	seen [][]float64
	nn.Activation[float64]
}

func (r *recorder) Forward(x *nn.Matrix[float64], train bool) *nn.Matrix[float64] {
	r.seen = append(r.seen, append([]float64(nil), x.Data...))
	return r.Activation.Forward(x, train)
}

// targetCheck is MSE that fails the test if a target differs from clean data.
type targetCheck struct {
	t     *testing.T
	clean map[float64]bool
}

func (c targetCheck) Evaluate(pred *nn.Matrix[float64], target nn.Target[float64], grad *nn.Matrix[float64]) float64 {
	for _, v := range target.Values.Data {
		if !c.clean[v] {
			c.t.Fatalf("target value %g is not from the clean data", v)
		}
	}
	return nn.MSE[float64]{}.Evaluate(pred, target, grad)
}

func TestDenoisingCorruptsInputsOnlyAndAfresh(t *testing.T) {
	x := nn.NewMatrix[float64](8, 3)
	clean := map[float64]bool{}
	for i := range x.Data {
		x.Data[i] = float64(i + 1)
		clean[x.Data[i]] = true
	}
	orig := append([]float64(nil), x.Data...)
	for name, corrupt := range map[string]func(*nn.Matrix[float64]){
		"gaussian": GaussianNoise[float64](0.5, 1),
		"masking":  MaskingNoise[float64](0.5, 1),
	} {
		rec := &recorder{Activation: *nn.Identity[float64]()}
		lin := nn.NewSequential[float64](rec, nn.NewDense[float64](3, 3, nn.NewRand(1)))
		opt := nn.NewSGD(lin.Params(), nn.SGDConfig{LR: 1e-3})
		_, err := nn.Fit(context.Background(), lin, targetCheck{t, clean}, opt, nn.Dataset[float64]{X: x, Y: x},
			nn.FitConfig[float64]{Epochs: 2, BatchSize: 8, NoShuffle: true, Corrupt: corrupt})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.seen) != 2 {
			t.Fatalf("%s: %d batches seen", name, len(rec.seen))
		}
		changed, differ := 0, 0
		for i := range orig {
			if rec.seen[0][i] != orig[i] {
				changed++
			}
			if rec.seen[0][i] != rec.seen[1][i] {
				differ++
			}
		}
		if changed < len(orig)/4 || differ < len(orig)/4 {
			t.Errorf("%s: noise changed %d inputs, %d differ between batches", name, changed, differ)
		}
		for i, v := range x.Data {
			if v != orig[i] {
				t.Fatalf("%s: the dataset itself was corrupted", name)
			}
		}
	}
}

func TestQuantileAndROC(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3}
	if q := Quantile(v, 0.5); q != 3 {
		t.Errorf("median %g", q)
	}
	if q := Quantile(v, 0.9); !(math.Abs(q-4.6) <= 1e-12) { // numpy.quantile([1..5], 0.9) = 4.6
		t.Errorf("0.9-quantile %g, want 4.6", q)
	}
	scores := []float64{0.1, 0.4, 0.35, 0.8}
	labels := []bool{false, false, true, true}
	if auc := ROCAUC(scores, labels); !(math.Abs(auc-0.75) <= 1e-12) { // sklearn roc_auc_score gives 0.75
		t.Errorf("AUC %g, want 0.75", auc)
	}
	if auc := ROCAUC([]float64{1, 1, 1, 1}, labels); auc != 0.5 {
		t.Errorf("AUC of ties %g, want 0.5", auc)
	}
	_, _, _, ap := PrecisionRecall(scores, labels)
	if !(math.Abs(ap-(0.5*1+0.5*2.0/3)) <= 1e-12) { // sklearn average_precision_score gives 0.8333
		t.Errorf("average precision %g, want 0.8333", ap)
	}
	// sklearn.metrics.roc_curve(y, s, drop_intermediate=False) on a tie.
	fpr, tpr, th := ROCCurve([]float64{0.1, 0.4, 0.35, 0.8, 0.4}, []bool{false, false, true, true, true})
	numcheck.Close(t, "ROC false positive rates", fpr, []float64{0, 0, 0.5, 0.5, 1}, 0)
	numcheck.Close(t, "ROC true positive rates", tpr, []float64{0, 1.0 / 3, 2.0 / 3, 1, 1}, 1e-15)
	numcheck.Close(t, "ROC thresholds", th[1:], []float64{0.8, 0.4, 0.35, 0.1}, 0)
	d := Detector{Threshold: 0.5}
	if got := d.Predict([]float64{0.4, 0.6}); got[0] || !got[1] {
		t.Errorf("Predict %v", got)
	}
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

func TestParseActivationTakesKerasLinear(t *testing.T) {
	if a, err := ParseActivation("linear"); err != nil || a != Identity {
		t.Errorf("linear: %v, %v", a, err)
	}
}
