package ae

import (
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TestDetectorNetsFollowTheData: a dense detector's output activation and
// scaling follow the data's shape and scaling, and a sequence detector
// reads the set's features per step.
func TestDetectorNetsFollowTheData(t *testing.T) {
	table := &AnomalySet{Rows: Rows{X: make([]float64, 4*6), N: 4}}
	images := &AnomalySet{Rows: Rows{X: make([]float64, 4*6), N: 4}, Image: []int{2, 3}}
	standard, none := dataset.Standard, dataset.NoScaling
	for _, c := range []struct {
		name    string
		set     *AnomalySet
		scaling *dataset.Scaling
		kind    dataset.Scaling
		output  Activation
	}{
		{"table, default", table, nil, dataset.MinMax, Sigmoid},
		{"table, standard", table, &standard, dataset.Standard, Identity},
		{"table, none", table, &none, dataset.NoScaling, Identity},
		{"images, default", images, nil, dataset.UnitRange, Sigmoid},
		{"images, none", images, &none, dataset.NoScaling, Sigmoid},
	} {
		net, err := DenseDetectorNet(c.set, []int{5}, 2, c.scaling)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if net.Scaling != c.kind || net.Dense.Output != c.output || len(net.Dense.Layers) != 3 || net.Dense.Layers[0] != 6 {
			t.Errorf("%s: scaling %v, output %v, layers %v; want %v, %v, [6 5 2]", c.name, net.Scaling, net.Dense.Output, net.Dense.Layers, c.kind, c.output)
		}
		if m, err := NewDetectorModel[float32](net, nn.NewRand(1)); err != nil || float64(nn.CountParams(m.Params())) != net.ParamCount() {
			t.Errorf("%s: model %v, %v parameters counted ahead", c.name, err, net.ParamCount())
		}
	}
	signals := &AnomalySet{Rows: Rows{X: make([]float64, 4*10), N: 4}, Steps: 5}
	net, err := SequenceDetectorNet(signals, seq.GRU, []int{8, 8}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s := net.Sequence; s.Features != 2 || s.Hidden != 8 || s.Layers != 2 || s.Code != 3 || s.Cell != seq.GRU {
		t.Errorf("sequence net %+v", *s)
	}
	if m, err := NewDetectorModel[float32](net, nn.NewRand(1)); err != nil || float64(nn.CountParams(m.Params())) != net.ParamCount() {
		t.Errorf("sequence model %v, %v parameters counted ahead", err, net.ParamCount())
	}
	if _, err := SequenceDetectorNet(signals, seq.LSTM, []int{8, 4}, 3); err == nil {
		t.Error("stacked layers of two sizes accepted")
	}
	if _, err := SequenceDetectorNet(table, seq.LSTM, []int{8}, 3); err == nil {
		t.Error("a sequence autoencoder of table rows accepted")
	}
}
