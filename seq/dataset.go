package seq

import (
	"fmt"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// DatasetOf gathers the sequences of s that rows lists (all when nil) into
// an nn.Dataset for a recurrent model: each feature j of every valid step
// scaled as (x − scaler.Offset[j]) / scaler.Scale[j] (padding stays zero),
// with the sequences' labels and lengths when s has them (targets are
// left to the caller). The
// scaler has one entry per feature, as s.FitStandardization returns it.
func DatasetOf[T Float](s *dataset.Sequences, rows []int, scaler dataset.Scaler) nn.Dataset[T] {
	if len(scaler.Offset) != s.Features || len(scaler.Scale) != s.Features {
		panic(fmt.Sprintf("seq: a scaler of %d features for sequences of %d", len(scaler.Offset), s.Features))
	}
	if rows == nil {
		rows = make([]int, s.N)
		for i := range rows {
			rows[i] = i
		}
	}
	per := s.Steps * s.Features
	d := nn.Dataset[T]{X: nn.NewMatrix[T](len(rows), per)}
	if s.Labels != nil {
		d.Labels = make([]int, len(rows))
	}
	if s.Lengths != nil {
		d.Lengths = make([]int, len(rows))
	}
	for r, i := range rows {
		out := d.X.Row(r)
		for t := 0; t < s.Length(i); t++ {
			for j := 0; j < s.Features; j++ {
				out[t*s.Features+j] = T((s.X[i*per+t*s.Features+j] - scaler.Offset[j]) / scaler.Scale[j])
			}
		}
		if s.Labels != nil {
			d.Labels[r] = s.Labels[i]
		}
		if s.Lengths != nil {
			d.Lengths[r] = s.Lengths[i]
		}
	}
	return d
}
