package seq_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// The lecture's MNIST model: 28 steps of 28 pixels into LSTM(128), its last
// hidden state into Dense(10). Parameter names and shapes are PyTorch's.
func ExampleNewClassifier() {
	model := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
	for _, p := range model.Params() {
		fmt.Println(p.Name, p.Shape)
	}
	images := nn.NewMatrix[float32](64, 28*28) // a batch of 64 images, row by row
	logits := model.Forward(images, false)
	fmt.Println("logits", logits.Shape())
	// Output:
	// lstm.weight_ih_l0 [512 28]
	// lstm.weight_hh_l0 [512 128]
	// lstm.bias_ih_l0 [512]
	// lstm.bias_hh_l0 [512]
	// fc.weight [10 128]
	// fc.bias [10]
	// logits 64×10
}

// A model file carries the architecture beside the weights: LoadClassifier
// rebuilds the model with one call, and extra metadata comes back with it.
func ExampleLoadClassifier() {
	dir, err := os.MkdirTemp("", "physml-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "gru.safetensors")
	model := seq.NewClassifier[float32](seq.GRU, seq.Config{InputSize: 3, HiddenSize: 16, NumLayers: 2}, 4, nn.NewRand(1))
	if err := model.Save(path, map[string]string{"experiment": "run 7"}); err != nil {
		panic(err)
	}
	loaded, meta, err := seq.LoadClassifier[float32](path)
	if err != nil {
		panic(err)
	}
	fmt.Println(loaded.RNN.Cell, loaded.RNN.InputSize, loaded.RNN.HiddenSize, loaded.RNN.NumLayers, loaded.FC.Out)
	fmt.Println(meta["physml.cell"], meta["experiment"])
	// Output:
	// GRU 3 16 2 4
	// gru run 7
}

// xLSTM's cells in the lecture's classifier: an mLSTM with 4 heads (a 32×32
// memory each) reads the 28 rows of an image.
func ExampleNewClassifier_mLSTM() {
	model := seq.NewClassifier[float32](seq.MLSTMCell, seq.Config{InputSize: 28, HiddenSize: 128, Heads: 4}, 10, nn.NewRand(1))
	fmt.Println(model.RNN)
	for _, p := range model.Params() {
		fmt.Println(p.Name, p.Shape)
	}
	// Output:
	// mLSTM(28, 128, num_layers=1, num_heads=4, dropout=0)
	// mlstm.weight_ih_l0 [520 28]
	// mlstm.bias_l0 [520]
	// fc.weight [10 128]
	// fc.bias [10]
}

// The recurrent form of the mLSTM, one step at a time — for generation or
// streaming — gives what the parallel form gives for the whole sequence.
func ExampleMLSTM_Step() {
	layer := seq.NewMLSTM[float64](2, 4, 2, nn.NewRand(1))
	x := nn.MatrixFrom(1, 3*2, []float64{0.5, -1, 1, 0.25, -0.5, 2}) // one sequence of 3 steps
	whole := layer.Forward(x, false)
	state := layer.NewState(1)
	for t := 0; t < 3; t++ {
		h := layer.Step(nn.MatrixFrom(1, 2, x.Data[2*t:2*t+2]), state)
		fmt.Printf("step %d: %.6f (parallel form: %.6f)\n", t, h.Data[0], whole.Data[4*t])
	}
	// Output:
	// step 0: 0.030036 (parallel form: 0.030036)
	// step 1: 0.186920 (parallel form: 0.186920)
	// step 2: 0.166143 (parallel form: 0.166143)
}

// The library section of the README, as it is written there: train the
// lecture's classifier, save it, load it. Here on 256 MNIST-shaped random
// images with labels from their mean brightness, for 3 epochs.
func ExampleClassifier_training() {
	ctx := context.Background()
	rng := nn.NewRand(2)
	images, labels := nn.NewMatrix[float32](256, 28*28), make([]int, 256)
	for i := range labels {
		var sum float32
		for j := range images.Row(i) {
			v := float32(rng.Float64())
			images.Row(i)[j], sum = v*v, sum+v*v
		}
		labels[i] = int(sum/(28*28)*30) % 10
	}
	dir, err := os.MkdirTemp("", "physml-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil { // the README writes lstm.safetensors here
		panic(err)
	}
	defer os.Chdir(wd)

	// The README's code:
	model := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: 1e-3})
	hist, err := nn.Fit(ctx, model, nn.CrossEntropy[float32]{}, opt,
		nn.Dataset[float32]{X: images, Labels: labels}, nn.FitConfig[float32]{Epochs: 3, BatchSize: 64, ValidationSplit: 0.2})
	err = model.Save("lstm.safetensors", nil)                            // weights load in PyTorch with load_state_dict
	loaded, meta, err := seq.LoadClassifier[float32]("lstm.safetensors") // the architecture is in the file

	if err != nil {
		panic(err)
	}
	fmt.Println(len(hist.Epochs), "epochs;", meta["physml.cell"], loaded.RNN.HiddenSize, loaded.FC.Out)
	// Output: 3 epochs; lstm 128 10
}

// The lecture's "keep gate" made visible: after a forward pass in
// evaluation mode, Trace returns for one sequence the activations of the
// gates at every step and the states they produce.
func ExampleRecurrent_Trace() {
	lstm := seq.NewRecurrent[float64](seq.LSTM, seq.Config{InputSize: 1, HiddenSize: 2, NumLayers: 1}, nn.NewRand(1))
	x := nn.NewMatrix[float64](1, 5) // one sequence of 5 steps of 1 value
	for t := range x.Data {
		x.Data[t] = float64(t)
	}
	lstm.Forward(x, false)
	traces, err := lstm.Trace(0)
	if err != nil {
		panic(err)
	}
	tr := traces[0]
	fmt.Println("gates", tr.Gates, "steps", tr.Steps, "units", tr.Hidden)
	// h_t = o_t ⊙ tanh(c_t) at every step.
	ok := true
	for k, c := range tr.Cell {
		t, j := k/tr.Hidden, k%tr.Hidden
		o := tr.Activations[t*4*tr.Hidden+3*tr.Hidden+j]
		ok = ok && math.Abs(tr.State[k]-o*math.Tanh(c)) < 1e-12
	}
	fmt.Println("h = o·tanh(c):", ok)
	// Output:
	// gates [i f g o] steps 5 units 2
	// h = o·tanh(c): true
}

// A many-to-many model for forecasting: the same Dense layer on the hidden
// state of every step.
func ExampleNewRegressor() {
	model := seq.NewRegressor[float32](seq.GRU, seq.Config{InputSize: 3, HiddenSize: 16}, 3, nn.NewRand(1))
	series := nn.NewMatrix[float32](8, 20*3) // 8 windows of 20 steps of 3 variables
	fmt.Println(model.Forward(series, false).Shape())
	// Output:
	// 8×60
}
