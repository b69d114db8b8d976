package scoring

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/beam/internal/beamtest"
	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
	"github.com/physml/physml/seq"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// data returns n × p values in the units of a physicist's table.
func data(n, p int) []float64 {
	x := make([]float64, n*p)
	for i := range n {
		for j := range p {
			x[i*p+j] = 100*float64(j) + float64(j+1)*math.Sin(0.21*float64(i)*float64(j%4+1)+float64(j))
		}
	}
	return x
}

// writeShards writes the n rows of x (of p values) as the given shard
// sizes and returns their glob and names.
func writeShards(t *testing.T, dir string, x []float64, p int, sizes []int) (string, []string) {
	t.Helper()
	var names []string
	row := 0
	for i, n := range sizes {
		name := filepath.Join(dir, fmt.Sprintf("part-%d.npy", i))
		if err := shards.WriteNpy(context.Background(), name, n, p, x[row*p:(row+n)*p]); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		row += n
	}
	return filepath.Join(dir, "part-*.npy"), names
}

// score runs the scoring pipeline and returns the scores of all shards, in
// the order of names.
func score(t *testing.T, model, glob string, names []string, opt shards.Options) []float64 {
	t.Helper()
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	shards.WriteShards(s, out, ".scores", shards.Npy, nil, Score(s, model, shards.Read(s, glob, opt)))
	if err := beamtest.Run(p); err != nil {
		t.Fatal(err)
	}
	var all []float64
	for _, name := range names {
		a, err := dataset.ReadNpy(shards.OutputName(out, name, ".scores", ".npy"))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, a.Data...)
	}
	return all
}

// The pipeline's scores are ReconstructionErrors' (which runs the model on
// batches of 512 rows) of the same rows. ReconstructionErrors of each shard
// in one process batches the rows as the pipeline does (blocks of 1024 from
// the shard's first row): equal bit for bit in both builds, whatever the
// shard sizes. ReconstructionErrors of all the data at once: bit for bit
// when the blocks are its batches — shards of multiples of 512 rows read in
// blocks of 512 — in both builds; otherwise bit for bit with gonum's GEMM,
// whose rows do not depend on their neighbours, and to a float32 rounding
// with OpenBLAS, whose SGEMM rounds a row differently at the edge of a
// block (measured: 3.0e-8 relative).
func TestScoresEqualReconstructionErrorsExactly(t *testing.T) {
	const p = 20
	for _, c := range []struct {
		name      string
		sizes     []int
		blockRows int
		perShard  bool
		tol       float64
	}{
		{"each shard", []int{700, 1, 2299, 500}, 0, true, 0},
		{"batches", []int{1024, 512, 1536}, 512, false, 0},
		{"other blocks", []int{700, 1, 1299, 500}, 300, false, map[bool]float64{true: 2e-7, false: 0}[blas.Backend() == "openblas"]},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			for _, k := range c.sizes {
				n += k
			}
			x := data(n, p)
			scaler, err := dataset.FitScaler(dataset.Standard, x, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ae.New[float32](ae.Config{Layers: []int{p, 12, 3}, Hidden: ae.Tanh, Output: ae.Identity, Loss: ae.MSELoss}, nn.NewRand(5))
			if err != nil {
				t.Fatal(err)
			}
			meta := scaler.Metadata("physml.input_")
			meta["physml.data"] = "user"
			model := filepath.Join(t.TempDir(), "ae.safetensors")
			if err := a.Save(model, meta); err != nil {
				t.Fatal(err)
			}
			glob, names := writeShards(t, t.TempDir(), x, p, c.sizes)
			got := score(t, model, glob, names, shards.Options{BlockRows: c.blockRows})

			in := dataset.Transform[float32](scaler, x)
			want := a.ReconstructionErrors(nn.MatrixFrom(n, p, in))
			if c.perShard {
				var each []float64
				row := 0
				for _, k := range c.sizes {
					each = append(each, a.ReconstructionErrors(nn.MatrixFrom(k, p, in[row*p:(row+k)*p]))...)
					row += k
				}
				want = each
			}
			numcheck.CloseRel(t, "scores", got, want, c.tol, 0)
		})
	}
}

func TestClassifierProbabilitiesOfShards(t *testing.T) {
	const features, steps = 3, 5
	const p = features * steps
	n := 900
	x := data(n, p)
	c := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: features, HiddenSize: 6, NumLayers: 2}, 4, nn.NewRand(2))
	meta := map[string]string{"physml.data": "user", "physml.feature_mean": "100,200,300", "physml.feature_std": "50,60,70"}
	model := filepath.Join(t.TempDir(), "c.safetensors")
	if err := c.Save(model, meta); err != nil {
		t.Fatal(err)
	}
	glob, names := writeShards(t, t.TempDir(), x, p, []int{400, 500})
	got := score(t, model, glob, names, shards.Options{})

	m, err := saved.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Score(x, n, p)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "probabilities", got, want, 0)
	for i := range n {
		var sum float64
		for _, v := range got[i*4 : i*4+4] {
			sum += v
		}
		if !(math.Abs(sum-1) <= 1e-15) {
			t.Fatalf("probabilities of row %d sum to %v", i, sum)
		}
	}
}

func TestScoringRefusesAModelThatDoesNotFit(t *testing.T) {
	a, err := ae.New[float32](ae.Config{Layers: []int{5, 2}, Hidden: ae.Tanh, Output: ae.Identity, Loss: ae.MSELoss}, nn.NewRand(5))
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(t.TempDir(), "ae.safetensors")
	if err := a.Save(model, map[string]string{"physml.data": "user", "physml.input_scaling": "none", "physml.input_offset": "0,0,0,0,0", "physml.input_scale": "1,1,1,1,1"}); err != nil {
		t.Fatal(err)
	}
	glob, _ := writeShards(t, t.TempDir(), data(30, 4), 4, []int{30})
	p, s := beam.NewPipelineWithRoot()
	shards.WriteShards(s, t.TempDir(), ".scores", shards.Npy, nil, Score(s, model, shards.Read(s, glob, shards.Options{})))
	err = beamtest.Run(p)
	if err == nil || !strings.Contains(err.Error(), "part-0.npy, rows 0 to 29: rows of 4 values; the autoencoder reads 5") {
		t.Errorf("scoring rows of 4 with a model of 5 inputs: %v", err)
	}
	if _, err := Load(context.Background(), filepath.Join(t.TempDir(), "missing.safetensors")); err == nil {
		t.Error("Load of a missing file: no error")
	}
}
