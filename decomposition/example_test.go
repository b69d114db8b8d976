package decomposition_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/lapack"
)

// lectureData is the lecture's example: x ~ N(0, 1), y = 4 + 3x + ε with
// ε ~ N(0, 1), for n samples.
func lectureData(n int) *mat.Dense {
	rng := rand.New(rand.NewPCG(1, 2))
	X := mat.NewDense(n, 2, nil)
	for i := 0; i < n; i++ {
		x := rng.NormFloat64()
		X.Set(i, 0, x)
		X.Set(i, 1, 4+3*x+rng.NormFloat64())
	}
	return X
}

// The covariance matrix of the lecture's example with both normalisations,
// on 20 samples, where 1/n and 1/(n−1) differ visibly (the population values
// are var(x) = 1, cov(x, y) = 3, var(y) = 10).
func ExampleCovariance() {
	X := lectureData(20)
	for _, ddof := range []int{0, 1} {
		c, err := decomposition.Covariance(X, ddof)
		if err != nil {
			panic(err)
		}
		fmt.Printf("ddof %d:\n%.2f\n", ddof, mat.Formatted(c))
	}
	// Output:
	// ddof 0:
	// ⎡0.87  2.74⎤
	// ⎣2.74  9.97⎦
	// ddof 1:
	// ⎡ 0.92   2.89⎤
	// ⎣ 2.89  10.50⎦
}

// The correlation matrix is symmetric with 1 on the diagonal and positive
// definite: its eigenvalues are 1 ± ρ.
func ExampleCorrelation() {
	r, err := decomposition.Correlation(lectureData(100000))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", mat.Formatted(r))
	a := mat.DenseCopyOf(r).RawMatrix().Data
	values := make([]float64, 2)
	vectors := make([]float64, 4)
	lapack.EigSym(2, a, 2, values, vectors, 2)
	fmt.Printf("eigenvalues %.3f\n", values)
	// Output:
	// ⎡1.000  0.949⎤
	// ⎣0.949  1.000⎦
	// eigenvalues [1.949 0.051]
}

// PCA of the lecture's data: the first component points nearly along the line
// y = 4 + 3x (the direction of (1, 3) tilted towards y by the noise), and carries almost all the variance.
func ExamplePCA() {
	pca := decomposition.PCA{NComponents: 2}
	if err := pca.Fit(lectureData(100000)); err != nil {
		panic(err)
	}
	fmt.Printf("solver %v\n", pca.UsedSolver)
	fmt.Printf("first component %.2f\n", pca.Components.RawRowView(0))
	fmt.Printf("explained variance ratio %.3f\n", pca.ExplainedVarianceRatio)
	// Output:
	// solver covariance
	// first component [0.29 0.96]
	// explained variance ratio [0.992 0.008]
}

// PCA of data that does not fit in memory at once: IncrementalPCA takes it
// in blocks (or merges fits made apart) and gives the batch PCA's result.
func ExampleIncrementalPCA() {
	X := lectureData(10000)
	var inc decomposition.IncrementalPCA
	inc.Options.NComponents = 1
	for from := 0; from < 10000; from += 2500 {
		if err := inc.PartialFit(X.Slice(from, from+2500, 0, 2)); err != nil {
			panic(err)
		}
	}
	pca, err := inc.PCA()
	if err != nil {
		panic(err)
	}
	batch := decomposition.PCA{NComponents: 1}
	if err := batch.Fit(X); err != nil {
		panic(err)
	}
	fmt.Printf("%d samples; first component %.4f, batch PCA's %.4f\n", inc.NSamples(), pca.Components.RawRowView(0), batch.Components.RawRowView(0))
	// Output: 10000 samples; first component [0.2903 0.9569], batch PCA's [0.2903 0.9569]
}

// The principal angles between two subspaces (given by the rows of A and
// B): 0 for a shared direction, π/2 for orthogonal ones.
func ExamplePrincipalAngles() {
	A := mat.NewDense(2, 3, []float64{1, 0, 0, 0, 1, 0}) // the x–y plane
	B := mat.NewDense(2, 3, []float64{1, 1, 0, 0, 0, 1}) // the diagonal of x–y, and z
	angles, err := decomposition.PrincipalAngles(A, B)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", angles)
	// Output: [0.0000 1.5708]
}

// Moments gathered on two chunks (two files, two workers) and merged equal
// those of all rows: the covariance of the whole, exactly up to rounding.
// Their binary encoding carries them between processes.
func ExampleMoments() {
	var a, b decomposition.Moments
	if err := a.Add(mat.NewDense(3, 2, []float64{1, 2, 2, 4, 3, 5})); err != nil {
		panic(err)
	}
	if err := b.Add(mat.NewDense(2, 2, []float64{4, 9, 5, 10})); err != nil {
		panic(err)
	}
	wire, err := b.MarshalBinary()
	if err != nil {
		panic(err)
	}
	var received decomposition.Moments
	if err := received.UnmarshalBinary(wire); err != nil {
		panic(err)
	}
	if err := a.Merge(&received); err != nil {
		panic(err)
	}
	cov, err := a.Covariance(1)
	if err != nil {
		panic(err)
	}
	fmt.Println("rows", a.N(), "mean", a.Mean())
	fmt.Printf("covariance %.2f\n", mat.Formatted(cov, mat.Prefix("           ")))
	// Output:
	// rows 5 mean [3 6]
	// covariance ⎡ 2.50   5.25⎤
	//            ⎣ 5.25  11.50⎦
}
