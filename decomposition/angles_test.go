package decomposition

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/internal/numcheck"
)

func TestPrincipalAnglesOfTheWholeSpace(t *testing.T) {
	a := mat.NewDense(3, 3, []float64{1, 2, 0, 0, 1, 0, 3, 0, 1})
	b := mat.NewDense(3, 3, []float64{0, 0, 2, 1, 1, 0, 0, 5, 0})
	got, err := PrincipalAngles(a, b)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "angles between two bases of R³", got, []float64{0, 0, 0}, 1e-7)
	if _, err := PrincipalAngles(mat.NewDense(1, 2, []float64{0, 0}), a.Slice(0, 1, 0, 2)); err == nil || !strings.Contains(err.Error(), "zero") {
		t.Errorf("zero basis: %v", err)
	}
}
