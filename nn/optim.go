package nn

import (
	"math"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/kernels"
	"github.com/physml/physml/internal/simd"
)

// Optimizer updates parameters from their accumulated gradients, as a
// torch.optim optimizer: Step applies one update, LR and SetLR read and set
// the learning rate (for schedules). Gradients are not cleared by Step; call
// ZeroGrad.
type Optimizer[T Float] interface {
	Step()
	LR() float64
	SetLR(lr float64)
	Params() []Param[T]
}

// SGDConfig holds the options of torch.optim.SGD. The zero value of each
// field is PyTorch's default except LR, which must be set.
type SGDConfig struct {
	LR          float64
	Momentum    float64
	Dampening   float64
	WeightDecay float64 // L2 penalty added to the gradient
	Nesterov    bool
}

// SGD is stochastic gradient descent with optional momentum and Nesterov
// momentum, torch.optim.SGD: with g = ∇ + λθ, b = μb + (1−τ)g (b = g at the
// first step), θ −= lr·(g + μb) if Nesterov, else θ −= lr·b.
type SGD[T Float] struct {
	SGDConfig
	params []Param[T]
	buf    [][]T
	steps  int
}

// NewSGD returns an SGD optimizer over params.
func NewSGD[T Float](params []Param[T], cfg SGDConfig) *SGD[T] {
	return &SGD[T]{SGDConfig: cfg, params: params, buf: zerosLike(params)}
}

// Step implements Optimizer.
func (o *SGD[T]) Step() {
	o.steps++
	lr, mu, wd := T(o.SGDConfig.LR), T(o.Momentum), T(o.WeightDecay)
	damp := T(1 - o.Dampening)
	for k, p := range o.params {
		buf := o.buf[k]
		for i, g := range p.Grad {
			g += wd * p.Value[i]
			if mu != 0 {
				if o.steps == 1 {
					buf[i] = g
				} else {
					buf[i] = mu*buf[i] + damp*g
				}
				if o.Nesterov {
					g += mu * buf[i]
				} else {
					g = buf[i]
				}
			}
			p.Value[i] -= lr * g
		}
	}
}

// LR implements Optimizer.
func (o *SGD[T]) LR() float64 { return o.SGDConfig.LR }

// SetLR implements Optimizer.
func (o *SGD[T]) SetLR(lr float64) { o.SGDConfig.LR = lr }

// Params implements Optimizer.
func (o *SGD[T]) Params() []Param[T] { return o.params }

// AdamConfig holds the options of torch.optim.Adam and AdamW. Zero fields take
// PyTorch's defaults: LR 1e-3, Beta1 0.9, Beta2 0.999, Eps 1e-8; WeightDecay
// is 0 for Adam and 0.01 for AdamW when zero (set a negative value for none
// in AdamW).
type AdamConfig struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
}

func (c AdamConfig) withDefaults(decoupled bool) AdamConfig {
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.Beta1 == 0 {
		c.Beta1 = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Eps == 0 {
		c.Eps = 1e-8
	}
	if decoupled && c.WeightDecay == 0 {
		c.WeightDecay = 0.01
	}
	c.WeightDecay = max(c.WeightDecay, 0)
	return c
}

// Adam is torch.optim.Adam, or AdamW (decoupled weight decay) when made by
// NewAdamW. With g = ∇ (+ λθ for Adam), step t:
//
//	m = β₁m + (1−β₁)g,  v = β₂v + (1−β₂)g²
//	θ −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
//
// and AdamW first shrinks θ by (1 − lr·λ).
type Adam[T Float] struct {
	AdamConfig
	params    []Param[T]
	m, v      [][]T
	steps     int
	decoupled bool
	// update applies one step to one parameter: for float32 on AVX2 the
	// assembly of internal/simd over whole blocks of eight (in both builds),
	// else Go; chosen by the constructor.
	update func(value, grad, m, v []T, c adamStep[T], decoupled bool)
}

// adamStep are the coefficients of one Adam step.
type adamStep[T Float] struct {
	b1, b2, stepSize, invBc2, eps, wd, shrink T
}

func adamUpdateFor[T Float]() func(value, grad, m, v []T, c adamStep[T], decoupled bool) {
	if blas.Is32[T]() && simd.Available() {
		return func(value, grad, m, v []T, c adamStep[T], decoupled bool) {
			f := kernels.Float32s[T]
			done := simd.Adam8(f(value), f(grad), f(m), f(v), float32(c.b1), float32(c.b2), float32(c.stepSize),
				float32(c.invBc2), float32(c.eps), float32(c.wd), float32(c.shrink), decoupled)
			adamUpdate(value[done:], grad[done:], m[done:], v[done:], c, decoupled)
		}
	}
	return adamUpdate[T]
}

// adamUpdate is the Go step of one parameter.
func adamUpdate[T Float](value, grad, m, v []T, c adamStep[T], decoupled bool) {
	grad, m, v = grad[:len(value)], m[:len(value)], v[:len(value)]
	if decoupled {
		for i := range value {
			value[i] *= c.shrink
		}
	}
	for i, g := range grad {
		if !decoupled {
			g += c.wd * value[i]
		}
		mi := c.b1*m[i] + (1-c.b1)*g
		vi := c.b2*v[i] + (1-c.b2)*g*g
		m[i], v[i] = mi, vi
		denom := T(math.Sqrt(float64(vi)))*c.invBc2 + c.eps
		value[i] -= c.stepSize * mi / denom
	}
}

// NewAdam returns torch.optim.Adam over params.
func NewAdam[T Float](params []Param[T], cfg AdamConfig) *Adam[T] {
	return &Adam[T]{AdamConfig: cfg.withDefaults(false), params: params, m: zerosLike(params), v: zerosLike(params), update: adamUpdateFor[T]()}
}

// NewAdamW returns torch.optim.AdamW over params.
func NewAdamW[T Float](params []Param[T], cfg AdamConfig) *Adam[T] {
	return &Adam[T]{AdamConfig: cfg.withDefaults(true), params: params, m: zerosLike(params), v: zerosLike(params), decoupled: true, update: adamUpdateFor[T]()}
}

// Step implements Optimizer.
func (o *Adam[T]) Step() {
	o.steps++
	t := float64(o.steps)
	bc1 := 1 - math.Pow(o.Beta1, t)
	bc2Sqrt := math.Sqrt(1 - math.Pow(o.Beta2, t))
	c := adamStep[T]{b1: T(o.Beta1), b2: T(o.Beta2), stepSize: T(o.AdamConfig.LR / bc1), invBc2: T(1 / bc2Sqrt),
		eps: T(o.Eps), wd: T(o.WeightDecay), shrink: T(1 - o.AdamConfig.LR*o.WeightDecay)}
	for k, p := range o.params {
		o.update(p.Value, p.Grad, o.m[k], o.v[k], c, o.decoupled)
	}
}

// LR implements Optimizer.
func (o *Adam[T]) LR() float64 { return o.AdamConfig.LR }

// SetLR implements Optimizer.
func (o *Adam[T]) SetLR(lr float64) { o.AdamConfig.LR = lr }

// Params implements Optimizer.
func (o *Adam[T]) Params() []Param[T] { return o.params }

// RMSpropConfig holds the options of torch.optim.RMSprop. Zero fields take
// PyTorch's defaults: LR 0.01, Alpha 0.99, Eps 1e-8.
type RMSpropConfig struct {
	LR, Alpha, Eps, WeightDecay, Momentum float64
	Centered                              bool
}

// RMSprop is torch.optim.RMSprop: s = αs + (1−α)g²; with Centered, the
// running mean a = αa + (1−α)g is subtracted: d = √(s − a²) + ε, else
// d = √s + ε; then b = μb + g/d and θ −= lr·b with momentum μ, or θ −= lr·g/d.
type RMSprop[T Float] struct {
	RMSpropConfig
	params       []Param[T]
	sq, avg, buf [][]T
}

// NewRMSprop returns torch.optim.RMSprop over params.
func NewRMSprop[T Float](params []Param[T], cfg RMSpropConfig) *RMSprop[T] {
	if cfg.LR == 0 {
		cfg.LR = 0.01
	}
	if cfg.Alpha == 0 {
		cfg.Alpha = 0.99
	}
	if cfg.Eps == 0 {
		cfg.Eps = 1e-8
	}
	return &RMSprop[T]{RMSpropConfig: cfg, params: params, sq: zerosLike(params), avg: zerosLike(params), buf: zerosLike(params)}
}

// Step implements Optimizer.
func (o *RMSprop[T]) Step() {
	lr, alpha, eps := T(o.RMSpropConfig.LR), T(o.Alpha), T(o.Eps)
	wd, mu := T(o.WeightDecay), T(o.Momentum)
	for k, p := range o.params {
		sq, avg, buf := o.sq[k], o.avg[k], o.buf[k]
		for i, g := range p.Grad {
			g += wd * p.Value[i]
			sq[i] = alpha*sq[i] + (1-alpha)*g*g
			s := sq[i]
			if o.Centered {
				avg[i] = alpha*avg[i] + (1-alpha)*g
				s -= avg[i] * avg[i]
			}
			d := T(math.Sqrt(float64(s))) + eps
			if mu > 0 {
				buf[i] = mu*buf[i] + g/d
				p.Value[i] -= lr * buf[i]
			} else {
				p.Value[i] -= lr * g / d
			}
		}
	}
}

// LR implements Optimizer.
func (o *RMSprop[T]) LR() float64 { return o.RMSpropConfig.LR }

// SetLR implements Optimizer.
func (o *RMSprop[T]) SetLR(lr float64) { o.RMSpropConfig.LR = lr }

// Params implements Optimizer.
func (o *RMSprop[T]) Params() []Param[T] { return o.params }

// ClipGradNorm scales all gradients by maxNorm/(‖g‖ + 1e−6) when their global
// Euclidean norm ‖g‖ exceeds maxNorm, as torch.nn.utils.clip_grad_norm_, and
// returns ‖g‖ before clipping.
func ClipGradNorm[T Float](params []Param[T], maxNorm float64) float64 {
	var sq float64
	for _, p := range params {
		for _, g := range p.Grad {
			sq += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sq)
	if coef := maxNorm / (norm + 1e-6); coef < 1 {
		for _, p := range params {
			for i := range p.Grad {
				p.Grad[i] *= T(coef)
			}
		}
	}
	return norm
}

func zerosLike[T Float](params []Param[T]) [][]T {
	out := make([][]T, len(params))
	for i, p := range params {
		out[i] = make([]T, len(p.Value))
	}
	return out
}
