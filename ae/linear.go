package ae

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/nn"
)

// LinearComparison compares a linear autoencoder with PCA on the same data.
type LinearComparison struct {
	// Angles are the principal angles (radians, increasing) between the
	// span of the decoder's columns and the span of the top-k principal
	// components.
	Angles []float64
	// AutoencoderMSE and PCAMSE are the mean squared reconstruction errors
	// per element of the autoencoder and of the rank-k PCA reconstruction.
	AutoencoderMSE, PCAMSE float64
	History                nn.History
}

// NewLinear returns the linear autoencoder p → k → p (identity activations,
// MSE): the lecture's link to PCA, since its optimum spans the top-k
// principal subspace.
func NewLinear[T Float](p, k int, seed uint64) *Autoencoder[T] {
	a, err := New[T](Config{Layers: []int{p, k}, Hidden: Identity, Code: Identity, Output: Identity, Loss: MSELoss}, nn.NewRand(seed))
	if err != nil {
		panic(err) // the configuration is valid by construction
	}
	return a
}

// CompareLinearWithPCA trains the linear autoencoder of NewLinear on the rows
// of x with opt and cfg, fits a k-component PCA to the same data, and
// returns the principal angles between the two subspaces and both
// reconstruction errors.
func CompareLinearWithPCA[T Float](ctx context.Context, a *Autoencoder[T], x *nn.Matrix[T], opt nn.Optimizer[T], cfg nn.FitConfig[T]) (LinearComparison, error) {
	var res LinearComparison
	if len(a.Layers) != 2 || a.Hidden != Identity || a.Output != Identity || a.Code != Identity {
		return res, fmt.Errorf("ae: %v is not a linear autoencoder", a)
	}
	k := a.Layers[1]
	hist, err := nn.Fit(ctx, a, a.TrainingLoss(), opt, nn.Dataset[T]{X: x, Y: x}, cfg)
	res.History = hist
	if err != nil {
		return res, err
	}
	x64 := nn.Convert[float64](x)
	data := mat.NewDense(x.Rows, x.Cols, x64.Data)
	pca := decomposition.PCA{NComponents: k}
	scores, err := pca.FitTransform(data)
	if err != nil {
		return res, err
	}
	back, err := pca.InverseTransform(scores)
	if err != nil {
		return res, err
	}
	res.PCAMSE = meanSquaredDiff(back.RawMatrix().Data, x64.Data)
	res.AutoencoderMSE = a.ReconstructionMSE(x)

	// The decoder weight is (p, k): its columns span the learned subspace.
	w := a.Decoder.Layers[0].Params()[0]
	basis := mat.NewDense(k, x.Cols, nil)
	for i := 0; i < x.Cols; i++ {
		for j := 0; j < k; j++ {
			basis.Set(j, i, float64(w.Value[i*k+j]))
		}
	}
	res.Angles, err = decomposition.PrincipalAngles(basis, pca.Components)
	return res, err
}

// PCAReconstruction returns the reconstructions of the test rows by PCA
// with k components fitted on the training rows, and their mean squared
// error per element: the lecture's yardstick for an autoencoder with a
// code of k.
func PCAReconstruction[T Float](k int, train, test *nn.Matrix[T], seed uint64) (*nn.Matrix[T], float64, error) {
	pca := decomposition.PCA{NComponents: k, Seed: seed}
	dense := func(m *nn.Matrix[T]) *mat.Dense { return mat.NewDense(m.Rows, m.Cols, nn.Convert[float64](m).Data) }
	rec, err := pca.Reconstruction(dense(train), dense(test))
	if err != nil {
		return nil, 0, err
	}
	var sum float64
	for i, v := range rec.RawMatrix().Data {
		e := v - float64(test.Data[i])
		sum += e * e
	}
	return nn.Convert[T](nn.MatrixFrom(test.Rows, test.Cols, rec.RawMatrix().Data)), sum / float64(len(test.Data)), nil
}
