package ae

import (
	"slices"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
)

// TestDisplayShowsTheDataItsOwnWay: a table's rows go back to its units,
// images to [0, 1] from the set's smallest to largest value, MNIST's
// pixels to their intensity.
func TestDisplayShowsTheDataItsOwnWay(t *testing.T) {
	table := &dataset.Samples{X: []float64{1, 10, 2, 20, 3, 30, 4, 40, 5, 50}, N: 5, Features: 2, Names: []string{"a", "b"}}
	sp, err := SplitSamples[float64](table, dataset.Standard, 0.4, 1)
	if err != nil {
		t.Fatal(err)
	}
	i := sp.TestRows[0]
	numcheck.Close(t, "a table row", sp.Display(sp.Test.Row(0)), table.X[2*i:2*i+2], 1e-12)
	if !slices.Equal(sp.Names, []string{"a", "b"}) {
		t.Errorf("names %q", sp.Names)
	}
	images := &dataset.Samples{X: []float64{-2, 0, 0, 2, 1, 1, 0, 0, -1, 1, 2, -2}, N: 3, Features: 4, Shape: []int{2, 2}}
	sp, err = SplitSamples[float64](images, dataset.MinMax, 0.34, 1)
	if err != nil {
		t.Fatal(err)
	}
	i = sp.TestRows[0]
	want := make([]float64, 4)
	for k, v := range images.X[4*i : 4*i+4] {
		want[k] = (v + 2) / 4
	}
	numcheck.Close(t, "an image", sp.Display(sp.Test.Row(0)), want, 1e-12)
	if sp.Names != nil {
		t.Errorf("images have feature names %q", sp.Names)
	}
	mnist := &dataset.Images{Pixels: make([]byte, dataset.MNISTPixels), Labels: []int{7}}
	copy(mnist.Pixels, []byte{0, 255, 51, 102})
	for _, norm := range []dataset.Normalization{dataset.Unit, dataset.Symmetric} {
		m := MNISTSamples[float32](mnist, mnist, norm)
		if m.Train.Rows != 1 || m.Train.Cols != dataset.MNISTPixels || !slices.Equal(m.TestLabels, []int{7}) {
			t.Fatalf("MNIST split %d × %d, labels %v", m.Train.Rows, m.Train.Cols, m.TestLabels)
		}
		numcheck.Close(t, "MNIST pixels "+norm.String(), m.Display(m.Test.Data)[:4], []float64{0, 1, 0.2, 0.4}, 1e-6)
		if m.Metadata()["physml.normalization"] != norm.String() {
			t.Errorf("metadata %v", m.Metadata())
		}
	}
}
