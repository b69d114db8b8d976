package decomposition

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/lapack"
)

// PrincipalAngles returns the principal angles, in radians and increasing,
// between the row spaces of A (k_a×p) and B (k_b×p): min(k_a, k_b) angles
// θ_i = arccos σ_i, where σ_i are the singular values of Q_Aᵀ Q_B and Q_A,
// Q_B orthonormal bases of the two spaces (scipy.linalg.subspace_angles
// gives the same angles, decreasing). All angles zero means one space
// contains the other. The rows need not be orthonormal, but must be
// linearly independent.
func PrincipalAngles(A, B mat.Matrix) ([]float64, error) {
	qa, ka, p, err := orthonormalRows("A", A)
	if err != nil {
		return nil, err
	}
	qb, kb, pb, err := orthonormalRows("B", B)
	if err != nil {
		return nil, err
	}
	if p != pb {
		return nil, fmt.Errorf("decomposition: principal angles between spaces of dimension %d and %d", p, pb)
	}
	m := make([]float64, ka*kb) // Q_Aᵀ Q_B, with the bases in columns (p×k)
	blas.Gemm(blas.Trans, blas.NoTrans, ka, kb, p, 1, qa, ka, qb, kb, 0, m, kb)
	r := min(ka, kb)
	s := make([]float64, r)
	u := make([]float64, ka*r)
	vt := make([]float64, r*kb)
	if !lapack.SVD(ka, kb, m, kb, s, u, r, vt, kb) {
		return nil, errors.New("decomposition: SVD did not converge")
	}
	angles := make([]float64, r)
	for i, c := range s {
		angles[i] = math.Acos(min(1, c))
	}
	return angles, nil
}

// orthonormalRows returns an orthonormal basis (p×k, row-major, bases in
// columns) of the row space of the k×p matrix a.
func orthonormalRows(name string, a mat.Matrix) ([]float64, int, int, error) {
	k, p := a.Dims()
	if k == 0 || k > p {
		return nil, 0, 0, fmt.Errorf("decomposition: %s is %d×%d: want 1 ≤ rows ≤ columns", name, k, p)
	}
	data, _, _, err := rowMajor(name, a)
	if err != nil {
		return nil, 0, 0, err
	}
	if mat.Norm(a, 1) == 0 {
		return nil, 0, 0, fmt.Errorf("decomposition: %s is zero", name)
	}
	q := make([]float64, p*k) // aᵀ
	for i := 0; i < k; i++ {
		for j := 0; j < p; j++ {
			q[j*k+i] = data[i*p+j]
		}
	}
	lapack.QR(p, k, q, k)
	return q, k, p, nil
}
