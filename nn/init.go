package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/physml/physml/lapack"
)

// NewRand returns the seeded generator physml uses for initialisation,
// shuffling and dropout: the same seed gives the same numbers.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// Uniform fills x with values uniform in [-bound, bound).
func Uniform[T Float](rng *rand.Rand, x []T, bound float64) {
	for i := range x {
		x[i] = T((2*rng.Float64() - 1) * bound)
	}
}

// Normal fills x with values from N(0, std²).
func Normal[T Float](rng *rand.Rand, x []T, std float64) {
	for i := range x {
		x[i] = T(rng.NormFloat64() * std)
	}
}

// KaimingUniformDefault fills a weight of fan-in fanIn as PyTorch's default for
// nn.Linear and the recurrent layers: kaiming_uniform_ with a = √5, which is
// uniform in ±1/√fanIn.
func KaimingUniformDefault[T Float](rng *rand.Rand, w []T, fanIn int) {
	Uniform(rng, w, 1/math.Sqrt(float64(fanIn)))
}

// XavierUniform fills a weight as torch.nn.init.xavier_uniform_ (Glorot):
// uniform in ±gain·√(6/(fanIn+fanOut)).
func XavierUniform[T Float](rng *rand.Rand, w []T, fanIn, fanOut int, gain float64) {
	Uniform(rng, w, gain*math.Sqrt(6/float64(fanIn+fanOut)))
}

// XavierNormal fills a weight as torch.nn.init.xavier_normal_:
// N(0, gain²·2/(fanIn+fanOut)).
func XavierNormal[T Float](rng *rand.Rand, w []T, fanIn, fanOut int, gain float64) {
	Normal(rng, w, gain*math.Sqrt(2/float64(fanIn+fanOut)))
}

// HeUniform fills a weight as torch.nn.init.kaiming_uniform_ with
// nonlinearity "relu": uniform in ±√(6/fanIn).
func HeUniform[T Float](rng *rand.Rand, w []T, fanIn int) {
	Uniform(rng, w, math.Sqrt(6/float64(fanIn)))
}

// HeNormal fills a weight as torch.nn.init.kaiming_normal_ with nonlinearity
// "relu": N(0, 2/fanIn).
func HeNormal[T Float](rng *rand.Rand, w []T, fanIn int) {
	Normal(rng, w, math.Sqrt(2/float64(fanIn)))
}

// Orthogonal fills the rows×cols weight w (row-major) as
// torch.nn.init.orthogonal_: the Q of the QR factorisation of a Gaussian
// matrix, its columns' signs fixed by the signs of R's diagonal, times
// gain. The columns are orthonormal when rows ≥ cols, the rows otherwise
// (Keras's recurrent initialiser, for (4H × H) recurrent weights).
func Orthogonal[T Float](rng *rand.Rand, w []T, rows, cols int, gain float64) {
	if rows <= 0 || cols <= 0 || len(w) != rows*cols {
		panic(fmt.Sprintf("nn: Orthogonal of %d values as %d×%d", len(w), rows, cols))
	}
	m, n := max(rows, cols), min(rows, cols)
	a := make([]float64, m*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	q := append([]float64(nil), a...)
	lapack.QR(m, n, q, n)
	for j := 0; j < n; j++ {
		var r float64 // R_jj = q_jᵀ a_j
		for i := 0; i < m; i++ {
			r += q[i*n+j] * a[i*n+j]
		}
		if r < 0 {
			for i := 0; i < m; i++ {
				q[i*n+j] = -q[i*n+j]
			}
		}
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			v := q[i*n+j]
			if rows < cols { // the transpose: w's rows are q's columns
				v = q[j*n+i]
			}
			w[i*cols+j] = T(gain * v)
		}
	}
}

// KerasDenseInit initialises params as Keras's Dense layers are: every
// weight matrix (a parameter of two dimensions, (out, in))
// Glorot-uniform, every bias zero; other vectors (a batch
// normalisation's scale) are left as they are.
func KerasDenseInit[T Float](params []Param[T], rng *rand.Rand) {
	for _, p := range params {
		switch {
		case len(p.Shape) == 2:
			XavierUniform(rng, p.Value, p.Shape[1], p.Shape[0], 1)
		case strings.HasSuffix(p.Name, "bias"):
			clear(p.Value)
		}
	}
}
