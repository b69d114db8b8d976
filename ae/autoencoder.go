package ae

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/nn"
)

// Float is the element type: float32 or float64.
type Float = nn.Float

// Activation names a non-linearity.
type Activation int

// The activations of the hidden and output layers.
const (
	Identity Activation = iota
	ReLU
	LeakyReLU // slope 0.01, PyTorch's default
	Sigmoid
	Tanh
)

// String returns the flag spelling: identity, relu, leakyrelu, sigmoid, tanh.
func (a Activation) String() string {
	switch a {
	case ReLU:
		return "relu"
	case LeakyReLU:
		return "leakyrelu"
	case Sigmoid:
		return "sigmoid"
	case Tanh:
		return "tanh"
	}
	return "identity"
}

// ParseActivation parses the spelling of String.
func ParseActivation(s string) (Activation, error) {
	if s == "linear" { // Keras's name
		return Identity, nil
	}
	for _, a := range []Activation{Identity, ReLU, LeakyReLU, Sigmoid, Tanh} {
		if a.String() == s {
			return a, nil
		}
	}
	return 0, fmt.Errorf("activation %q: want identity (or linear), relu, leakyrelu, sigmoid or tanh", s)
}

func newActivation[T Float](a Activation) nn.Layer[T] {
	switch a {
	case ReLU:
		return nn.ReLU[T]()
	case LeakyReLU:
		return nn.LeakyReLU[T](0.01)
	case Sigmoid:
		return nn.SigmoidLayer[T]()
	case Tanh:
		return nn.TanhLayer[T]()
	}
	return nn.Identity[T]()
}

// LossKind is the reconstruction loss.
type LossKind int

// Reconstruction losses.
const (
	MSELoss LossKind = iota // mean squared error
	BCELoss                 // binary cross-entropy; needs outputs in [0, 1]
)

// String returns "mse" or "bce".
func (l LossKind) String() string {
	if l == BCELoss {
		return "bce"
	}
	return "mse"
}

// ParseLoss parses "mse" or "bce".
func ParseLoss(s string) (LossKind, error) {
	switch s {
	case "mse":
		return MSELoss, nil
	case "bce":
		return BCELoss, nil
	}
	return 0, fmt.Errorf("loss %q: want mse or bce", s)
}

// Config describes a feed-forward autoencoder.
type Config struct {
	// Layers are the encoder's sizes from the input to the code, e.g.
	// {784, 256, 64}; the decoder mirrors them (64, 256, 784).
	Layers []int
	Hidden Activation // after every layer but the code and the output
	// Code is the activation of the bottleneck (Identity by default).
	Code   Activation
	Output Activation // Sigmoid for inputs in [0,1], Tanh for [−1,1], …
	Loss   LossKind
	// TiedWeights makes each decoder weight the transpose of the matching
	// encoder weight; the decoder keeps its own biases.
	TiedWeights bool
	// Sparsity is the weight λ of the L1 penalty λ·Σ_j |h_j| on the code.
	Sparsity float64
	// BatchNorm puts an nn.BatchNorm1d between every hidden Dense layer and
	// its activation, in encoder and decoder (not at the code, not at the
	// output) — the lecture's exercise. Its running statistics are saved
	// with the model.
	BatchNorm bool
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	if err := validateLayers("", "code", c.Layers, c.Loss, c.Output); err != nil {
		return err
	}
	if !(c.Sparsity >= 0) || math.IsInf(c.Sparsity, 0) {
		return fmt.Errorf("ae: sparsity weight %g: want a finite value ≥ 0", c.Sparsity)
	}
	return nil
}

// validateLayers checks what every autoencoder needs: at least the input
// and the innermost (code or latent) size, all positive, and outputs in
// [0, 1] for binary cross-entropy.
func validateLayers(model, inner string, layers []int, loss LossKind, out Activation) error {
	if len(layers) < 2 {
		return fmt.Errorf("ae: %slayers %v: need at least the input and the %s size", model, layers, inner)
	}
	for _, n := range layers {
		if n <= 0 {
			return fmt.Errorf("ae: %slayers %v: sizes must be positive", model, layers)
		}
	}
	if loss == BCELoss && out != Sigmoid {
		return fmt.Errorf("ae: binary cross-entropy needs outputs in [0, 1]: use the sigmoid output activation, not %v", out)
	}
	return nil
}

// Autoencoder is a feed-forward autoencoder. It implements nn.Layer: Forward
// returns the reconstruction and Backward back-propagates through decoder
// and encoder (adding the sparsity gradient at the code).
type Autoencoder[T Float] struct {
	Config
	Encoder *nn.Sequential[T]
	Decoder *nn.Sequential[T]

	code    *nn.Matrix[T] // last code, for the sparsity penalty
	penalty float64
	dcode   nn.Matrix[T]
}

// New returns an autoencoder with PyTorch's default initialisation drawn
// from rng, or an error for a configuration that cannot work (such as BCE
// with a non-sigmoid output).
func New[T Float](cfg Config, rng *rand.Rand) (*Autoencoder[T], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := len(cfg.Layers) - 1
	enc := &nn.Sequential[T]{}
	var dense []*nn.Dense[T]
	for i := 0; i < n; i++ {
		d := nn.NewDense[T](cfg.Layers[i], cfg.Layers[i+1], rng)
		dense = append(dense, d)
		enc.Layers = append(enc.Layers, d)
		act := cfg.Hidden
		if i == n-1 {
			act = cfg.Code
		} else if cfg.BatchNorm {
			enc.Layers = append(enc.Layers, nn.NewBatchNorm1d[T](cfg.Layers[i+1]))
		}
		enc.Layers = append(enc.Layers, newActivation[T](act))
	}
	dec := &nn.Sequential[T]{}
	for i := n - 1; i >= 0; i-- {
		in, out := cfg.Layers[i+1], cfg.Layers[i]
		if cfg.TiedWeights {
			dec.Layers = append(dec.Layers, newTied(dense[i], rng))
		} else {
			dec.Layers = append(dec.Layers, nn.NewDense[T](in, out, rng))
		}
		act := cfg.Hidden
		if i == 0 {
			act = cfg.Output
		} else if cfg.BatchNorm {
			dec.Layers = append(dec.Layers, nn.NewBatchNorm1d[T](out))
		}
		dec.Layers = append(dec.Layers, newActivation[T](act))
	}
	// Nothing needs the gradient with respect to the data: skip it (as
	// PyTorch does for inputs without requires_grad). InputGradient turns it
	// back on.
	dense[0].SkipInputGrad = true
	return &Autoencoder[T]{Config: cfg, Encoder: enc, Decoder: dec}, nil
}

// Clone returns an independent copy of a for use on another goroutine (an
// Autoencoder is not safe for concurrent use: it owns its workspaces): the
// same parameter values and settings, its own storage.
func (a *Autoencoder[T]) Clone() *Autoencoder[T] {
	out, err := New[T](a.Config, nn.NewRand(0))
	if err != nil {
		panic("ae: Clone: " + err.Error()) // a's configuration was valid
	}
	out.InputGradient(!a.Encoder.Layers[0].(*nn.Dense[T]).SkipInputGrad)
	nn.CopyParamValues(nn.StateDict[T](out), nn.StateDict[T](a))
	return out
}

// InputGradient sets whether Backward computes the gradient with respect to
// the input (off by default: training does not need it; gradient checks and
// input-saliency maps do).
func (a *Autoencoder[T]) InputGradient(on bool) {
	a.Encoder.Layers[0].(*nn.Dense[T]).SkipInputGrad = !on
}

// Forward encodes and decodes the batch x (batch, Layers[0]).
func (a *Autoencoder[T]) Forward(x *nn.Matrix[T], train bool) *nn.Matrix[T] {
	a.code = a.Encoder.Forward(x, train)
	a.penalty = 0
	if a.Sparsity > 0 {
		var s float64
		for _, v := range a.code.Data {
			s += math.Abs(float64(v))
		}
		a.penalty = a.Sparsity * s / float64(x.Rows)
	}
	return a.Decoder.Forward(a.code, train)
}

// Backward back-propagates the reconstruction gradient, adds the gradient
// of the sparsity penalty at the code, and returns the input gradient (nil
// unless InputGradient(true) was set).
func (a *Autoencoder[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	dcode := a.Decoder.Backward(dy)
	if a.Sparsity > 0 {
		d := nn.Workspace(&a.dcode, dcode.Rows, dcode.Cols)
		copy(d.Data, dcode.Data)
		scale := T(a.Sparsity / float64(dcode.Rows))
		for i, v := range a.code.Data {
			switch {
			case v > 0:
				d.Data[i] += scale
			case v < 0:
				d.Data[i] -= scale
			}
		}
		dcode = d
	}
	return a.Encoder.Backward(dcode)
}

// Buffers returns the running statistics of the BatchNorm1d layers, named
// as Params are ("encoder.1.running_mean", …); none without BatchNorm.
func (a *Autoencoder[T]) Buffers() []nn.Param[T] {
	return append(nn.Prefixed("encoder", a.Encoder.Buffers()), nn.Prefixed("decoder", a.Decoder.Buffers())...)
}

// Penalty returns the sparsity penalty λ·Σ|h|/batch of the last Forward.
func (a *Autoencoder[T]) Penalty() float64 { return a.penalty }

// Params returns the parameters named as a PyTorch module with encoder and
// decoder nn.Sequential attributes: "encoder.0.weight", "decoder.2.bias", …
// With tied weights the decoder has biases only.
func (a *Autoencoder[T]) Params() []nn.Param[T] {
	return append(nn.Prefixed("encoder", a.Encoder.Params()), nn.Prefixed("decoder", a.Decoder.Params())...)
}

// Encode returns the codes of the rows of x, in a new matrix.
func (a *Autoencoder[T]) Encode(x *nn.Matrix[T]) *nn.Matrix[T] {
	return nn.Predict[T](a.Encoder, x, 512)
}

// Decode returns the reconstructions of the codes, in a new matrix.
func (a *Autoencoder[T]) Decode(code *nn.Matrix[T]) *nn.Matrix[T] {
	return nn.Predict[T](a.Decoder, code, 512)
}

// Reconstruct returns the reconstructions of the rows of x, in a new matrix.
func (a *Autoencoder[T]) Reconstruct(x *nn.Matrix[T]) *nn.Matrix[T] { return nn.Predict[T](a, x, 512) }

// ReconstructionErrors returns the per-sample reconstruction error of each
// row of x with the model's loss: the mean over features of (x − x̃)², or of
// the binary cross-entropy (logs clamped at −100 as PyTorch does).
func (a *Autoencoder[T]) ReconstructionErrors(x *nn.Matrix[T]) []float64 {
	return rowErrors(x, a.Reconstruct(x), a.Loss)
}

// rowErrors returns the loss of each row of the reconstructions rec
// against x: the mean over the row of the squared differences or of the
// binary cross-entropies.
func rowErrors[T Float](x, rec *nn.Matrix[T], loss LossKind) []float64 {
	errs := make([]float64, x.Rows)
	for i := range errs {
		errs[i] = rowError(x.Row(i), rec.Row(i), loss) / float64(x.Cols)
	}
	return errs
}

// rowError returns the loss of the reconstruction rec of the row x,
// summed over its values: squared differences or binary cross-entropies.
func rowError[T Float](x, rec []T, loss LossKind) float64 {
	var s float64
	for j, v := range x {
		t, p := float64(v), float64(rec[j])
		if loss == BCELoss {
			s += nn.BinaryCrossEntropy(p, t)
		} else {
			s += (p - t) * (p - t)
		}
	}
	return s
}

// ReconstructionMSE returns the mean squared error between the rows of x and
// their reconstructions, over all elements: the figure the lecture reports.
func (a *Autoencoder[T]) ReconstructionMSE(x *nn.Matrix[T]) float64 {
	return meanSquaredDiff(a.Reconstruct(x).Data, x.Data)
}

// meanSquaredDiff returns the mean of (a_i − b_i)², accumulated in float64.
func meanSquaredDiff[T Float](a, b []T) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s / float64(len(a))
}

// TrainingLoss returns the loss to train with: the reconstruction loss of
// the configuration plus the sparsity penalty of the last Forward.
func (a *Autoencoder[T]) TrainingLoss() nn.Loss[T] {
	var base nn.Loss[T] = nn.MSE[T]{}
	if a.Loss == BCELoss {
		base = nn.BCE[T]{}
	}
	if a.Sparsity == 0 {
		return base
	}
	return penalized[T]{base: base, ae: a}
}

type penalized[T Float] struct {
	base nn.Loss[T]
	ae   *Autoencoder[T]
}

// Evaluate adds the sparsity penalty of the last Forward to the base loss;
// the penalty's gradient is added in Autoencoder.Backward.
func (p penalized[T]) Evaluate(pred *nn.Matrix[T], target nn.Target[T], grad *nn.Matrix[T]) float64 {
	return p.base.Evaluate(pred, target, grad) + p.ae.Penalty()
}

// String describes the architecture.
func (a *Autoencoder[T]) String() string {
	s := "Autoencoder("
	for i, n := range a.Layers {
		if i > 0 {
			s += "-"
		}
		s += strconv.Itoa(n)
	}
	for i := len(a.Layers) - 2; i >= 0; i-- {
		s += "-" + strconv.Itoa(a.Layers[i])
	}
	if a.BatchNorm {
		s += ", batchnorm"
	}
	return fmt.Sprintf("%s, hidden %v, output %v, loss %v, tied %t)", s, a.Hidden, a.Output, a.Loss, a.TiedWeights)
}

// tied is a decoder layer whose weight is the transpose of an encoder Dense
// layer's: y = x W + b with W of shape (out_enc, in_enc), so it maps
// out_enc → in_enc. Its weight gradient is added to the encoder's.
type tied[T Float] struct {
	enc   *nn.Dense[T]
	bias  nn.Param[T]
	x     *nn.Matrix[T]
	y, dx nn.Matrix[T]
}

func newTied[T Float](enc *nn.Dense[T], rng *rand.Rand) *tied[T] {
	t := &tied[T]{enc: enc, bias: nn.NewParam[T]("bias", enc.In)}
	nn.KaimingUniformDefault(rng, t.bias.Value, enc.Out)
	return t
}

// Forward computes y = x W + b.
func (t *tied[T]) Forward(x *nn.Matrix[T], _ bool) *nn.Matrix[T] {
	if x.Cols != t.enc.Out {
		panic(fmt.Sprintf("ae: tied decoder layer %d→%d: input is %s", t.enc.Out, t.enc.In, x.Shape()))
	}
	t.x = x
	y := nn.Workspace(&t.y, x.Rows, t.enc.In)
	for i := 0; i < y.Rows; i++ {
		copy(y.Row(i), t.bias.Value)
	}
	blas.Gemm(blas.NoTrans, blas.NoTrans, x.Rows, t.enc.In, t.enc.Out, 1, x.Data, t.enc.Out, t.enc.Weight.Value, t.enc.In, 1, y.Data, t.enc.In)
	return y
}

// Backward adds xᵀdy to the encoder's weight gradient and returns dy Wᵀ.
func (t *tied[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	in, out := t.enc.In, t.enc.Out
	// dW (out×in) += xᵀ dy
	blas.Gemm(blas.Trans, blas.NoTrans, out, in, dy.Rows, 1, t.x.Data, out, dy.Data, in, 1, t.enc.Weight.Grad, in)
	for i := 0; i < dy.Rows; i++ {
		blas.Axpy(1, dy.Row(i), t.bias.Grad)
	}
	dx := nn.Workspace(&t.dx, dy.Rows, out)
	blas.Gemm(blas.NoTrans, blas.Trans, dy.Rows, out, in, 1, dy.Data, in, t.enc.Weight.Value, in, 0, dx.Data, out)
	return dx
}

// Params returns the decoder's own bias; the weight belongs to the encoder.
func (t *tied[T]) Params() []nn.Param[T] { return []nn.Param[T]{t.bias} }

// String names the layer.
func (t *tied[T]) String() string { return fmt.Sprintf("TiedLinear(%d→%d)", t.enc.Out, t.enc.In) }
