package seq

import (
	"fmt"
	"testing"

	"github.com/physml/physml/nn"
)

// benchRecurrent runs forward (and backward) passes at the lecture's shape:
// batch 64, 28 steps of 28 inputs.
func benchRecurrent[T Float](b *testing.B, cell CellType, hidden int, backward bool) {
	const batch, steps, in = 64, 28, 28
	r := NewRecurrent[T](cell, Config{InputSize: in, HiddenSize: hidden, Heads: 4}, nn.NewRand(1))
	x := nn.NewMatrix[T](batch, steps*in)
	nn.Uniform(nn.NewRand(2), x.Data, 1)
	dy := nn.NewMatrix[T](batch, steps*hidden)
	nn.Uniform(nn.NewRand(3), dy.Data, 1)
	b.ReportAllocs()
	for b.Loop() {
		r.Forward(x, backward)
		if backward {
			r.Backward(dy)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkRecurrent measures RNN, LSTM and GRU at the lecture's shape
// (batch 64, 28×28) with hidden 128 and 512, and sLSTM and mLSTM (4 heads)
// with hidden 128, forward alone and forward+backward.
func BenchmarkRecurrent(b *testing.B) {
	for _, cell := range []CellType{LSTM, GRU, RNNTanh, SLSTMCell, MLSTMCell} {
		sizes := []int{128, 512}
		if cell.xlstm() {
			sizes = sizes[:1]
		}
		for _, hidden := range sizes {
			for _, backward := range []bool{false, true} {
				pass := "forward"
				if backward {
					pass = "forward+backward"
				}
				name := fmt.Sprintf("%v/hidden%d/%s", cell, hidden, pass)
				b.Run("float32/"+name, func(b *testing.B) { benchRecurrent[float32](b, cell, hidden, backward) })
				b.Run("float64/"+name, func(b *testing.B) { benchRecurrent[float64](b, cell, hidden, backward) })
			}
		}
	}
}

// BenchmarkMLSTMLength measures an mLSTM(128, 4 heads) training pass
// (float32, batch 16 of 4 inputs) on long sequences in the parallel form
// and the chunkwise form in chunks of 16, 32, 64 and 128: the parallel form's
// time grows with the square of the steps, the chunkwise form's with the
// steps.
func BenchmarkMLSTMLength(b *testing.B) {
	const batch, in, hidden = 16, 4, 128
	for _, steps := range []int{50, 64, 128, 256, 512, 1024} {
		for _, chunk := range []int{0, 16, 32, 64, 128} {
			if chunk >= steps {
				continue
			}
			form := fmt.Sprintf("chunk%d", chunk)
			if chunk == 0 {
				chunk, form = steps, "parallel"
			}
			b.Run(fmt.Sprintf("steps%d/%s", steps, form), func(b *testing.B) {
				l := NewMLSTM[float32](in, hidden, 4, nn.NewRand(1))
				l.ChunkSize = chunk
				x := nn.NewMatrix[float32](batch, steps*in)
				nn.Uniform(nn.NewRand(2), x.Data, 1)
				dy := nn.NewMatrix[float32](batch, steps*hidden)
				nn.Uniform(nn.NewRand(3), dy.Data, 1)
				b.ReportAllocs()
				for b.Loop() {
					l.Forward(x, true)
					l.Backward(dy)
				}
			})
		}
	}
}
