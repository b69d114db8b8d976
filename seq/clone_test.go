package seq

import (
	"math"
	"sync"
	"testing"

	"github.com/physml/physml/nn"
)

// TestConcurrentPredictThroughClone runs inference on four goroutines, each
// with its own Clone, and checks every result against the original's (run
// it with -race: the clones must share nothing mutable).
func TestConcurrentPredictThroughClone(t *testing.T) {
	rng := nn.NewRand(3)
	model := NewClassifier[float64](LSTM, Config{InputSize: 3, HiddenSize: 5, NumLayers: 2, Bidirectional: true}, 4, rng)
	x := nn.NewMatrix[float64](40, 6*3)
	nn.Uniform(rng, x.Data, 1)
	want := nn.Predict[float64](model, x, 7)

	const workers = 4
	got := make([]*nn.Matrix[float64], workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		clone := model.Clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 5; rep++ {
				got[w] = nn.Predict[float64](clone, x, 7)
			}
		}()
	}
	wg.Wait()
	// The same batches give the same sums, up to the order OpenBLAS may
	// choose while other goroutines hold it to one thread (measured: equal,
	// or 2e-17 apart).
	for w, g := range got {
		for i := range want.Data {
			if d := math.Abs(g.Data[i] - want.Data[i]); !(d <= 1e-14) {
				t.Fatalf("worker %d: logit %d is %v, the original gives %v", w, i, g.Data[i], want.Data[i])
			}
		}
	}
	// A clone owns its parameters: changing it leaves the original alone.
	clone := model.Clone()
	clone.FC.Weight.Value[0] += 1
	if model.FC.Weight.Value[0] == clone.FC.Weight.Value[0] {
		t.Error("the clone shares its Dense weights with the original")
	}
	clone.RNN.Params()[0].Value[0] += 1
	if model.RNN.Params()[0].Value[0] == clone.RNN.Params()[0].Value[0] {
		t.Error("the clone shares its recurrent weights with the original")
	}
}

// TestNaNDropoutIsRefused: NaN passed every "< 0 || ≥ 1" check.
func TestNaNDropoutIsRefused(t *testing.T) {
	defer func() {
		if msg, _ := recover().(string); msg != "seq: dropout NaN outside [0, 1)" {
			t.Errorf("panic %q", msg)
		}
	}()
	NewLSTM[float64](Config{InputSize: 2, HiddenSize: 2, NumLayers: 2, Dropout: math.NaN()}, nn.NewRand(1))
}
