package seq

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/internal/gemm"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestMLSTMMatchesPyTorch: the outputs, the parameter gradients and the
// input gradient equal those of the same parallel form in PyTorch float64
// with autograd (testdata/make_mlstm_fixture.py: two heads, variable
// lengths, both branches of the normaliser's max taken).
func TestMLSTMMatchesPyTorch(t *testing.T) {
	fx, a := loadXLSTMFixture(t, "testdata/mlstm.json")
	l := NewMLSTM[float64](fx.Input, fx.Hidden, fx.Heads, nn.NewRand(1))
	for _, p := range l.Params() {
		copy(p.Value, a[p.Name])
	}
	l.SetLengths(fx.Lengths)
	x := nn.MatrixFrom(fx.Batch, fx.Steps*fx.Input, a["x"])
	y := l.Forward(x, true)
	numcheck.CloseRel(t, "outputs", y.Data, a["y"], 1e-12, 1e-3) // measured 1.0e-14
	nn.ZeroGrad(l.Params())
	dx := l.Backward(nn.MatrixFrom(fx.Batch, fx.Steps*fx.Hidden, a["w"]))
	for _, p := range l.Params() {
		numcheck.CloseRel(t, "∂/∂"+p.Name, p.Grad, a["grad_"+p.Name], 1e-10, 1e-3) // measured ≤ 1.1e-12
	}
	numcheck.CloseRel(t, "∂/∂x", dx.Data, a["grad_x"], 1e-10, 1e-3) // measured 1.5e-14
}

// TestMLSTMStepEqualsForward: the recurrent form, one Step at a time from
// NewState, gives the parallel form's outputs, in float64 and float32.
func TestMLSTMStepEqualsForward(t *testing.T) {
	const batch, steps, in, hidden, heads = 9, 7, 4, 6, 3 // 9: more than one goroutine
	rng := nn.NewRand(8)
	x := nn.NewMatrix[float64](batch, steps*in)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	l := NewMLSTM[float64](in, hidden, heads, nn.NewRand(9))
	l32 := NewMLSTM[float32](in, hidden, heads, nn.NewRand(9))
	y, y32 := l.Forward(x, false), l32.Forward(nn.Convert[float32](x), false)
	state, state32 := l.NewState(batch), l32.NewState(batch)
	xt := nn.NewMatrix[float64](batch, in)
	for step := 0; step < steps; step++ {
		want := nn.NewMatrix[float64](batch, hidden)
		for i := 0; i < batch; i++ {
			copy(xt.Row(i), x.Row(i)[step*in:(step+1)*in])
			copy(want.Row(i), y.Row(i)[step*hidden:(step+1)*hidden])
		}
		numcheck.CloseRel(t, "step", l.Step(xt, state).Data, want.Data, 1e-13, 1e-3) // measured ≤ 9.3e-16
		got32 := nn.Convert[float64](l32.Step(nn.Convert[float32](xt), state32))
		for i := 0; i < batch; i++ {
			numcheck.CloseRel(t, "float32 step", got32.Row(i), nn.Convert[float64](y32).Row(i)[step*hidden:(step+1)*hidden], 1e-5, 1e-3) // measured ≤ 2.4e-6 (the parallel form's matrices in float32)
		}
		numcheck.CloseRel(t, "float32 against float64", got32.Data, want.Data, 1e-5, 1e-3) // measured ≤ 7.1e-6
	}
	if !math.IsInf(float64(l.NewState(1).M[0]), -1) {
		t.Errorf("the stabiliser before the first step is %v, want −Inf", l.NewState(1).M[0])
	}
}

// TestMLSTMGradientFiniteDifferences checks the backward pass against
// central differences with variable lengths, several heads and a forget
// gate that makes the exp(−m) branch of the normaliser win at some steps.
func TestMLSTMGradientFiniteDifferences(t *testing.T) {
	l := NewMLSTM[float64](3, 6, 2, nn.NewRand(2))
	l.SetLengths([]int{5, 2, 4})
	rng := nn.NewRand(3)
	x := nn.NewMatrix[float64](3, 5*3)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	res := nn.GradientCheck(l, x, nn.GradCheckOptions{})
	t.Logf("mLSTM: worst relative gradient error %.2g at %s", res.MaxRelError, res.Where)
	if !(res.MaxRelError < 1e-5) { // measured 1.5e-7
		t.Errorf("mLSTM gradient: %+v", res)
	}
}

// trainPass holds what one training step computes: the output, the input
// gradient and the parameter gradients.
type trainPass struct {
	y, dx []float64
	grads [][]float64
}

// equal fails t unless p and want are the same to the bit.
func (p trainPass) equal(t *testing.T, what string, want trainPass) {
	t.Helper()
	numcheck.Close(t, what+": outputs", p.y, want.y, 0)
	numcheck.Close(t, what+": input gradient", p.dx, want.dx, 0)
	if len(p.grads) != len(want.grads) {
		t.Fatalf("%s: %d parameters, want %d", what, len(p.grads), len(want.grads))
	}
	for k := range p.grads {
		numcheck.Close(t, what+": parameter gradient", p.grads[k], want.grads[k], 0)
	}
}

// TestMLSTMForgetBiasesAndSizes: the forget gates' biases are spaced from 3
// to 6 over the heads (3 alone for one head), the last heads entries of the
// bias; a size of 0 or a hidden size the heads do not divide panics with
// the sizes.
func TestMLSTMForgetBiasesAndSizes(t *testing.T) {
	for heads, want := range map[int][]float64{1: {3}, 2: {3, 6}, 4: {3, 4, 5, 6}} {
		l := NewMLSTM[float64](2, 4*heads, heads, nn.NewRand(1))
		bias := l.Params()[1].Value
		if got := bias[len(bias)-heads:]; !slices.Equal(got, want) {
			t.Errorf("%d heads: forget biases %v, want %v", heads, got, want)
		}
	}
	for _, c := range [][3]int{{0, 4, 2}, {3, 0, 1}, {3, 4, 0}, {3, 6, 4}} {
		func() {
			defer func() {
				if r := recover(); !strings.Contains(fmt.Sprint(r), fmt.Sprintf("input %d, hidden %d and %d heads", c[0], c[1], c[2])) {
					t.Errorf("NewMLSTM(%d, %d, %d): panic %v, want one naming the sizes", c[0], c[1], c[2], r)
				}
			}()
			NewMLSTM[float64](c[0], c[1], c[2], nn.NewRand(1))
		}()
	}
}

// TestMLSTMWorkspacesFollowTheSteps: an mLSTM that has run sequences of 3
// steps, then 5, then 3 again (in batches large enough to split between
// goroutines) gives each time the numbers of a fresh layer.
func TestMLSTMWorkspacesFollowTheSteps(t *testing.T) {
	const b, in = 9, 2
	run := func(l *MLSTM[float64], steps int) trainPass {
		x := nn.NewMatrix[float64](b, steps*in)
		for i := range x.Data {
			x.Data[i] = math.Cos(float64(5*i + steps))
		}
		return trainPassOf(l, x, 0)
	}
	reused := NewMLSTM[float64](in, 4, 2, nn.NewRand(3))
	for _, steps := range []int{3, 5, 3} {
		got := run(reused, steps)
		got.equal(t, fmt.Sprintf("%d steps", steps), run(NewMLSTM[float64](in, 4, 2, nn.NewRand(3)), steps))
	}
}

// TestLogSigmoidWithoutOverflow: log σ(x) on both branches and far out,
// where the naive log(1/(1+e^−x)) overflows or loses every digit.
func TestLogSigmoidWithoutOverflow(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{-800, -800},
		{-1, -1.3132616875182228}, // −log(1 + e), the softplus of 1
		{0, -math.Ln2},
		{1, -0.31326168751822286},    // −log(1 + 1/e) = 1 − softplus(1)
		{40, -4.248354255291589e-18}, // −e^−40 to the last digit
		{800, 0},
	} {
		if got := logSigmoid(c.x); !numcheck.Within(math.Abs(got-c.want), 1e-15*math.Abs(c.want)) {
			t.Errorf("logSigmoid(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}

// TestClassifierString prints the recurrent layer, the norm when there is
// one, and the head, as PyTorch prints a module of named children.
func TestClassifierString(t *testing.T) {
	c := NewClassifier[float64](GRU, Config{InputSize: 3, HiddenSize: 4}, 2, nn.NewRand(1))
	if got, want := c.String(), "Classifier(GRU(3, 4, num_layers=1, bias=true, batch_first=True, dropout=0, bidirectional=false), fc=Dense(in_features=4, out_features=2, bias=true))"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var err error
	if c.Norm, err = newNorm[float64]("layernorm", 4); err != nil {
		t.Fatal(err)
	}
	if got := c.String(); !strings.Contains(got, ", norm=LayerNorm(") || !strings.HasSuffix(got, ", fc=Dense(in_features=4, out_features=2, bias=true))") {
		t.Errorf("with a norm: %s", got)
	}
}

// TestXLSTMLayersPanicWithTheShapes: an input whose columns are not whole
// steps, a gradient of another shape than the outputs, and a step input of
// another batch or width panic with the shapes given and wanted.
func TestXLSTMLayersPanicWithTheShapes(t *testing.T) {
	const b, in, hidden, steps = 3, 2, 4, 3
	x := nn.NewMatrix[float64](b, steps*in)
	m := NewMLSTM[float64](in, hidden, 2, nn.NewRand(1))
	mustPanicWith(t, "mLSTM input", "seq: mLSTM input of 5 columns is not steps of 2", func() { m.Forward(nn.NewMatrix[float64](b, 5), true) })
	m.Forward(x, true)
	mustPanicWith(t, "mLSTM gradient", "seq: mLSTM.Backward: gradient is 3×11, want 3×12", func() { m.Backward(nn.NewMatrix[float64](b, steps*hidden-1)) })
	mustPanicWith(t, "mLSTM step", "seq: mLSTM.Step: input is 2×2, want 3×2 for the state's batch", func() { m.Step(nn.NewMatrix[float64](2, in), m.NewState(b)) })
	s := NewSLSTM[float64](in, hidden, 2, nn.NewRand(1))
	mustPanicWith(t, "sLSTM input", "seq: sLSTM input of 5 columns is not steps of 2", func() { s.Forward(nn.NewMatrix[float64](b, 5), true) })
	s.Forward(x, true)
	mustPanicWith(t, "sLSTM gradient", "seq: sLSTM.Backward: gradient is 2×12, want 3×12", func() { s.Backward(nn.NewMatrix[float64](2, steps*hidden)) })
}

// TestMLSTMStateAfterOneStep: NewState holds, per sequence and head, a d×d
// memory, a normaliser of d and a stabiliser at −Inf; after one step from
// it the stabiliser is the input gate's pre-activation ĩ, so the input gate
// is e^(ĩ−m) = 1 and the forget gate e^(−Inf) = 0, which leaves n = k/√d
// and C = v kᵀ/√d — computed here from the projection written out by hand.
func TestMLSTMStateAfterOneStep(t *testing.T) {
	const b, in, H, K = 3, 2, 4, 2
	const d = H / K
	l := NewMLSTM[float64](in, H, K, nn.NewRand(5))
	st := l.NewState(b)
	if len(st.C) != b*K*d*d || len(st.N) != b*K*d || len(st.M) != b*K {
		t.Fatalf("state of %d, %d, %d values, want %d, %d, %d", len(st.C), len(st.N), len(st.M), b*K*d*d, b*K*d, b*K)
	}
	for _, m := range st.M {
		if !math.IsInf(m, -1) {
			t.Fatalf("stabiliser %v before the first step, want −Inf", m)
		}
	}
	x := nn.NewMatrix[float64](b, in)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(3*i + 1))
	}
	l.Step(x, st)
	scale := 1 / math.Sqrt(d)
	wantC, wantN, wantM := make([]float64, len(st.C)), make([]float64, len(st.N)), make([]float64, len(st.M))
	p := make([]float64, len(l.bias.Value)) // W_ih x + b, written out
	for i := range b {
		for j := range p {
			p[j] = l.bias.Value[j]
			for c := range in {
				p[j] += l.wih.Value[j*in+c] * x.At(i, c)
			}
		}
		for k := range K {
			hk := i*K + k
			wantM[hk] = p[4*H+k]
			for c := range d {
				key := p[H+k*d+c] * scale
				wantN[hk*d+c] = key
				for a := range d {
					wantC[hk*d*d+a*d+c] = p[2*H+k*d+a] * key
				}
			}
		}
	}
	numcheck.CloseRel(t, "m", st.M, wantM, 1e-15, 1)
	numcheck.CloseRel(t, "n", st.N, wantN, 1e-15, 1)
	numcheck.CloseRel(t, "C", st.C, wantC, 1e-15, 1)
}

// TestRecurrentPanicsWithTheShapes: an initial h0 or (for an LSTM) c0 of
// another shape than (layers·directions·batch, H), and a gradient of
// another shape than the outputs (a bidirectional layer's: batch ×
// steps·2·H; an xLSTM stack's), panic with the shapes given and wanted.
func TestRecurrentPanicsWithTheShapes(t *testing.T) {
	const b, in, H, steps = 2, 2, 3, 2
	r := NewRecurrent[float64](LSTM, Config{InputSize: in, HiddenSize: H}, nn.NewRand(1))
	x := nn.NewMatrix[float64](b, steps*in)
	const states = " (layers·directions·batch × state size)"
	mustPanicWith(t, "h0", "seq: LSTM: h0 is 2×2, want 2×3"+states, func() {
		r.SetInitialState(nn.NewMatrix[float64](b, H-1), nn.NewMatrix[float64](b, H))
		r.Forward(x, true)
	})
	mustPanicWith(t, "c0", "seq: LSTM: c0 is 1×3, want 2×3"+states, func() {
		r.SetInitialState(nn.NewMatrix[float64](b, H), nn.NewMatrix[float64](1, H))
		r.Forward(x, true)
	})
	bi := NewRecurrent[float64](LSTM, Config{InputSize: in, HiddenSize: H, Bidirectional: true}, nn.NewRand(1))
	bi.Forward(x, true)
	mustPanicWith(t, "gradient", "seq: LSTM.Backward: gradient is 2×11, want 2×12", func() { bi.Backward(nn.NewMatrix[float64](b, 2*steps*H-1)) })
	stack := NewRecurrent[float64](SLSTMCell, Config{InputSize: in, HiddenSize: 4, Heads: 2}, nn.NewRand(1))
	stack.Forward(x, true)
	mustPanicWith(t, "xLSTM gradient", "seq: "+SLSTMCell.String()+".Backward: gradient is 2×7, want 2×8", func() { stack.Backward(nn.NewMatrix[float64](b, steps*4-1)) })
}

// TestSLSTMInitialisationAndSizes: the sLSTM's weights and biases are
// uniform in ±1/√hidden as PyTorch initialises its recurrent layers (all
// within it, the largest of its 256 values near it); a size of 0 or a
// hidden size the heads do not divide panics with the sizes.
func TestSLSTMInitialisationAndSizes(t *testing.T) {
	const in, hidden, heads = 3, 8, 2
	bound := 1 / math.Sqrt(hidden)
	var largest float64
	for _, p := range NewSLSTM[float64](in, hidden, heads, nn.NewRand(4)).Params() {
		for _, v := range p.Value {
			if !(math.Abs(v) <= bound) {
				t.Fatalf("%s holds %v, outside ±%v", p.Name, v, bound)
			}
			largest = max(largest, math.Abs(v))
		}
	}
	if !(largest > 0.95*bound) {
		t.Errorf("largest |weight| %v, want near the bound %v", largest, bound)
	}
	for _, c := range [][3]int{{0, 4, 2}, {3, 0, 1}, {3, 4, 0}, {3, 6, 4}} {
		want := fmt.Sprintf("seq: sLSTM with input %d, hidden %d and %d heads: sizes must be positive and the hidden size divisible by the heads", c[0], c[1], c[2])
		mustPanicWith(t, fmt.Sprint(c), want, func() { NewSLSTM[float64](c[0], c[1], c[2], nn.NewRand(1)) })
	}
}

// TestSLSTMPaddedStepsAfterFullBatches: an sLSTM that has run full-length
// sequences gives, on a batch with shorter ones, the numbers of a fresh
// layer: the backward pass does not read the padded steps, whose gate
// workspace still holds the earlier batch's values.
func TestSLSTMPaddedStepsAfterFullBatches(t *testing.T) {
	x := nn.NewMatrix[float64](2, 4*3)
	nn.Normal(nn.NewRand(3), x.Data, 1)
	used, fresh := NewSLSTM[float64](3, 6, 3, nn.NewRand(2)), NewSLSTM[float64](3, 6, 3, nn.NewRand(2))
	trainPassOf(used, x, 0)
	used.SetLengths([]int{4, 2})
	fresh.SetLengths([]int{4, 2})
	trainPassOf(used, x, 1).equal(t, "after a full batch", trainPassOf(fresh, x, 1))
}

// TestSLSTMZeroStateAfterAnInitialOne: an sLSTM that has run a batch from
// an initial state gives, on its next batch from the zero state, the
// numbers of a fresh layer — with more sequences than steps, so that the
// first step's previous-state rows of the backward pass are not only the
// first sequence's.
func TestSLSTMZeroStateAfterAnInitialOne(t *testing.T) {
	x := nn.NewMatrix[float64](5, 2*3)
	nn.Normal(nn.NewRand(4), x.Data, 1)
	used, fresh := NewSLSTM[float64](3, 4, 2, nn.NewRand(2)), NewSLSTM[float64](3, 4, 2, nn.NewRand(2))
	used.Forward(x, false)
	used.SetInitialState(used.FinalState())
	trainPassOf(used, x, 0)
	trainPassOf(used, x, 1).equal(t, "from zero after an initial state", trainPassOf(fresh, x, 1))
}

// TestSLSTMStabiliserIsTheMaximum: the sLSTM's stabiliser is
// m_t = max(log σ(f̃_t) + m_{t−1}, ĩ_t), so that neither exponential gate
// exceeds 1 (the outputs alone do not show it: m cancels in c/n).
func TestSLSTMStabiliserIsTheMaximum(t *testing.T) {
	const b, steps, in, H = 3, 5, 2, 4
	x := nn.NewMatrix[float64](b, steps*in)
	nn.Normal(nn.NewRand(7), x.Data, 2)
	const heads, d = 2, H / 2
	s := NewSLSTM[float64](in, H, heads, nn.NewRand(3))
	s.Forward(x, false)
	for i := range b {
		raw, m := s.raw.Row(i), s.m.Row(i)
		for step := 1; step < steps; step++ {
			for j := range H {
				at := 4*step*H + 4*(j/d)*d + j%d // the head-major gate columns
				iT, fT := raw[at], raw[at+d]
				if want := max(logSigmoid(fT)+m[(step-1)*H+j], iT); m[step*H+j] != want {
					t.Fatalf("sequence %d, step %d, unit %d: m = %v, want %v", i, step, j, m[step*H+j], want)
				}
			}
		}
	}
}

// TestHeadGemmLoopsEqualTheKernels: the loops that stand in for the
// assembly GEMM on other machines compute the same products, for every
// transpose, leading dimensions wider than the matrices, and with and
// without adding to c.
func TestHeadGemmLoopsEqualTheKernels(t *testing.T) {
	if !gemm.Available() {
		t.Skip("no assembly kernels on this machine: headGemm is the loops")
	}
	rng := nn.NewRand(5)
	const m, n, k, ld = 7, 5, 9, 11
	a, b := make([]float64, 11*ld), make([]float64, 11*ld)
	for i := range a {
		a[i], b[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	for _, beta := range []float64{0, 0.5} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				want, got := make([]float64, m*ld), make([]float64, m*ld)
				for i := range want {
					want[i] = math.Sin(float64(i))
					got[i] = want[i]
				}
				headGemm(ta, tb, m, n, k, a, ld, b, ld, beta, want, ld)
				headGemmLoops(ta, tb, m, n, k, a, ld, b, ld, beta, got, ld)
				if d := numcheck.MaxRelDiff(got, want, 1); !(d < 1e-14) {
					t.Errorf("beta %v, transA %v, transB %v: loops %.3g off the kernels", beta, ta, tb, d)
				}
			}
		}
	}
}

// TestMLSTMFloat32TrainingPassFollowsFloat64: a float32 layer, whose head
// matrices are float32, gives the outputs and gradients of the float64
// layer with the same weights to float32's precision.
func TestMLSTMFloat32TrainingPassFollowsFloat64(t *testing.T) {
	const b, in, steps, hidden, heads = 5, 3, 9, 8, 2
	l := NewMLSTM[float64](in, hidden, heads, nn.NewRand(9))
	l32 := NewMLSTM[float32](in, hidden, heads, nn.NewRand(9))
	for k, p := range l.Params() {
		copy(p.Value, nn.Convert[float64](nn.MatrixFrom(1, len(l32.Params()[k].Value), l32.Params()[k].Value)).Data)
	}
	x := nn.NewMatrix[float64](b, steps*in)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(7*i + 2))
	}
	y := l.Forward(x, true)
	dy := sineGrad(y, 1)
	dx := l.Backward(dy)
	y32 := l32.Forward(nn.Convert[float32](x), true)
	dx32 := l32.Backward(nn.Convert[float32](dy))
	// Measured 6.2e-6, 9.6e-6, 3.1e-5 and 1.9e-5; with the head in float64
	// (before 2026-12-06) 7.0e-6, 7.9e-6, 3.0e-5 and 3.8e-5: the float32
	// projections and sums over the batch set the precision.
	numcheck.CloseRel(t, "outputs", nn.Convert[float64](y32).Data, y.Data, 1e-4, 1e-3)
	numcheck.CloseRel(t, "input gradient", nn.Convert[float64](dx32).Data, dx.Data, 1e-4, 1e-3)
	for k, p := range l.Params() {
		g32 := nn.Convert[float64](nn.MatrixFrom(1, len(p.Grad), l32.Params()[k].Grad)).Data
		numcheck.CloseRel(t, p.Name+" gradient", g32, p.Grad, 1e-4, 1e-3)
	}
}
