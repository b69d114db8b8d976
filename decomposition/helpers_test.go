package decomposition

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

func randomData(n, p int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	X := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			X.Set(i, j, rng.NormFloat64()*float64(j+1)+float64(j))
		}
	}
	return X
}
