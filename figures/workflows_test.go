package figures

import (
	"context"
	"slices"
	"testing"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/nn"
)

// TestWorkflowPicturesHaveTheirSizes: the pictures drawn from the
// library's own types are PNGs of their documented sizes.
func TestWorkflowPicturesHaveTheirSizes(t *testing.T) {
	hist := nn.History{Epochs: []nn.EpochStats{{TrainLoss: 1, ValidationLoss: 1.2}, {TrainLoss: 0.5, ValidationLoss: 0.7}}}
	s, err := dataset.ExampleSeries("co2", dataset.TimeSeriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := forecast.DefaultConfig()
	cfg.Window, cfg.Horizon, cfg.Hidden, cfg.Epochs = 6, 3, 4, 2
	f, _, err := forecast.Fit[float32](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := forecast.Evaluate(f, s.Values, 12)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		w, h int
		make func() ([]byte, error)
	}{
		{"regression history", 900, 600, func() ([]byte, error) { return RegressionHistory("t", hist) }},
		{"VAE loss", 900, 600, func() ([]byte, error) { return VAELoss(hist, []float64{3, 2}, []float64{0.5, 0.6}) }},
		{"autoencoder loss", 900, 600, func() ([]byte, error) { return AutoencoderLoss("t", "bce", hist, []float64{0.1, 0.05}) }},
		{"forecast test period", 1200, 900, func() ([]byte, error) { return ForecastTest(ev, s, "co2", "lstm") }},
		{"lead RMSE", 900, 600, func() ([]byte, error) { return LeadRMSE(ev, s.Names[0], "lstm") }},
	} {
		b, err := c.make()
		if got := decode(t, c.name, b, err).Bounds().Size(); got.X != c.w || got.Y != c.h {
			t.Errorf("%s: %v pixels, want %d × %d", c.name, got, c.w, c.h)
		}
	}
}

// TestFlaggedSignalsAreTheExtremesWithTheirErrors: the most and the least
// anomalous flagged test rows, each with its first feature and its own
// per-step errors, titled by kind and score.
func TestFlaggedSignalsAreTheExtremesWithTheirErrors(t *testing.T) {
	const n, steps, features = 40, 5, 2
	x := make([]float64, n*steps*features)
	for i := range x {
		x[i] = float64(i)
	}
	labels := make([]int, n)
	for i := 30; i < n; i++ {
		labels[i] = 1
	}
	set, err := ae.NewAnomalySet(ae.Rows{X: x, N: n}, labels, []string{"normal", "spike"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	set.Steps = steps
	set.Lengths = slices.Repeat([]int{steps}, n)
	set.Lengths[39] = steps - 2 // drawn to its length
	scores, stepScores := make([]float64, n), make([]float64, n*steps)
	for i := range scores {
		scores[i] = float64(i)
		stepScores[i*steps+i%steps] = float64(i)
	}
	got := FlaggedSignals(set, scores, stepScores, 33.5, 2)
	// Flagged test rows: 34 … 39 (every anomaly is tested).
	var rows []int
	for _, s := range got {
		row := int(s.Values[0]) / (steps * features)
		rows = append(rows, row)
		if want := "spike, score " + []string{"34", "35", "38", "39"}[slices.Index([]int{34, 35, 38, 39}, row)]; s.Title != want {
			t.Errorf("row %d: title %q, want %q", row, s.Title, want)
		}
		for k, v := range s.Values {
			if v != x[(row*steps+k)*features] {
				t.Fatalf("row %d: step %d value %g, want the first feature %g", row, k, v, x[(row*steps+k)*features])
			}
		}
		if len(s.Values) != set.Lengths[row] || !slices.Equal(s.StepScores, stepScores[row*steps:row*steps+set.Lengths[row]]) {
			t.Errorf("row %d: step errors %v", row, s.StepScores)
		}
	}
	slices.Sort(rows)
	if !slices.Equal(rows, []int{34, 35, 38, 39}) {
		t.Errorf("rows %v, want the two most (39, 38) and the two least (34, 35) anomalous flagged", rows)
	}
	if FlaggedSignals(set, scores, stepScores, 100, 3) != nil {
		t.Error("signals returned where none is flagged")
	}
}

// TestAutoencoderAndVAEPicturesShowTheTestImages: the reconstructions have
// a row of images per model (two, three with PCA's), the VAE's draws come
// in rows of 8, and its interpolations a row per pair of test images.
func TestAutoencoderAndVAEPicturesShowTheTestImages(t *testing.T) {
	im := &dataset.Images{Rows: 28, Cols: 28, Pixels: make([]byte, 6*784), Labels: []int{0, 1, 2, 3, 4, 5}}
	for i := range im.Pixels {
		im.Pixels[i] = byte(i * 7)
	}
	d := ae.MNISTSamples[float32](im, im, dataset.Unit)
	a, err := ae.New[float32](ae.Config{Layers: []int{784, 8, 2}, Hidden: ae.ReLU, Code: ae.Identity, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	two, err := AutoencoderReconstructions(a, d, nil, 2)
	h2 := decode(t, "reconstructions", two, err).Bounds().Dy()
	three, err := AutoencoderReconstructions(a, d, a.Reconstruct(d.Test), 2)
	if h3 := decode(t, "reconstructions with PCA", three, err).Bounds().Dy(); !(h3 > h2) {
		t.Errorf("with PCA's row %d pixels high, without %d", h3, h2)
	}
	v, err := ae.NewVAE[float32](ae.VAEConfig{Layers: []int{784, 8, 2}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss, Beta: 1}, nn.NewRand(1), 2)
	if err != nil {
		t.Fatal(err)
	}
	one, err := VAESamples(v.Sample(8, nn.NewRand(3)), d)
	h1 := decode(t, "samples", one, err).Bounds().Dy()
	twoRows, err := VAESamples(v.Sample(9, nn.NewRand(3)), d)
	if h := decode(t, "samples", twoRows, err).Bounds().Dy(); !(h > h1) {
		t.Errorf("9 draws %d pixels high, 8 draws %d: want a second row", h, h1)
	}
	paths, err := VAEInterpolations(v, d, 10)
	if w := decode(t, "interpolations", paths, err).Bounds().Dx(); !(w > 10*56) {
		t.Errorf("interpolations %d pixels wide, want 10 images of at least 56", w)
	}
	d.Test = d.Test.Slice(0, 1)
	if b, err := VAEInterpolations(v, d, 10); b != nil || err != nil {
		t.Errorf("one test image: %d bytes, %v; want nothing to draw", len(b), err)
	}
}
