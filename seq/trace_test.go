package seq

import (
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestTraceIsWhatTheLayerComputed: the traced states are the layer's
// outputs and final states, the LSTM's cell obeys h = o ⊙ tanh(c), and a
// sequence traced in a batch split into chunks traces as it does alone.
func TestTraceIsWhatTheLayerComputed(t *testing.T) {
	for _, cell := range []CellType{LSTM, GRU, RNNTanh} {
		t.Run(cell.String(), func(t *testing.T) {
			const b, steps, in, H = 7, 6, 3, 4
			cfg := Config{InputSize: in, HiddenSize: H, NumLayers: 2, Bidirectional: true, Parallelism: 3}
			r := NewRecurrent[float64](cell, cfg, nn.NewRand(5))
			x := nn.NewMatrix[float64](b, steps*in)
			for k := range x.Data {
				x.Data[k] = math.Sin(0.37*float64(k)) + 0.2
			}
			lengths := []int{6, 3, 6, 1, 5, 6, 2}
			r.SetLengths(lengths)
			y := r.Forward(x, false)
			hn, cn := r.FinalState()
			for _, i := range []int{1, 4, 6} { // in different chunks
				traces, err := r.Trace(i)
				if err != nil {
					t.Fatal(err)
				}
				if len(traces) != 4 {
					t.Fatalf("%d traces; want 2 layers × 2 directions", len(traces))
				}
				for _, tr := range traces {
					if tr.Steps != lengths[i] || len(tr.State) != lengths[i]*H {
						t.Fatalf("sequence %d: %d steps traced, want %d", i, tr.Steps, lengths[i])
					}
					if tr.Layer == 1 {
						for s := range tr.Steps {
							got := tr.State[s*H : (s+1)*H]
							want := y.Row(i)[s*2*H+tr.Direction*H : s*2*H+(tr.Direction+1)*H]
							numcheck.Close(t, "last layer's state against its output", got, want, 0)
						}
					}
					// The forward direction ends at the last valid step, the
					// reverse one at step 0.
					last := tr.Steps - 1
					if tr.Direction == 1 {
						last = 0
					}
					k := (tr.Layer*2 + tr.Direction) * b
					numcheck.Close(t, "state against the final state", tr.State[last*H:(last+1)*H], hn.Data[(k+i)*H:(k+i+1)*H], 0)
					if cell != LSTM {
						continue
					}
					numcheck.Close(t, "cell against the final cell", tr.Cell[last*H:(last+1)*H], cn.Data[(k+i)*H:(k+i+1)*H], 0)
					for s := range tr.Steps {
						for j := range H {
							o := tr.Activations[s*4*H+3*H+j]
							if d := math.Abs(tr.State[s*H+j] - o*math.Tanh(tr.Cell[s*H+j])); !(d <= 1e-15) {
								t.Fatalf("step %d unit %d: h − o·tanh(c) = %g", s, j, d)
							}
						}
					}
				}
				// The same sequence alone (no chunks, no other sequences).
				alone := NewRecurrent[float64](cell, cfg, nn.NewRand(5))
				alone.SetLengths([]int{lengths[i]})
				xi := nn.NewMatrix[float64](1, steps*in)
				copy(xi.Data, x.Row(i))
				alone.Forward(xi, false)
				want, err := alone.Trace(0)
				if err != nil {
					t.Fatal(err)
				}
				for k := range traces {
					numcheck.Close(t, "activations alone", traces[k].Activations, want[k].Activations, 1e-15)
					numcheck.Close(t, "states alone", traces[k].State, want[k].State, 1e-15)
				}
			}
		})
	}
}

func TestTraceGateRanges(t *testing.T) {
	r := NewRecurrent[float32](LSTM, Config{InputSize: 2, HiddenSize: 5, NumLayers: 1}, nn.NewRand(2))
	x := nn.NewMatrix[float32](3, 8*2)
	for k := range x.Data {
		x.Data[k] = float32(3 * math.Sin(float64(k)))
	}
	r.Forward(x, false)
	traces, err := r.Trace(2)
	if err != nil {
		t.Fatal(err)
	}
	tr := traces[0]
	if strings.Join(tr.Gates, "") != "ifgo" {
		t.Fatalf("gates %v", tr.Gates)
	}
	for s := range tr.Steps {
		for g, lo := range []float64{0, 0, -1, 0} {
			for _, v := range tr.Activations[s*20+g*5 : s*20+(g+1)*5] {
				if !(v >= lo && v <= 1) {
					t.Fatalf("step %d gate %s: %v outside [%v, 1]", s, tr.Gates[g], v, lo)
				}
			}
		}
	}
}

func TestTraceRefusals(t *testing.T) {
	r := NewRecurrent[float64](LSTM, Config{InputSize: 2, HiddenSize: 3, NumLayers: 1}, nn.NewRand(1))
	if _, err := r.Trace(0); err == nil || !strings.Contains(err.Error(), "before Forward") {
		t.Errorf("Trace before Forward: %v", err)
	}
	r.Forward(nn.NewMatrix[float64](2, 4), false)
	for _, i := range []int{-1, 2} {
		if _, err := r.Trace(i); err == nil || !strings.Contains(err.Error(), "batch of 2") {
			t.Errorf("Trace(%d): %v", i, err)
		}
	}
	x := NewRecurrent[float64](SLSTMCell, Config{InputSize: 2, HiddenSize: 4, NumLayers: 1, Heads: 2}, nn.NewRand(1))
	x.Forward(nn.NewMatrix[float64](1, 4), false)
	if _, err := x.Trace(0); err == nil {
		t.Error("Trace of an sLSTM: no error")
	}
}
