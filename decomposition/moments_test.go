package decomposition

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/internal/numcheck"
)

// TestMomentsEqualTheBatchStatistics: moments added in chunks and merged
// in another order, sent through their binary encoding, give the batch
// covariance and correlation; IncrementalPCA takes them.
func TestMomentsEqualTheBatchStatistics(t *testing.T) {
	X := fixtureMatrix(t, "random")
	n, p := X.Dims()
	var a, b Moments
	for from := 0; from < n; from += 37 {
		chunk := X.Slice(from, min(from+37, n), 0, p)
		if (from/37)%2 == 0 {
			if err := a.Add(chunk); err != nil {
				t.Fatal(err)
			}
		} else if err := b.Add(chunk); err != nil {
			t.Fatal(err)
		}
	}
	data, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var sent Moments
	if err := sent.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if err := b.Merge(&sent); err != nil {
		t.Fatal(err)
	}
	if b.N() != n || b.Features() != p {
		t.Fatalf("%d rows of %d values, want %d of %d", b.N(), b.Features(), n, p)
	}
	want, _ := Covariance(X, 1)
	got, err := b.Covariance(1)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "covariance", got.RawSymmetric().Data, want.RawSymmetric().Data, 1e-12) // measured 5.0e-14
	wantCorr, _ := Correlation(X)
	gotCorr, err := b.Correlation()
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "correlation", gotCorr.RawSymmetric().Data, wantCorr.RawSymmetric().Data, 1e-14) // measured 6.1e-16
	var ip IncrementalPCA
	ip.Options.NComponents = 3
	if err := ip.AddMoments(&b); err != nil || ip.NSamples() != n {
		t.Fatalf("AddMoments: %v, %d samples", err, ip.NSamples())
	}
	batch := PCA{NComponents: 3, Solver: CovarianceEigen}
	if err := batch.Fit(X); err != nil {
		t.Fatal(err)
	}
	pca, err := ip.PCA()
	if err != nil {
		t.Fatal(err)
	}
	numcheck.CloseRel(t, "explained variance", pca.ExplainedVariance, batch.ExplainedVariance, 1e-14, 1e-3) // measured 6.4e-16
	if err := a.Add(mat.NewDense(2, p+1, nil)); err == nil {
		t.Error("rows of another width added")
	}
}

// TestMomentsEncodingRefusesBadData: truncated or extended data, a wrong
// magic, a p that does not match the size (one that would overflow p + p²
// too), a count without values, and NaN are refused without panicking.
func TestMomentsEncodingRefusesBadData(t *testing.T) {
	var m Moments
	if err := m.Add(mat.NewDense(3, 2, []float64{1, 2, 3, 5, 4, 4})); err != nil {
		t.Fatal(err)
	}
	good, _ := m.MarshalBinary()
	with := func(n, p uint64, values ...float64) []byte {
		b := append([]byte(momentsMagic), binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, n), p)...)
		for _, v := range values {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"empty":          {nil, "magic"},
		"wrong magic":    {append([]byte("PHYSMLX\x01"), good[8:]...), "magic"},
		"one byte short": {good[:len(good)-1], "p = 2 need 48 bytes after the header, not 47"},
		"one value more": {append(bytes.Clone(good), make([]byte, 8)...), "p = 2 need 48 bytes after the header, not 56"},
		"huge p":         {with(3, 1<<32, 1, 2), "need"},
		"p overflowing":  {with(3, math.MaxUint64, 1, 2), "need"},
		"no rows":        {with(0, 1, 1, 2), "0 rows"},
		"too many rows":  {with(math.MaxInt32<<20+1, 1, 1, 2), "2251799812636673 rows of 1 values"},
		"NaN":            {with(3, 1, math.NaN(), 2), "non-finite"},
	} {
		var got Moments
		if err := got.UnmarshalBinary(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
	var back Moments
	if err := back.UnmarshalBinary(good); err != nil || back.N() != 3 || back.Mean()[1] != 11.0/3 {
		t.Errorf("round trip: %v, n %d, mean %v", err, back.N(), back.Mean())
	}
	// The largest count accepted, (2³¹ − 1)·2²⁰.
	if err := back.UnmarshalBinary(with(math.MaxInt32<<20, 1, 1, 2)); err != nil || back.N() != math.MaxInt32<<20 {
		t.Errorf("%d rows: %v, n %d", math.MaxInt32<<20, err, back.N())
	}
	var empty Moments
	data, _ := empty.MarshalBinary()
	if err := back.UnmarshalBinary(data); err != nil || back.N() != 0 || back.Features() != 0 {
		t.Errorf("empty moments: %v", err)
	}
}

// FuzzMomentsUnmarshal: any bytes decode to an error or to moments whose
// encoding is the same bytes; nothing panics or allocates past the input.
func FuzzMomentsUnmarshal(f *testing.F) {
	var m Moments
	m.Add(mat.NewDense(3, 2, []float64{1, 2, 3, 5, 4, 4}))
	good, _ := m.MarshalBinary()
	f.Add(good)
	f.Add([]byte(momentsMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Moments
		if got.UnmarshalBinary(data) != nil {
			return
		}
		again, _ := got.MarshalBinary()
		if !bytes.Equal(again, data) {
			t.Errorf("decoded and encoded again: %d bytes, not the %d given", len(again), len(data))
		}
	})
}
