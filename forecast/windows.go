package forecast

import (
	"fmt"
	"slices"
)

// windows cuts the standardised series z (steps × Inputs(), the targets'
// columns first) into the windows whose inputs start at steps start,
// start+1, … and whose Horizon targets end before step to: n = to − start
// − Window − Horizon + 1 windows. A window's input row for step t holds the
// targets of step t and the covariates of step t + Horizon, so that the
// last Horizon rows carry the known future of the drivers over the steps
// forecast. x is n × Window·Inputs() and y, the targets' values, n ×
// Horizon·Vars().
func (f *Forecaster[T]) windows(z []float64, start, to int) (x, y []float64, n int) {
	v, in, w, h := f.Vars(), f.Inputs(), f.Window, f.Horizon
	n = max(0, to-start-w-h+1)
	x = make([]float64, 0, n*w*in)
	y = make([]float64, 0, n*h*v)
	for k := 0; k < n; k++ {
		for t := start + k; t < start+k+w; t++ {
			x = append(x, z[t*in:t*in+v]...)
			if in > v {
				x = append(x, z[(t+h)*in+v:(t+h+1)*in]...)
			}
		}
		for t := start + k + w; t < start+k+w+h; t++ {
			y = append(y, z[t*in:t*in+v]...)
		}
	}
	return x, y, n
}

// targetsOf returns the targets' columns (the first Vars()) of values,
// steps × Inputs().
func (f *Forecaster[T]) targetsOf(values []float64) []float64 {
	v, in := f.Vars(), f.Inputs()
	if v == in {
		return values
	}
	out := make([]float64, 0, len(values)/in*v)
	for t := 0; t+in <= len(values); t += in {
		out = append(out, values[t:t+v]...)
	}
	return out
}

// columnOrder returns, for a series with the columns names, the variables
// to forecast (every column that is not a covariate, in the series'
// order) and the index in names of each column of targets followed by
// covariates.
func columnOrder(names, covariates []string) (targets []string, order []int, err error) {
	for i, c := range covariates {
		if !slices.Contains(names, c) {
			return nil, nil, fmt.Errorf("forecast: covariate %q is not a column of the series (%v)", c, names)
		}
		if slices.Contains(covariates[:i], c) {
			return nil, nil, fmt.Errorf("forecast: covariate %q is given twice", c)
		}
	}
	for j, name := range names {
		if !slices.Contains(covariates, name) {
			targets, order = append(targets, name), append(order, j)
		}
	}
	if len(targets) == 0 {
		return nil, nil, fmt.Errorf("forecast: every column of the series is a covariate; nothing is left to forecast")
	}
	for _, c := range covariates {
		order = append(order, slices.Index(names, c))
	}
	return targets, order, nil
}

// reorder returns the steps × len(order) values whose column i is column
// order[i] of values (rows of vars values).
func reorder(values []float64, vars int, order []int) []float64 {
	out := make([]float64, 0, len(values)/vars*len(order))
	for t := 0; t+vars <= len(values); t += vars {
		for _, j := range order {
			out = append(out, values[t+j])
		}
	}
	return out
}
