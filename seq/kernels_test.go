package seq

import (
	"math"
	"testing"

	"github.com/physml/physml/internal/kernels"
	"github.com/physml/physml/nn"

	"github.com/physml/physml/internal/numcheck"
)

// TestFusedKernelsMatchGoReference compares the C kernels of the netlib
// build with the Go step functions they replace, on pre-activations from
// −30 to 30 and with a sequence past its length.
func TestFusedKernelsMatchGoReference(t *testing.T) {
	if !kernels.Available {
		t.Skip("the C kernels exist in the netlib build only")
	}
	const b, h = 5, 37 // odd sizes exercise the vector remainders
	rng := nn.NewRand(1)
	random := func(n int, scale float64) []float32 {
		s := make([]float32, n)
		nn.Uniform(rng, s, scale)
		return s
	}
	valid := []uint8{1, 1, 0, 1, 1}
	var worst numcheck.Worst
	// Values to 1e-5 relative; gradients to 1e-4, since products such as
	// dc·i·(1−i) lose digits when the C kernel fuses multiply-adds (FMA).
	tol := 1e-5
	compare := func(what string, got, want []float32) {
		for i := range want {
			d := math.Abs(float64(got[i]-want[i])) / max(math.Abs(float64(want[i])), 1e-3)
			if !numcheck.Within(d, tol) {
				t.Fatalf("%s[%d] = %g, Go reference %g", what, i, got[i], want[i])
			}
			worst.Add(d)
		}
	}
	// LSTM
	g := random(b*4*h, 30)
	cp := random(b*h, 2)
	gGo := append([]float32(nil), g...)
	c, hn, tc, out := make([]float32, b*h), make([]float32, b*h), make([]float32, b*h), make([]float32, b*h)
	cGo, hGo, tcGo, outGo := make([]float32, b*h), make([]float32, b*h), make([]float32, b*h), make([]float32, b*h)
	kernels.LSTMStep(b, h, g, cp, c, hn, tc, out, h, valid)
	for i := 0; i < b; i++ {
		if valid[i] == 0 {
			continue
		}
		lstmStep(gGo[i*4*h:(i+1)*4*h], cp[i*h:(i+1)*h], cGo[i*h:(i+1)*h], hGo[i*h:(i+1)*h], tcGo[i*h:(i+1)*h], outGo[i*h:(i+1)*h])
	}
	compare("LSTM gates", g[:2*4*h], gGo[:2*4*h])
	compare("LSTM cell", c, cGo)
	compare("LSTM hidden", hn, hGo)
	compare("LSTM output", out, outGo)
	// LSTM backward, on the activations and cells of the forward pass above
	dh, dy := random(b*h, 1), random(b*h, 1)
	dc := random(b*h, 1)
	dcGo := append([]float32(nil), dc...)
	dg, dgGo := make([]float32, b*4*h), make([]float32, b*4*h)
	kernels.LSTMStepBackward(b, h, g, cp, tc, dh, dy, h, dc, dg, valid)
	for i := 0; i < b; i++ {
		if valid[i] == 0 {
			continue
		}
		lstmStepBackward(g[i*4*h:(i+1)*4*h], cp[i*h:(i+1)*h], tc[i*h:(i+1)*h], dh[i*h:(i+1)*h], dy[i*h:(i+1)*h],
			dcGo[i*h:(i+1)*h], dgGo[i*4*h:(i+1)*4*h])
	}
	tol = 1e-4
	compare("LSTM gate gradients", dg, dgGo)
	compare("LSTM cell gradient", dc, dcGo)
	tol = 1e-5
	// GRU
	g = random(b*3*h, 30)
	gGo = append([]float32(nil), g...)
	hw := random(b*3*h, 5)
	hp := random(b*h, 1)
	hn, out, hGo, outGo = make([]float32, b*h), make([]float32, b*h), make([]float32, b*h), make([]float32, b*h)
	kernels.GRUStep(b, h, g, hw, hp, hn, out, h, valid)
	for i := 0; i < b; i++ {
		if valid[i] != 0 {
			gruStep(gGo[i*3*h:(i+1)*3*h], hw[i*3*h:(i+1)*3*h], hp[i*h:(i+1)*h], hGo[i*h:(i+1)*h], outGo[i*h:(i+1)*h])
		}
	}
	compare("GRU hidden", hn, hGo)
	compare("GRU output", out, outGo)
	// RNN
	g = random(b*h, 30)
	gGo = append([]float32(nil), g...)
	hn, out, hGo, outGo = make([]float32, b*h), make([]float32, b*h), make([]float32, b*h), make([]float32, b*h)
	kernels.RNNTanhStep(b, h, g, hn, out, h, nil)
	for i := 0; i < b; i++ {
		rnnStep(false, gGo[i*h:(i+1)*h], hGo[i*h:(i+1)*h], outGo[i*h:(i+1)*h])
	}
	compare("RNN hidden", hn, hGo)
	t.Logf("largest relative difference between the C kernels and Go: %.2g", worst)
}

// TestLSTMBackwardAssemblyIsTheGoLoop: lstmStepBackward in float32, whose
// whole blocks of eight units run in internal/simd's assembly where the
// machine has AVX2, gives the Go loop's results to the bit (37 units: four
// blocks and a remainder of five), for activations of a forward step and
// random gradients.
func TestLSTMBackwardAssemblyIsTheGoLoop(t *testing.T) {
	const h = 37
	rng := nn.NewRand(8)
	random := func(n int, scale float64) []float32 {
		s := make([]float32, n)
		nn.Uniform(rng, s, scale)
		return s
	}
	gates, cp := random(4*h, 6), random(h, 2)
	c, hn, tc, out := make([]float32, h), make([]float32, h), make([]float32, h), make([]float32, h)
	lstmStep(gates, cp, c, hn, tc, out)
	dh, dy, dc := random(h, 1), random(h, 1), random(h, 1)
	wantDC, wantDG := append([]float32(nil), dc...), make([]float32, 4*h)
	for j := range h { // the loop of lstmStepBackward, written out
		i, f, g, o, th := gates[j], gates[h+j], gates[2*h+j], gates[3*h+j], tc[j]
		dhj := dh[j] + dy[j]
		dcj := wantDC[j] + dhj*o*(1-th*th)
		wantDG[3*h+j] = dhj * th * o * (1 - o)
		wantDG[j] = dcj * g * i * (1 - i)
		wantDG[h+j] = dcj * cp[j] * f * (1 - f)
		wantDG[2*h+j] = dcj * i * (1 - g*g)
		wantDC[j] = dcj * f
	}
	dg := make([]float32, 4*h)
	lstmStepBackward(gates, cp, tc, dh, dy, dc, dg)
	for j := range dg {
		if math.Float32bits(dg[j]) != math.Float32bits(wantDG[j]) {
			t.Fatalf("gate gradient %d: %v, the Go loop gives %v", j, dg[j], wantDG[j])
		}
	}
	for j := range dc {
		if math.Float32bits(dc[j]) != math.Float32bits(wantDC[j]) {
			t.Fatalf("cell gradient %d: %v, the Go loop gives %v", j, dc[j], wantDC[j])
		}
	}
}
