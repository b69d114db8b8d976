package nn_test

import (
	"context"
	"fmt"

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
	hist, err := nn.Fit(context.Background(), nn.Layer[float64](model), nn.MSE[float64]{}, nn.Optimizer[float64](opt),
		nn.Dataset[float64]{X: x, Y: y}, nn.FitConfig[float64]{Epochs: 50, BatchSize: 10, Seed: 1})
	if err != nil {
		panic(err)
	}
	p := model.Params()
	fmt.Printf("%s = %.3f, %s = %.3f, final loss below 1e-12: %t\n", p[0].Name, p[0].Value[0], p[1].Name, p[1].Value[0], hist.Epochs[49].TrainLoss < 1e-12)
	// Output: 0.weight = 2.000, 0.bias = -1.000, final loss below 1e-12: true
}
