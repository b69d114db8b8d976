package nn_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/physml/physml/nn"
)

// Fit a straight line y = 2x − 1 with one Dense layer, MSE and SGD with
// momentum.
func ExampleFit() {
	x := nn.NewMatrix[float64](100, 1)
	y := nn.NewMatrix[float64](100, 1)
	for i := 0; i < 100; i++ {
		v := float64(i)/50 - 1
		x.Set(i, 0, v)
		y.Set(i, 0, 2*v-1)
	}
	model := nn.NewSequential[float64](nn.NewDense[float64](1, 1, nn.NewRand(1)))
	opt := nn.NewSGD(model.Params(), nn.SGDConfig{LR: 0.1, Momentum: 0.9})
	hist, err := nn.Fit(context.Background(), model, nn.MSE[float64]{}, opt,
		nn.Dataset[float64]{X: x, Y: y}, nn.FitConfig[float64]{Epochs: 50, BatchSize: 10, Seed: 1})
	if err != nil {
		panic(err)
	}
	p := model.Params()
	fmt.Printf("%s = %.3f, %s = %.3f, final loss below 1e-12: %t\n", p[0].Name, p[0].Value[0], p[1].Name, p[1].Value[0], hist.Epochs[49].TrainLoss < 1e-12)
	// Output: 0.weight = 2.000, 0.bias = -1.000, final loss below 1e-12: true
}

// A classifier from layers: Dense, ReLU, Dense; cross-entropy on logits as
// torch.nn.CrossEntropyLoss; Adam; the predicted classes and accuracy.
func ExampleCrossEntropy() {
	// Two classes: the sign of x₀ + x₁.
	x := nn.NewMatrix[float64](200, 2)
	labels := make([]int, 200)
	rng := nn.NewRand(1)
	for i := range labels {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.Set(i, 0, a)
		x.Set(i, 1, b)
		if a+b > 0 {
			labels[i] = 1
		}
	}
	model := nn.NewSequential[float64](nn.NewDense[float64](2, 8, rng), nn.ReLU[float64](), nn.NewDense[float64](8, 2, rng))
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: 0.05})
	_, err := nn.Fit(context.Background(), model, nn.CrossEntropy[float64]{}, opt,
		nn.Dataset[float64]{X: x, Labels: labels}, nn.FitConfig[float64]{Epochs: 30, BatchSize: 20, Seed: 1})
	if err != nil {
		panic(err)
	}
	scores := nn.Predict(model, x, 0)
	fmt.Println("parameters:", nn.CountParams(model.Params()))
	fmt.Println("training accuracy above 0.97:", nn.Accuracy(scores, labels) > 0.97)
	// Output:
	// parameters: 42
	// training accuracy above 0.97: true
}

// Weights go out and come back in safetensors, under PyTorch's state_dict
// names; torch.load_state_dict reads the same file.
func ExampleSaveSafetensors() {
	dir, err := os.MkdirTemp("", "physml-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "mlp.safetensors")
	model := nn.NewSequential[float32](nn.NewDense[float32](3, 4, nn.NewRand(1)), nn.TanhLayer[float32](), nn.NewDense[float32](4, 1, nn.NewRand(2)))
	if err := nn.SaveSafetensors(path, model.Params(), map[string]string{"note": "example"}); err != nil {
		panic(err)
	}
	tensors, meta, err := nn.ReadSafetensors(path)
	if err != nil {
		panic(err)
	}
	fmt.Println(tensors["0.weight"].DType, tensors["0.weight"].Shape, tensors["2.bias"].Shape, meta["note"])
	fresh := nn.NewSequential[float32](nn.NewDense[float32](3, 4, nn.NewRand(7)), nn.TanhLayer[float32](), nn.NewDense[float32](4, 1, nn.NewRand(8)))
	if err := nn.LoadSafetensors(path, fresh.Params()); err != nil {
		panic(err)
	}
	fmt.Println("same weights:", fresh.Params()[0].Value[0] == model.Params()[0].Value[0])
	// Output:
	// F32 [4 3] [1] example
	// same weights: true
}

// The backward pass of any float64 layer against central differences.
func ExampleGradientCheck() {
	layer := nn.NewSequential[float64](nn.NewDense[float64](3, 5, nn.NewRand(1)), nn.SigmoidLayer[float64](), nn.NewDense[float64](5, 2, nn.NewRand(2)))
	x := nn.MatrixFrom(2, 3, []float64{0.5, -1, 2, 1.5, 0.25, -0.75})
	res := nn.GradientCheck(layer, x, nn.GradCheckOptions{})
	fmt.Println("largest relative error below 1e-6:", res.MaxRelError < 1e-6)
	// Output: largest relative error below 1e-6: true
}

// A table of rows becomes a matrix of the model's precision; a gonum matrix
// likewise with FromDense. A Sequential of Dense layers and activations is
// a multilayer perceptron.
func ExampleFromRows() {
	x, err := nn.FromRows[float32]([][]float64{{0, 1}, {1, 0}, {1, 1}})
	if err != nil {
		panic(err)
	}
	mlp := nn.NewSequential[float32](nn.NewDense[float32](2, 8, nn.NewRand(1)), nn.ReLU[float32](), nn.NewDense[float32](8, 3, nn.NewRand(2)))
	y := nn.Predict[float32](mlp, x, 64)
	fmt.Println("input", x.Shape(), "output", y.Shape())
	fmt.Println("parameters", nn.CountParams(mlp.Params()))
	// Output:
	// input 3×2 output 3×3
	// parameters 51
}
