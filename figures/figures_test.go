package figures

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// decode fails t unless b is a PNG, and returns it.
func decode(t *testing.T, what string, b []byte, err error) image.Image {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not a PNG: %v", what, err)
	}
	return img
}

// grey returns the grey level (0 black, 255 white) of img at (x, y).
func grey(img image.Image, x, y int) uint8 {
	r, _, _, _ := img.At(x, y).RGBA()
	return uint8(r >> 8)
}

// TestPlotsAreSixByFourInches: the plots are 6 × 4 inch PNGs (the history
// two panels, 10 × 4) at 150 dpi.
func TestPlotsAreSixByFourInches(t *testing.T) {
	series := map[string][]float64{"a": {3, 2, 1}, "b": {math.NaN(), 2.5, 1.5}}
	hist := nn.History{Epochs: []nn.EpochStats{{TrainLoss: 1, ValidationLoss: 1.2, TrainAccuracy: 0.5, ValidationAccuracy: 0.4}, {TrainLoss: 0.5, ValidationLoss: 0.7, TrainAccuracy: 0.8, ValidationAccuracy: 0.7}}}
	rng := nn.NewRand(1)
	scores, labels, anomalous := make([]float64, 60), make([]int, 60), make([]bool, 60)
	for i := range scores {
		labels[i] = i % 3
		anomalous[i] = labels[i] != 0
		scores[i] = math.Exp(rng.NormFloat64() + float64(labels[i]))
	}
	codes := make([]float64, 30)
	for i := range codes {
		codes[i] = math.Sin(float64(i * i))
	}
	for _, c := range []struct {
		name string
		w, h int
		make func() ([]byte, error)
	}{
		{"curves", 900, 600, func() ([]byte, error) { return Curves("t", "loss", series, []string{"a", "b"}) }},
		{"curves, legend top", 900, 600, func() ([]byte, error) { return CurvesLegendTop("t", "loss", series, []string{"a", "b"}) }},
		{"history", 1500, 600, func() ([]byte, error) { return History("t", hist) }},
		{"scree", 900, 600, func() ([]byte, error) { return Scree([]float64{0.5, 0.3, 0.2}) }},
		{"pca scatter", 900, 600, func() ([]byte, error) {
			return PCAScatter(mat.NewDense(3, 2, []float64{0, 1, 1, 0, 2, 2}), []float64{0.6, 0.3}, []int{0, 1, 1})
		}},
		{"scatter", 900, 600, func() ([]byte, error) {
			return Scatter("t", "x", "y", [][2]float64{{0, 1}, {1, 0}, {2, 2}}, []int{0, 1, 70000})
		}},
		{"series", 900, 600, func() ([]byte, error) {
			return Series("t", "step", "x", []float64{1, 2, 3}, series, []string{"a"})
		}},
		{"error histogram", 900, 600, func() ([]byte, error) { return ErrorHistogram(scores, anomalous, 2, "reconstruction error") }},
		{"histogram of standardised scores", 900, 600, func() ([]byte, error) {
			z := make([]float64, len(scores))
			for i, s := range scores {
				z[i] = s - 2 // negative and positive
			}
			return ErrorHistogram(z, anomalous, 0.5, "combined score")
		}},
		{"ROC", 900, 600, func() ([]byte, error) { return ROC(scores, labels, []string{"normal", "one", "two"}) }},
		{"latent 1-D", 900, 600, func() ([]byte, error) { return Latent(codes, 1, nil, 1) }},
		{"latent 3-D", 900, 600, func() ([]byte, error) { return Latent(codes, 3, labels[:10], 1) }},
	} {
		b, err := c.make()
		img := decode(t, c.name, b, err)
		if got := img.Bounds().Size(); got.X != c.w || got.Y != c.h {
			t.Errorf("%s: %v pixels, want %d × %d", c.name, got, c.w, c.h)
		}
	}
}

// TestImageGridDrawsValuesAsGrey: a value of 1 is black, 0 white, scaled
// up by the factor, each image in its place after the margin of names.
func TestImageGridDrawsValuesAsGrey(t *testing.T) {
	pix := []float64{1, 0, 0, 0.5} // 2 × 2: black, white / white, grey
	b, err := ImageGrid(nil, [][][]float64{{pix, pix}}, 2, 2, 3)
	img := decode(t, "grid", b, err)
	// Two images of 6 × 6 with gaps of 2: 2+6+2+6+2 = 18 wide, 10 high,
	// after a margin of 8 pixels for the (absent) names.
	if got := img.Bounds().Size(); got.X != 8+18 || got.Y != 10 {
		t.Fatalf("%v pixels, want 26 × 10", got)
	}
	for _, c := range []struct {
		x, y int
		want uint8
	}{
		{8 + 2, 2, 0},           // the first image's black pixel
		{8 + 2 + 3, 2, 255},     // white
		{8 + 2 + 4, 2 + 4, 127}, // 0.5: grey 255 − round(127.5) = 127
		{8 + 10, 2, 0},          // the second image starts 8 pixels on
		{8 + 1, 1, 255},         // the gap
	} {
		if g := grey(img, c.x, c.y); g != c.want && !(c.want == 127 && g == 128) {
			t.Errorf("(%d, %d): grey %d, want %d", c.x, c.y, g, c.want)
		}
	}
}

// TestComponentsDrawZeroAsGrey: a component is drawn white where most
// negative, black where most positive, grey at 0.
func TestComponentsDrawZeroAsGrey(t *testing.T) {
	c := mat.NewDense(1, 4, []float64{-2, 0, 2, 1})
	b, err := Components(c, 2, 2)
	img := decode(t, "components", b, err)
	w := img.Bounds().Dx()
	scale := 42           // 84 / max(2, 2)
	x0 := w - 2 - 2*scale // the image ends 2 pixels before the right edge
	for _, p := range []struct {
		x, y int
		want uint8
	}{{x0, 2, 255}, {x0 + scale, 2, 128}, {x0, 2 + scale, 0}} {
		if g := grey(img, p.x, p.y); g != p.want && g+1 != p.want {
			t.Errorf("(%d, %d): grey %d, want %d", p.x, p.y, g, p.want)
		}
	}
}

// TestTracesShowEveryGate: an LSTM's traces draw the keep gate, the input
// gate and tanh c, beside the input image.
func TestTracesShowEveryGate(t *testing.T) {
	c := seq.NewClassifier[float64](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 4}, 10, nn.NewRand(1))
	x := nn.NewMatrix[float64](1, 28*28)
	for i := range x.Data {
		x.Data[i] = float64(i%28) / 28
	}
	c.Forward(x, false)
	tr, err := c.RNN.Trace(0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Traces(seq.LSTM, [][]seq.Trace{tr}, [][]float64{x.Data}, []int{3}, 28)
	img := decode(t, "traces", b, err)
	// Four panels of 28 steps scaled 3: 84 pixels high, and a title strip.
	if h := img.Bounds().Dy(); !(h > 84+4) {
		t.Errorf("%d pixels high", h)
	}
}

// TestProfilesOfAWideTableAreBounded (issue 31 M6): a table of 50000
// features is drawn one feature in 50, in bounded memory (drawing every
// point of 20 × 50000 took two minutes).
func TestProfilesOfAWideTableAreBounded(t *testing.T) {
	const p = 50000
	samples := make([]map[string][]float64, 4)
	for i := range samples {
		in, out := make([]float64, p), make([]float64, p)
		for j := range in {
			in[j], out[j] = math.Sin(float64(i+j)), math.Cos(float64(i+j))
		}
		samples[i] = map[string][]float64{"input": in, "autoencoder": out}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b, err := Profiles("reconstructions", nil, samples, []string{"input", "autoencoder"})
	runtime.ReadMemStats(&after)
	decode(t, "profiles", b, err)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
		t.Errorf("drawing allocated %d MB, want under 200", alloc>>20)
	}
}

// TestReconstructionsDrawImagesAsAGridAndTablesAsProfiles: images go in an
// ImageGrid of a row per version, table rows in a Profiles panel per
// sample; Tiles lays images out in rows.
func TestReconstructionsDrawImagesAsAGridAndTablesAsProfiles(t *testing.T) {
	a, b := []float64{1, 0, 0, 0.5}, []float64{0, 1, 1, 0.5}
	rows := [][][]float64{{a, b}, {b, a}}
	drawn, err := Reconstructions([]string{"input", "autoencoder"}, rows, []int{2, 2}, nil)
	img := decode(t, "images", drawn, err)
	want, err := ImageGrid([]string{"input", "autoencoder"}, rows, 2, 2, 42)
	if grid := decode(t, "grid", want, err); img.Bounds() != grid.Bounds() {
		t.Errorf("images drawn %v, the grid is %v", img.Bounds(), grid.Bounds())
	}
	drawn, err = Reconstructions([]string{"input", "autoencoder"}, rows, nil, []string{"a", "b", "c", "d"})
	profiles := decode(t, "table", drawn, err)
	if profiles.Bounds() == img.Bounds() {
		t.Error("table rows drawn as images")
	}
	tiles := Tiles([][]float64{a, b, a, b, a}, 2)
	if len(tiles) != 3 || len(tiles[0]) != 2 || len(tiles[2]) != 1 {
		t.Errorf("tiles of 5 in rows of 2: %d rows", len(tiles))
	}
}

func TestFaultsDrawsASignalOverItsErrors(t *testing.T) {
	s := FaultSignal{Title: "spike", Values: []float64{0, 1, 5, 1, 0}, StepScores: []float64{0, 0.1, 4, 0.1, 0}}
	drawn, err := Faults([]FaultSignal{s, s, s})
	img := decode(t, "faults", drawn, err)
	if got := img.Bounds().Size(); got.X != 1440 && got.X != 1439 || got.Y != 5*DPI {
		t.Errorf("%v pixels, want 3 columns of 3.2 × 5 inches at 150 dpi", got)
	}
	if _, err := Faults(nil); err == nil {
		t.Error("no signal drawn without an error")
	}
}

func TestSeriesWithResidualsIsEightBySixInches(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	series := map[string][]float64{"truth": {1, 2, 3, 4}, "model": {1.1, 2.2, 2.9, 4}}
	drawn, err := SeriesWithResiduals("t", XAxis{Label: "step"}, "x", x, series, []string{"truth", "model"}, nil)
	if got := decode(t, "series with residuals", drawn, err).Bounds().Size(); got.X != 1200 || got.Y != 900 {
		t.Errorf("%v pixels, want 1200 × 900", got)
	}
	band := &Band{Name: "90 % interval", Lower: []float64{0.8, 1.8, 2.6, 3.7}, Upper: []float64{1.4, 2.6, 3.2, 4.3}}
	drawn, err = SeriesWithResiduals("t", XAxis{Label: "date", Dates: true}, "x", x, series, []string{"truth", "model"}, band)
	decode(t, "series with a band", drawn, err)
}

func TestCorrelationMapIsSixBySixInches(t *testing.T) {
	r := mat.NewSymDense(3, []float64{1, 0.5, -0.2, 0.5, 1, 0, -0.2, 0, 1})
	drawn, err := CorrelationMap("t", []string{"a", "b", "c"}, r)
	if got := decode(t, "correlation map", drawn, err).Bounds().Size(); got.X != 900 || got.Y != 900 {
		t.Errorf("%v pixels, want 900 × 900", got)
	}
	if _, err := CorrelationMap("t", []string{"a"}, r); err == nil {
		t.Error("3 variables with one name drawn")
	}
}

func TestNiceTicksLabelFourToTenRoundValues(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{-2.31, -1.93, []string{"-2.3", "-2.2", "-2.1", "-2.0"}},
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{-0.6, 500, []string{"0", "100", "200", "300", "400", "500"}}, // zero, not "-0"
		{-3, 12, nil}, // only counted
	} {
		var labels []string
		for _, tick := range (niceTicks{}).Ticks(c.lo, c.hi) {
			if tick.Label != "" {
				labels = append(labels, tick.Label)
			}
		}
		if c.want != nil && !slices.Equal(labels, c.want) {
			t.Errorf("[%g, %g]: labels %q, want %q", c.lo, c.hi, labels, c.want)
		}
		if len(labels) < 4 || len(labels) > 10 {
			t.Errorf("[%g, %g]: %d labels %q", c.lo, c.hi, len(labels), labels)
		}
	}
}
