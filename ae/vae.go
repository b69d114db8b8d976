package ae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"

	"github.com/physml/physml/nn"
)

// VAEConfig describes a variational autoencoder.
type VAEConfig struct {
	// Layers are the encoder's sizes from the input to the latent space,
	// e.g. {784, 400, 20} (PyTorch's VAE example): Dense layers with the
	// Hidden activation up to the last hidden size, then two Dense heads
	// for μ and log σ² of the latent size. The decoder mirrors them.
	Layers []int
	Hidden Activation // after every hidden layer (ReLU in PyTorch's example)
	Output Activation // Sigmoid for BCE; Identity (or another) for MSE
	Loss   LossKind   // the reconstruction term, summed over features
	// Beta weighs the KL term (β-VAE); 0 means 1, the plain VAE.
	Beta float64
}

// Validate reports a configuration that cannot work.
func (c VAEConfig) Validate() error {
	if err := validateLayers("VAE ", "latent", c.Layers, c.Loss, c.Output); err != nil {
		return err
	}
	if !(c.Beta >= 0) || math.IsInf(c.Beta, 0) {
		return fmt.Errorf("ae: β %g: want a finite value ≥ 0 (0 means 1)", c.Beta)
	}
	return nil
}

func (c VAEConfig) beta() float64 {
	if c.Beta == 0 {
		return 1
	}
	return c.Beta
}

// VAE is a variational autoencoder (Kingma and Welling). The encoder gives
// the mean μ and log-variance log σ² of a diagonal Gaussian q(z|x); a code
// z = μ + σ ⊙ ε, with ε drawn from N(0, I), is decoded back. Training
// minimises the negative evidence lower bound per sample,
//
//	L = Σ_features rec(x, x̃) + β · KL(N(μ, σ²) ‖ N(0, I)),
//	KL = −½ Σ_j (1 + log σ²_j − μ_j² − σ²_j),
//
// averaged over the batch (PyTorch's VAE example sums over the batch
// instead: the same figure divided by the batch size).
//
// VAE implements nn.Layer: Forward returns the reconstruction (z sampled in
// training mode, z = μ otherwise) and Backward adds the KL gradient at μ
// and log σ². Train it with nn.Fit, TrainingLoss and targets equal to the
// inputs. Parameters are named as a PyTorch module with attributes encoder
// (nn.Sequential), fc_mu, fc_logvar and decoder (nn.Sequential).
type VAE[T Float] struct {
	VAEConfig
	Encoder        *nn.Sequential[T]
	FCMu, FCLogVar *nn.Dense[T]
	Decoder        *nn.Sequential[T]
	// Noise fills ε before each training Forward; nil draws N(0, 1) from
	// the generator SetSeed sets. Tests set it to hold ε fixed.
	Noise func(eps []T)

	rng                  *rand.Rand
	mu, logVar, eps, z   nn.Matrix[T]
	dz, dMu, dLogVar, dh nn.Matrix[T]
	kl                   float64 // β·KL per sample of the last Forward
	sampled              bool
}

// NewVAE returns a VAE with PyTorch's default initialisation drawn from
// rng and its noise generator seeded with seed.
func NewVAE[T Float](cfg VAEConfig, rng *rand.Rand, seed uint64) (*VAE[T], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := len(cfg.Layers) - 1 // the last size is the latent one
	enc := &nn.Sequential[T]{}
	for i := 0; i < n-1; i++ {
		enc.Layers = append(enc.Layers, nn.NewDense[T](cfg.Layers[i], cfg.Layers[i+1], rng), newActivation[T](cfg.Hidden))
	}
	v := &VAE[T]{VAEConfig: cfg, Encoder: enc}
	v.FCMu = nn.NewDense[T](cfg.Layers[n-1], cfg.Layers[n], rng)
	v.FCLogVar = nn.NewDense[T](cfg.Layers[n-1], cfg.Layers[n], rng)
	dec := &nn.Sequential[T]{}
	for i := n; i > 0; i-- {
		act := cfg.Hidden
		if i == 1 {
			act = cfg.Output
		}
		dec.Layers = append(dec.Layers, nn.NewDense[T](cfg.Layers[i], cfg.Layers[i-1], rng), newActivation[T](act))
	}
	v.Decoder = dec
	// The data needs no gradient: the first layer skips it.
	if n > 1 {
		enc.Layers[0].(*nn.Dense[T]).SkipInputGrad = true
	} else {
		v.FCMu.SkipInputGrad, v.FCLogVar.SkipInputGrad = true, true
	}
	v.SetSeed(seed)
	return v, nil
}

// SetSeed restarts the generator of ε.
func (v *VAE[T]) SetSeed(seed uint64) { v.rng = nn.NewRand(seed) }

// Latent returns the size of the latent space.
func (v *VAE[T]) Latent() int { return v.Layers[len(v.Layers)-1] }

// encode runs the encoder and both heads on x, into v.mu and v.logVar.
func (v *VAE[T]) encode(x *nn.Matrix[T], train bool) {
	h := v.Encoder.Forward(x, train)
	mu, logVar := v.FCMu.Forward(h, train), v.FCLogVar.Forward(h, train)
	copy(nn.Workspace(&v.mu, mu.Rows, mu.Cols).Data, mu.Data)
	copy(nn.Workspace(&v.logVar, logVar.Rows, logVar.Cols).Data, logVar.Data)
}

// Forward encodes x (batch, Layers[0]), draws z = μ + σ ⊙ ε in training
// mode (z = μ otherwise), and returns the decoded batch.
func (v *VAE[T]) Forward(x *nn.Matrix[T], train bool) *nn.Matrix[T] {
	v.encode(x, train)
	b, k := v.mu.Rows, v.mu.Cols
	z := nn.Workspace(&v.z, b, k)
	eps := nn.Workspace(&v.eps, b, k)
	v.sampled = train
	if train {
		v.fillNoise(eps.Data)
	}
	var kl float64
	for i, m := range v.mu.Data {
		lv := float64(v.logVar.Data[i])
		e := 0.0
		if train {
			e = float64(eps.Data[i])
		}
		z.Data[i] = T(float64(m) + math.Exp(0.5*lv)*e)
		kl += -0.5 * (1 + lv - float64(m)*float64(m) - math.Exp(lv))
	}
	v.kl = v.beta() * kl / float64(b)
	return v.Decoder.Forward(z, train)
}

func (v *VAE[T]) fillNoise(eps []T) {
	if v.Noise != nil {
		v.Noise(eps)
		return
	}
	for i := range eps {
		eps[i] = T(v.rng.NormFloat64())
	}
}

// Backward back-propagates the reconstruction gradient dy through the
// decoder and the reparametrisation z = μ + exp(½ log σ²) ε, adds the
// gradient of β·KL/batch,
//
//	∂/∂μ = β μ / B,  ∂/∂log σ² = β (σ² − 1) / (2B),
//
// and back-propagates through both heads and the encoder. It returns nil
// (the data needs no gradient).
func (v *VAE[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	dz := v.Decoder.Backward(dy)
	b, k := v.mu.Rows, v.mu.Cols
	dMu := nn.Workspace(&v.dMu, b, k)
	dLogVar := nn.Workspace(&v.dLogVar, b, k)
	scale := v.beta() / float64(b)
	for i, m := range v.mu.Data {
		lv := float64(v.logVar.Data[i])
		g := float64(dz.Data[i])
		dMu.Data[i] = T(g + scale*float64(m))
		d := 0.5 * scale * (math.Exp(lv) - 1)
		if v.sampled {
			d += g * 0.5 * (float64(v.z.Data[i]) - float64(m)) // ∂z/∂log σ² = ½ σ ε = ½ (z − μ)
		}
		dLogVar.Data[i] = T(d)
	}
	dhMu := v.FCMu.Backward(dMu)
	dhLogVar := v.FCLogVar.Backward(dLogVar)
	if dhMu == nil {
		return nil // one-layer encoder: the heads read the data itself
	}
	dh := nn.Workspace(&v.dh, dhMu.Rows, dhMu.Cols)
	for i := range dh.Data {
		dh.Data[i] = dhMu.Data[i] + dhLogVar.Data[i]
	}
	return v.Encoder.Backward(dh)
}

// KL returns β·KL(q(z|x) ‖ N(0, I)) per sample of the last Forward.
func (v *VAE[T]) KL() float64 { return v.kl }

// Params returns the parameters with PyTorch names: "encoder.0.weight", …,
// "fc_mu.weight", "fc_logvar.bias", "decoder.0.weight", …
func (v *VAE[T]) Params() []nn.Param[T] {
	ps := nn.Prefixed("encoder", v.Encoder.Params())
	ps = append(ps, nn.Prefixed("fc_mu", v.FCMu.Params())...)
	ps = append(ps, nn.Prefixed("fc_logvar", v.FCLogVar.Params())...)
	return append(ps, nn.Prefixed("decoder", v.Decoder.Params())...)
}

// TrainingLoss returns the negative ELBO per sample: the reconstruction
// loss summed over features plus β·KL of the last Forward.
func (v *VAE[T]) TrainingLoss() nn.Loss[T] {
	var base nn.Loss[T] = nn.MSE[T]{}
	if v.Loss == BCELoss {
		base = nn.BCE[T]{}
	}
	return elbo[T]{base: base, vae: v}
}

type elbo[T Float] struct {
	base nn.Loss[T]
	vae  *VAE[T]
}

// Evaluate turns the base loss's mean over all elements into a sum over
// features averaged over the batch, and adds the KL term (whose gradient
// VAE.Backward adds).
func (l elbo[T]) Evaluate(pred *nn.Matrix[T], target nn.Target[T], grad *nn.Matrix[T]) float64 {
	loss := l.base.Evaluate(pred, target, grad)
	f := T(pred.Cols)
	for i := range grad.Data {
		grad.Data[i] *= f
	}
	return loss*float64(pred.Cols) + l.vae.kl
}

// Encode returns μ, the mean code, of the rows of x.
func (v *VAE[T]) Encode(x *nn.Matrix[T]) *nn.Matrix[T] {
	out := nn.NewMatrix[T](x.Rows, v.Latent())
	for from := 0; from < x.Rows; from += 512 {
		to := min(from+512, x.Rows)
		v.encode(x.Slice(from, to), false)
		copy(out.Data[from*v.Latent():], v.mu.Data)
	}
	return out
}

// Decode returns the decoded rows of the codes z.
func (v *VAE[T]) Decode(z *nn.Matrix[T]) *nn.Matrix[T] { return nn.Predict[T](v.Decoder, z, 512) }

// Reconstruct returns the reconstructions of the rows of x through their
// mean codes.
func (v *VAE[T]) Reconstruct(x *nn.Matrix[T]) *nn.Matrix[T] { return nn.Predict[T](v, x, 512) }

// Sample decodes n draws of z from the prior N(0, I), taken from rng.
func (v *VAE[T]) Sample(n int, rng *rand.Rand) *nn.Matrix[T] {
	z := nn.NewMatrix[T](n, v.Latent())
	for i := range z.Data {
		z.Data[i] = T(rng.NormFloat64())
	}
	return v.Decode(z)
}

// Interpolate decodes steps points (at least 2) on the straight line from
// code a to code b, a and b included.
func (v *VAE[T]) Interpolate(a, b []T, steps int) *nn.Matrix[T] {
	if len(a) != v.Latent() || len(b) != v.Latent() || steps < 2 {
		panic(fmt.Sprintf("ae: Interpolate between codes of %d and %d values in %d steps; the latent size is %d", len(a), len(b), steps, v.Latent()))
	}
	z := nn.NewMatrix[T](steps, v.Latent())
	for s := 0; s < steps; s++ {
		t := float64(s) / float64(steps-1)
		for j := range a {
			z.Set(s, j, T((1-t)*float64(a[j])+t*float64(b[j])))
		}
	}
	return v.Decode(z)
}

// NegativeELBO returns the two terms of the negative ELBO per sample of the
// rows of x, each z drawn once with noise from a generator seeded with
// seed: the reconstruction term (summed over features) and β·KL. Their sum
// is the figure PyTorch's VAE example prints as its average loss.
func (v *VAE[T]) NegativeELBO(x *nn.Matrix[T], seed uint64) (rec, kl float64) {
	saved := v.rng
	defer func() { v.rng = saved }()
	v.SetSeed(seed)
	loss := v.TrainingLoss()
	for from := 0; from < x.Rows; from += 512 {
		to := min(from+512, x.Rows)
		batch := x.Slice(from, to)
		pred := v.Forward(batch, true)
		grad := nn.NewMatrix[T](pred.Rows, pred.Cols)
		total := loss.Evaluate(pred, nn.Target[T]{Values: batch}, grad)
		w := float64(to - from)
		rec += (total - v.kl) * w
		kl += v.kl * w
	}
	n := float64(x.Rows)
	return rec / n, kl / n
}

// Clone returns an independent copy of v for use on another goroutine:
// the same parameters, settings and Noise, its own storage and its own
// generator of ε (seed 0; SetSeed changes it).
func (v *VAE[T]) Clone() *VAE[T] {
	out, err := NewVAE[T](v.VAEConfig, nn.NewRand(0), 0)
	if err != nil {
		panic("ae: Clone: " + err.Error()) // v's configuration was valid
	}
	nn.CopyParamValues(out.Params(), v.Params())
	out.Noise = v.Noise
	return out
}

// String describes the architecture.
func (v *VAE[T]) String() string {
	s := "VAE("
	for i, n := range v.Layers {
		if i > 0 {
			s += "-"
		}
		s += fmt.Sprint(n)
	}
	return fmt.Sprintf("%s, hidden %v, output %v, loss %v, β %g)", s, v.Hidden, v.Output, v.Loss, v.beta())
}

// ReconstructionErrors returns the reconstruction error of each row of x
// decoded from its mean code (z = μ): the mean over the row of the squared
// differences or binary cross-entropies, as an Autoencoder's (the training
// loss sums over the row instead).
func (v *VAE[T]) ReconstructionErrors(x *nn.Matrix[T]) []float64 {
	return rowErrors(x, v.Reconstruct(x), v.Loss)
}

// InterpolationRow returns row i of x, the decoded straight path of steps
// points between the mean codes of rows i and j, and row j: steps+2 rows,
// a morph from one sample to the other through the latent space.
func (v *VAE[T]) InterpolationRow(x *nn.Matrix[T], i, j, steps int) *nn.Matrix[T] {
	mu := v.Encode(nn.MatrixFrom(2, x.Cols, append(append([]T{}, x.Row(i)...), x.Row(j)...)))
	path := v.Interpolate(mu.Row(0), mu.Row(1), steps)
	out := nn.NewMatrix[T](steps+2, x.Cols)
	copy(out.Row(0), x.Row(i))
	copy(out.Data[x.Cols:], path.Data)
	copy(out.Row(steps+1), x.Row(j))
	return out
}

// NegativeLogLikelihoods returns, for each row of x, the importance-weighted
// estimate of −log p(x) of Burda, Grosse and Salakhutdinov with samples
// codes z_k = μ + σ ⊙ ε_k drawn from q(z|x):
//
//	−log p(x) ≈ −log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x),
//
// where −log p(x|z) is the reconstruction term of the training loss (the
// binary cross-entropy summed over features, or the summed squared error,
// a Gaussian's up to a constant). With one sample its expectation is the
// negative ELBO (β is a training weight and is not applied); more samples
// tighten the bound towards −log p(x). The same K noise vectors, drawn
// from seed, serve every row, so that a row's estimate does not depend on
// the rows scored with it. The model's generator of ε is not touched.
func (v *VAE[T]) NegativeLogLikelihoods(x *nn.Matrix[T], samples int, seed uint64) []float64 {
	k := v.Latent()
	rng := nn.NewRand(seed)
	eps := make([]float64, samples*k)
	for i := range eps {
		eps[i] = rng.NormFloat64()
	}
	out := make([]float64, x.Rows)
	logW := make([]float64, samples)
	// Rows at a time: 512, fewer where their samples' reconstructions
	// would pass 4 million values (16 MB in float32).
	step := max(1, min(512, (1<<22)/max(samples*x.Cols, 1)))
	for from := 0; from < x.Rows; from += step {
		batch := x.Slice(from, min(from+step, x.Rows))
		v.encode(batch, false) // into v.mu and v.logVar; decoding leaves them
		mu, logVar := v.mu, v.logVar
		z := nn.NewMatrix[T](batch.Rows*samples, k) // rows of sample s of row i at i*samples+s
		base := make([]float64, batch.Rows*samples) // log p(z) − log q(z|x), up to the shared constant
		for i := range batch.Rows {
			for s := range samples {
				e := eps[s*k : (s+1)*k]
				row := z.Row(i*samples + s)
				var lw float64
				for j := range k {
					m, lv := float64(mu.Data[i*k+j]), float64(logVar.Data[i*k+j])
					zj := m + math.Exp(0.5*lv)*e[j]
					row[j] = T(zj)
					lw += -0.5*zj*zj + 0.5*e[j]*e[j] + 0.5*lv
				}
				base[i*samples+s] = lw
			}
		}
		rec := v.Decode(z)
		for i := range batch.Rows {
			for s := range samples {
				logW[s] = base[i*samples+s] - rowError(batch.Row(i), rec.Row(i*samples+s), v.Loss)
			}
			out[from+i] = math.Log(float64(samples)) - floats.LogSumExp(logW)
		}
	}
	return out
}
