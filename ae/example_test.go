package ae_test

import (
	"fmt"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// The lecture's MNIST autoencoder, 784-256-64-256-784 with the decoder
// mirrored automatically; BCE requires the sigmoid output.
func ExampleNew() {
	a, err := ae.New[float32](ae.Config{Layers: []int{784, 256, 64}, Hidden: ae.ReLU, Code: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		panic(err)
	}
	fmt.Println(a)
	_, err = ae.New[float32](ae.Config{Layers: []int{784, 64}, Output: ae.Tanh, Loss: ae.BCELoss}, nn.NewRand(1))
	fmt.Println(err)
	// Output:
	// Autoencoder(784-256-64-256-784, hidden relu, output sigmoid, loss bce, tied false)
	// ae: binary cross-entropy needs outputs in [0, 1]: use the sigmoid output activation, not tanh
}

// PyTorch's VAE example (784-400-20): the loss is the negative ELBO, the
// reconstruction term summed over features plus the KL divergence; Sample
// decodes draws from the prior and Interpolate the line between two codes.
func ExampleNewVAE() {
	v, err := ae.NewVAE[float32](ae.VAEConfig{Layers: []int{784, 400, 20}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1), 7)
	if err != nil {
		panic(err)
	}
	fmt.Println(v)
	fmt.Println("latent size", v.Latent(), "parameters", nn.CountParams(v.Params()))
	fmt.Println("samples", v.Sample(16, nn.NewRand(2)).Shape())
	fmt.Println("path", v.Interpolate(make([]float32, 20), make([]float32, 20), 8).Shape())
	// Output:
	// VAE(784-400-20, hidden relu, output sigmoid, loss bce, β 1)
	// latent size 20 parameters 652824
	// samples 16×784
	// path 8×784
}

// Anomaly detection with reconstruction errors: the threshold is a quantile
// of the errors on normal data; ROC AUC and precision–recall measure how
// well the errors separate the anomalies (as scikit-learn's metrics).
func ExampleNewDetector() {
	normal := []float64{0.10, 0.12, 0.08, 0.11, 0.09, 0.13, 0.10, 0.07, 0.12, 0.11}
	det := ae.NewDetector(normal, 0.9) // flags about 10 % of normal data
	test := []float64{0.09, 0.30, 0.11, 0.25, 0.14}
	anomalous := []bool{false, true, false, true, false}
	fmt.Printf("threshold %.3f, flagged %v\n", det.Threshold, det.Predict(test))
	_, _, _, ap := ae.PrecisionRecall(test, anomalous)
	fmt.Printf("ROC AUC %.2f, average precision %.2f\n", ae.ROCAUC(test, anomalous), ap)
	// Output:
	// threshold 0.121, flagged [false true false true true]
	// ROC AUC 1.00, average precision 1.00
}

// An LSTM autoencoder for sequences: the encoder's last hidden state goes
// to the code, which the decoder repeats at every step (Keras's
// RepeatVector design); errors are per sequence, over its valid steps.
func ExampleNewSequenceAE() {
	a, err := ae.NewSequenceAE[float64](ae.SequenceConfig{Cell: seq.LSTM, Features: 2, Hidden: 16, Code: 4}, nn.NewRand(1))
	if err != nil {
		panic(err)
	}
	x := nn.NewMatrix[float64](3, 10*2) // 3 sequences of 10 steps of 2 values
	lengths := []int{10, 6, 8}
	fmt.Println(a)
	fmt.Println("codes", a.Encode(x, lengths).Shape(), "errors", len(a.ReconstructionErrors(x, lengths)))
	// Output:
	// SequenceAE(LSTM, 2 features, hidden 16, 1 layers, code 4)
	// codes 3×4 errors 3
}
