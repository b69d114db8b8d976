package ae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/nn"
)

// ScoreKind is what an anomaly detector's score measures.
type ScoreKind int

const (
	// ReconstructionScore is the autoencoder's reconstruction error: high
	// where a row has structure the normal rows lack.
	ReconstructionScore ScoreKind = iota
	// LatentScore is the negative log-density of a row's code under a
	// Gaussian mixture fitted on the normal training rows' codes
	// (LatentDensity): high where a row is encoded unlike the normal rows,
	// even when the autoencoder reconstructs it well (an anomaly simpler
	// than the normal data, such as MNIST's 1 among the other digits).
	LatentScore
	// CombinedScore is the larger of the two, each standardised with the
	// mean and deviation of the calibration rows' scores (the
	// reconstruction error's logarithm; Combination), so that each counts in units of its normal spread: a row is
	// as anomalous as its more unusual score says. A sum would let an
	// error lower than normal (an anomaly simpler than the normal data)
	// cancel a code far from the normal codes: on ae's synthetic case of
	// such anomalies the sum gives a ROC AUC of 0.51, the maximum 0.99; on
	// the simulated signals 0.984 and 0.987.
	CombinedScore
	// ELBOScore is a variational autoencoder's estimate of −log p(x), the
	// negative ELBO tightened by importance weighting over ELBOSamples
	// codes (VAE.NegativeLogLikelihoods): high where the model of the
	// normal rows finds a row unlikely. Only a detector on a VAE has it.
	ELBOScore
)

// ELBOSamples is the number of codes z ~ q(z|x) over which ELBOScore
// weighs p(x|z) p(z) / q(z|x).
const ELBOSamples = 16

// ScoreKinds are the kinds, in the order of their values.
var ScoreKinds = []ScoreKind{ReconstructionScore, LatentScore, CombinedScore, ELBOScore}

// String returns the kind's name in files and flags.
func (k ScoreKind) String() string {
	switch k {
	case LatentScore:
		return "latent"
	case CombinedScore:
		return "combined"
	case ELBOScore:
		return "elbo"
	}
	return "reconstruction"
}

// Quantity names what a score of the kind is, for an axis: "reconstruction
// error", "latent distance", "combined score" or "−log p(x) estimate".
func (k ScoreKind) Quantity() string {
	switch k {
	case LatentScore:
		return "latent distance"
	case CombinedScore:
		return "combined score"
	case ELBOScore:
		return "−log p(x) estimate"
	}
	return "reconstruction error"
}

// ParseScoreKind returns the kind named s: reconstruction, latent,
// combined or elbo.
func ParseScoreKind(s string) (ScoreKind, error) {
	for _, k := range ScoreKinds {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("score %q: want reconstruction, latent, combined or elbo", s)
}

// LatentDensity is a Gaussian mixture of codes, fitted by EM on the
// normal training rows' codes: K components, each with a Weight, a Mean
// (Means, K × k) and the lower Cholesky factor of its covariance
// (Cholesky, K × k × k, row-major), whose diagonal carries a ridge of 1e-4
// of the codes' mean variance so that codes that do not span every
// direction still have a density. One component is a single Gaussian (the
// Mahalanobis distance); more follow clusters of normal data, such as the
// nine normal digits of MNIST, so that a code between them scores high.
type LatentDensity struct {
	Weights  []float64
	Means    []float64
	Cholesky []float64
}

// MaxLatentComponents is the most components FitLatentDensity fits.
const MaxLatentComponents = 20

// latentFitRows is the most codes the mixture is fitted on (a seeded
// sample of them beyond it): enough for 20 components of 16-value codes,
// and EM's cost stays a few seconds.
const latentFitRows = 20000

// LatentComponents returns the components FitLatentDensity fits to n codes
// of k values: one per 10 codes per free parameter of a component (a mean
// and a full covariance), from 1 to MaxLatentComponents.
func LatentComponents(n, k int) int {
	params := k + k*(k+1)/2
	return min(MaxLatentComponents, max(1, n/(10*params)))
}

// FitLatentDensity fits the mixture of LatentComponents(n, k) components
// to n codes of k values (row-major) by EM from a seeded k-means++ start.
func FitLatentDensity(codes []float64, k int, seed uint64) (*LatentDensity, error) {
	if k < 1 || len(codes)%k != 0 || len(codes)/k < 2 {
		return nil, fmt.Errorf("ae: %d code values: want at least 2 codes of %d", len(codes), k)
	}
	rng := nn.NewRand(seed ^ 0x6a3)
	n := len(codes) / k
	if n > latentFitRows {
		sample := make([]float64, 0, latentFitRows*k)
		for _, i := range rng.Perm(n)[:latentFitRows] {
			sample = append(sample, codes[i*k:(i+1)*k]...)
		}
		codes, n = sample, latentFitRows
	}
	K := LatentComponents(n, k)
	// The ridge: 1e-4 of the mean variance.
	mean := make([]float64, k)
	for i, c := range codes {
		mean[i%k] += c / float64(n)
	}
	variance := 0.0
	for i, c := range codes {
		variance += (c - mean[i%k]) * (c - mean[i%k]) / float64(n*k)
	}
	ridge := 1e-4*variance + 1e-12
	g := &LatentDensity{Weights: make([]float64, K), Means: kmeansPlusPlus(codes, k, K, rng), Cholesky: make([]float64, K*k*k)}
	for c := range g.Weights {
		g.Weights[c] = 1 / float64(K)
		for j := 0; j < k; j++ {
			g.Cholesky[c*k*k+j*k+j] = math.Sqrt(variance + ridge)
		}
	}
	resp := make([]float64, n*K)
	y := make([]float64, k) // logGaussian's workspace
	prev := math.Inf(-1)
	for iter := 0; iter < 100; iter++ {
		// E step: responsibilities, and the mean log-likelihood.
		ll := 0.0
		for i := 0; i < n; i++ {
			lp := resp[i*K : (i+1)*K]
			for c := range lp {
				lp[c] = math.Log(g.Weights[c]) + g.logGaussian(c, codes[i*k:(i+1)*k], y)
			}
			m := floats.LogSumExp(lp)
			ll += m / float64(n)
			for c := range lp {
				lp[c] = math.Exp(lp[c] - m)
			}
		}
		// M step: weights, means and covariances.
		for c := 0; c < K; c++ {
			var w float64
			mu := g.Means[c*k : (c+1)*k]
			for j := range mu {
				mu[j] = 0
			}
			for i := 0; i < n; i++ {
				r := resp[i*K+c]
				w += r
				floats.AddScaled(mu, r, codes[i*k:(i+1)*k])
			}
			if w < 1e-9 {
				return nil, errors.New("ae: a component of the codes' mixture lost every code")
			}
			floats.Scale(1/w, mu)
			g.Weights[c] = w / float64(n)
			cov := mat.NewSymDense(k, nil)
			d := make([]float64, k)
			dv := mat.NewVecDense(k, d) // views d
			for i := 0; i < n; i++ {
				floats.SubTo(d, codes[i*k:(i+1)*k], mu)
				cov.SymRankOne(cov, resp[i*K+c]/w, dv)
			}
			for j := 0; j < k; j++ {
				cov.SetSym(j, j, cov.At(j, j)+ridge)
			}
			var chol mat.Cholesky
			if !chol.Factorize(cov) {
				return nil, errors.New("ae: a covariance of the codes' mixture is not positive definite")
			}
			var l mat.TriDense
			chol.LTo(&l)
			for a := 0; a < k; a++ {
				for b := 0; b <= a; b++ {
					g.Cholesky[c*k*k+a*k+b] = l.At(a, b)
				}
			}
		}
		if ll-prev < 1e-4 {
			break
		}
		prev = ll
	}
	return g, g.check()
}

// kmeansPlusPlus returns K centres among the n codes of k values, each
// drawn with probability proportional to its squared distance from the
// nearest centre drawn before (Arthur and Vassilvitskii, 2007).
func kmeansPlusPlus(codes []float64, k, K int, rng *rand.Rand) []float64 {
	n := len(codes) / k
	centres := append([]float64(nil), codes[rng.IntN(n)*k:][:k]...)
	nearest := make([]float64, n)
	for i := range nearest {
		nearest[i] = math.Inf(1)
	}
	for len(centres) < K*k {
		last := centres[len(centres)-k:]
		total := 0.0
		for i := 0; i < n; i++ {
			nearest[i] = math.Min(nearest[i], floats.Distance(codes[i*k:(i+1)*k], last, 2))
			total += nearest[i] * nearest[i]
		}
		pick := rng.Float64() * total
		i := 0
		for ; i < n-1; i++ {
			if pick -= nearest[i] * nearest[i]; pick <= 0 {
				break
			}
		}
		centres = append(centres, codes[i*k:(i+1)*k]...)
	}
	return centres
}

// logGaussian returns the log-density of component c at x, using y (of
// len(x)) as its workspace.
func (g *LatentDensity) logGaussian(c int, x, y []float64) float64 {
	k := len(x)
	l := g.Cholesky[c*k*k : (c+1)*k*k]
	mu := g.Means[c*k : (c+1)*k]
	// Solve L y = x − μ; the log-density is −½|y|² − log det L − k/2 log 2π.
	var q, logdet float64
	for a := 0; a < k; a++ {
		s := x[a] - mu[a]
		for b := 0; b < a; b++ {
			s -= l[a*k+b] * y[b]
		}
		y[a] = s / l[a*k+a]
		q += y[a] * y[a]
		logdet += math.Log(l[a*k+a])
	}
	return -0.5*q - logdet - 0.5*float64(k)*math.Log(2*math.Pi)
}

// check refuses a density whose values are not finite, whose sizes
// disagree or whose factors are not lower-triangular with a positive
// diagonal.
func (g *LatentDensity) check() error {
	K := len(g.Weights)
	if K == 0 || len(g.Means)%K != 0 {
		return fmt.Errorf("ae: a latent mixture of %d weights and %d mean values", K, len(g.Means))
	}
	k := len(g.Means) / K
	if k == 0 || len(g.Cholesky) != K*k*k {
		return fmt.Errorf("ae: a latent mixture of %d components of %d values with %d covariance values", K, k, len(g.Cholesky))
	}
	for _, v := range slices.Concat(g.Weights, g.Means, g.Cholesky) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("ae: a latent mixture with the value %v", v)
		}
	}
	for c, w := range g.Weights {
		if !(w > 0) {
			return fmt.Errorf("ae: a latent mixture's weight %v", w)
		}
		for a := 0; a < k; a++ {
			if !(g.Cholesky[c*k*k+a*k+a] > 0) {
				return fmt.Errorf("ae: a latent mixture's covariance factor has the diagonal value %v", g.Cholesky[c*k*k+a*k+a])
			}
			for b := a + 1; b < k; b++ {
				if g.Cholesky[c*k*k+a*k+b] != 0 {
					return errors.New("ae: a latent mixture's covariance factor is not lower-triangular")
				}
			}
		}
	}
	return nil
}

// Size returns the size of the codes the mixture reads.
func (g *LatentDensity) Size() int { return len(g.Means) / len(g.Weights) }

// Distances returns the negative log-density of each of the codes (rows
// of Size() values) under the mixture.
func (g *LatentDensity) Distances(codes []float64) []float64 {
	k := g.Size()
	out := make([]float64, len(codes)/k)
	lp, y := make([]float64, len(g.Weights)), make([]float64, k)
	for r := range out {
		for c := range lp {
			lp[c] = math.Log(g.Weights[c]) + g.logGaussian(c, codes[r*k:(r+1)*k], y)
		}
		out[r] = -floats.LogSumExp(lp)
	}
	return out
}

// Standardization holds, for CombinedScore, the mean and the deviation of
// the calibration rows' reconstruction errors and latent distances, as
// the detector's Combination standardises them: {reconstruction mean,
// deviation, latent mean, deviation}.
type Standardization [4]float64

// Combination is how CombinedScore joins the reconstruction error and the
// latent distance.
type Combination int

const (
	// MaxCombination, of every detector fitted now: the larger of the
	// standardised logarithm of the reconstruction error and the
	// standardised latent distance. The latent distance, a negative
	// log-density, is a logarithm already, and is negative where the
	// codes' density exceeds 1 (codes in a small volume), where its
	// logarithm does not exist.
	MaxCombination Combination = iota
	// MaxLogCombination, of files written before MaxCombination: the larger
	// of the two standardised logarithms, a latent distance ≤ 0 floored.
	MaxLogCombination
	// SumLogCombination, of files written before the maximum: the sum of
	// the two standardised logarithms.
	SumLogCombination
)

// latentTerm returns the latent distance as the combination standardises
// it.
func (c Combination) latentTerm(x float64) float64 {
	if c == MaxCombination {
		return x
	}
	return logScore(x)
}

// standardizationOf returns the standardisation of the calibration rows'
// reconstruction errors and latent distances under the combination c.
func standardizationOf(reconstruction, latent []float64, c Combination) Standardization {
	var s Standardization
	terms := []func(float64) float64{logScore, c.latentTerm}
	for k, v := range [][]float64{reconstruction, latent} {
		var mean, sq float64
		for _, x := range v {
			mean += terms[k](x) / float64(len(v))
		}
		for _, x := range v {
			sq += (terms[k](x) - mean) * (terms[k](x) - mean)
		}
		s[2*k], s[2*k+1] = mean, math.Sqrt(sq/float64(max(len(v)-1, 1)))
		if !(s[2*k+1] > 0) {
			s[2*k+1] = 1 // no spread: count in the term's own units
		}
	}
	return s
}

// logScore is the logarithm of a reconstruction error a combined score
// standardises, floored so that a zero error stays finite.
func logScore(x float64) float64 { return math.Log(math.Max(x, 1e-300)) }

// combine returns the combined scores of the rows' reconstruction errors
// and latent distances under the detector's Combination.
func (d *AnomalyDetector[T]) combine(reconstruction, latent []float64) []float64 {
	s, c := d.Standardization, d.Combination
	out := make([]float64, len(reconstruction))
	for i := range out {
		r, l := (logScore(reconstruction[i])-s[0])/s[1], (c.latentTerm(latent[i])-s[2])/s[3]
		if c == SumLogCombination {
			out[i] = r + l
		} else {
			out[i] = max(r, l)
		}
	}
	return out
}
