package forecast

import (
	"math"
	"slices"
)

// Interval is a forecaster's prediction interval: a forecast ± HalfWidth
// holds the truth with probability Level. HalfWidth has a value per lead
// time and variable (Horizon·Vars(), laid out as a window's forecasts), in
// the data's units.
//
// The half-widths are split-conformal (Vovk et al., Algorithmic Learning
// in a Random World, 2005): the ⌈(n+1)·Level⌉-th smallest absolute error of
// the n validation windows, lead by lead and variable by variable. Unlike
// the spread of an ensemble, which measures only how the networks differ,
// they include the noise of the series, and they need one network only.
// The validation part also chose the early-stopping epoch, so their
// coverage on the test part, which Evaluation reports, is the honest
// measure.
type Interval struct {
	Level     float64
	HalfWidth []float64
}

// Bounds returns the lower and upper ends of the intervals around pred,
// forecasts laid out as PredictWindows returns them.
func (iv *Interval) Bounds(pred []float64) (lower, upper []float64) {
	lower, upper = make([]float64, len(pred)), make([]float64, len(pred))
	for i, p := range pred {
		hw := iv.HalfWidth[i%len(iv.HalfWidth)]
		lower[i], upper[i] = p-hw, p+hw
	}
	return lower, upper
}

// Coverage returns the fraction of truth that the intervals around pred
// hold (both laid out as PredictWindows returns them).
func (iv *Interval) Coverage(pred, truth []float64) float64 {
	in := 0
	for i, p := range pred {
		if math.Abs(truth[i]-p) <= iv.HalfWidth[i%len(iv.HalfWidth)] {
			in++
		}
	}
	return float64(in) / float64(max(len(pred), 1))
}

// calibrate returns the intervals of nominal coverage level from the
// forecasts of the n standardised validation windows x against their
// standardised targets y, or nil when level is 0 or there are no windows.
// With fewer than 1/(1−level) − 1 windows the largest error is taken, and
// the coverage may fall short of the level.
func (f *Forecaster[T]) calibrate(x, y []float64, n int, level float64) *Interval {
	if level <= 0 || n == 0 || len(f.Members) == 0 {
		return nil
	}
	pred := f.unstandardize(f.predictStandardized(x, n))
	truth := f.unstandardize(append([]float64(nil), y...))
	width := f.Horizon * f.Vars()
	k := min(n, int(math.Ceil(float64(n+1)*level))) - 1
	iv := &Interval{Level: level, HalfWidth: make([]float64, width)}
	errs := make([]float64, n)
	for j := range iv.HalfWidth {
		for w := 0; w < n; w++ {
			errs[w] = math.Abs(pred[w*width+j] - truth[w*width+j])
		}
		slices.Sort(errs)
		iv.HalfWidth[j] = errs[k]
	}
	return iv
}
