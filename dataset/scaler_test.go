package dataset

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// TestScalerMatchesScikitLearn compares the scalers, fitted on some rows and
// applied to all, with scikit-learn's (testdata/make_scaler_fixture.py),
// including a constant feature (scale 1), and maps them back.
func TestScalerMatchesScikitLearn(t *testing.T) {
	raw, err := os.ReadFile("testdata/scaler.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		X                      []float64
		Features               int
		Train                  []int
		MinMax, Standard, Unit []float64
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kind Scaling
		want []float64
	}{{MinMax, fx.MinMax}, {Standard, fx.Standard}, {UnitRange, fx.Unit}, {NoScaling, fx.X}} {
		s, err := FitScaler(c.kind, fx.X, fx.Features, fx.Train)
		if err != nil {
			t.Fatal(err)
		}
		got := Transform[float64](s, fx.X)
		numcheck.CloseRel(t, c.kind.String(), got, c.want, 1e-12, 1)
		numcheck.CloseRel(t, c.kind.String()+" inverse", Inverse(s, got), fx.X, 1e-12, 1)
		// The metadata round trip gives the same scaler.
		back, err := ScalerFromMetadata(s.Metadata("p."), "p.", fx.Features)
		if err != nil {
			t.Fatal(err)
		}
		if back.Kind != c.kind || numcheck.MaxAbsDiff(back.Offset, s.Offset) != 0 || numcheck.MaxAbsDiff(back.Scale, s.Scale) != 0 {
			t.Errorf("%v: metadata round trip gives %+v, want %+v", c.kind, back, s)
		}
	}
	// nil rows fit on every row.
	all, err := FitScaler(MinMax, fx.X, fx.Features, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := Transform[float64](all, fx.X); !(got[1] >= 0 && got[1] <= 1) || all.Scale[3] != 1 {
		t.Errorf("fitted on all rows: %v, scales %v", got[:4], all.Scale)
	}
}

func TestScalerRefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		x    []float64
		p    int
		rows []int
		kind Scaling
		want string
	}{
		{"ragged", []float64{1, 2, 3}, 2, nil, MinMax, "not rows"},
		{"no features", nil, 0, nil, MinMax, "not rows"},
		{"no rows", []float64{1, 2}, 2, []int{}, Standard, "no rows"},
		{"overflowing range", []float64{-1e308, 1e308}, 1, nil, MinMax, "float64"},
		{"unknown", []float64{1}, 1, nil, Scaling(9), "unknown"},
	} {
		if _, err := FitScaler(c.kind, c.x, c.p, c.rows); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
	good := map[string]string{"m.scaling": "standard", "m.offset": "0,1", "m.scale": "1,2"}
	for key, bad := range map[string]string{"m.scaling": "zscore", "m.offset": "0", "m.scale": "1,0"} {
		meta := map[string]string{}
		for k, v := range good {
			meta[k] = v
		}
		meta[key] = bad
		if _, err := ScalerFromMetadata(meta, "m.", 2); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("metadata %s = %q: got %v, want an error naming it", key, bad, err)
		}
	}
	for _, bad := range []string{"1,NaN", "1,Inf", "1,x"} {
		meta := map[string]string{"m.scaling": "standard", "m.offset": bad, "m.scale": "1,1"}
		if _, err := ScalerFromMetadata(meta, "m.", 2); err == nil {
			t.Errorf("offset %q accepted", bad)
		}
	}
	if s, err := ParseScaling("minmax"); err != nil || s != MinMax {
		t.Errorf("ParseScaling(minmax) = %v, %v", s, err)
	}
	if Scaling(9).String() != "Scaling(9)" {
		t.Errorf("unknown scaling prints %q", Scaling(9).String())
	}
}
