package ae

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/physml/physml/nn"
)

// TestConcurrentReconstructThroughClone reconstructs on four goroutines,
// each with its own Clone, and compares with the original (run with -race).
func TestConcurrentReconstructThroughClone(t *testing.T) {
	rng := nn.NewRand(5)
	model, err := New[float32](Config{Layers: []int{12, 6, 3}, Hidden: ReLU, Output: Sigmoid, Loss: BCELoss, TiedWeights: true}, rng)
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewMatrix[float32](30, 12)
	nn.Uniform(rng, x.Data, 1)
	want := model.Reconstruct(x)
	got := make([]*nn.Matrix[float32], 4)
	var wg sync.WaitGroup
	for w := range got {
		clone := model.Clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 5; rep++ {
				got[w] = clone.Reconstruct(x)
			}
		}()
	}
	wg.Wait()
	for w, g := range got {
		for i := range want.Data {
			if g.Data[i] != want.Data[i] {
				t.Fatalf("worker %d: value %d is %v, the original gives %v", w, i, g.Data[i], want.Data[i])
			}
		}
	}
	clone := model.Clone()
	clone.Params()[0].Value[0] += 1
	if model.Params()[0].Value[0] == clone.Params()[0].Value[0] {
		t.Error("the clone shares its weights with the original")
	}
}

// TestNaNSparsityIsRefused: NaN passed the "< 0" check.
func TestNaNSparsityIsRefused(t *testing.T) {
	for _, s := range []float64{math.NaN(), math.Inf(1), -1} {
		_, err := New[float64](Config{Layers: []int{4, 2}, Sparsity: s}, nn.NewRand(1))
		if err == nil || !strings.Contains(err.Error(), "sparsity") {
			t.Errorf("sparsity %v: error %v", s, err)
		}
	}
}
