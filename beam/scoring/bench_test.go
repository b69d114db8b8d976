package scoring

import (
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/beam/internal/beamtest"
	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
)

// mnistModel writes MNIST's training images as 8 shards and the lecture's
// autoencoder (784-256-64, BCE) as a model file.
func mnistModel(b *testing.B) (glob, model string) {
	X, err := beamtest.Train()
	if err != nil {
		b.Skip(err)
	}
	// Shards of pixel values 0–255, as an MNIST model's rows hold them.
	X.Scale(255, X)
	if glob, err = beamtest.Write(b.TempDir(), X, 8); err != nil {
		b.Fatal(err)
	}
	a, err := ae.New[float32](ae.Config{Layers: []int{784, 256, 64}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		b.Fatal(err)
	}
	model = filepath.Join(b.TempDir(), "ae.safetensors")
	if err := a.Save(model, map[string]string{"physml.data": "mnist", "physml.normalization": "unit"}); err != nil {
		b.Fatal(err)
	}
	return glob, model
}

// Reconstruction errors of MNIST's 60000 training images in 8 shards on the
// local runner: reading, scoring in blocks of 1024 rows, writing a .npy of
// scores per shard.
func BenchmarkPipelineScoreMNIST8Shards(b *testing.B) {
	glob, model := mnistModel(b)
	out := b.TempDir()
	b.ResetTimer()
	for range b.N {
		p, s := beam.NewPipelineWithRoot()
		shards.WriteShards(s, out, ".scores", shards.Npy, nil, Score(s, model, shards.Read(s, glob, shards.Options{})))
		if err := beamtest.Run(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(60000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// The same in one process: read the shards and score them with the model.
func BenchmarkSingleProcessScoreMNIST8Shards(b *testing.B) {
	glob, model := mnistModel(b)
	names, err := filepath.Glob(glob)
	if err != nil {
		b.Fatal(err)
	}
	m, err := saved.Load(model)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		for _, name := range names {
			a, err := dataset.ReadNpy(name)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Score(a.Data, a.Shape[0], 784); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(60000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
