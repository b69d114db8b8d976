package blas

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestGlobals: importing the package installs the backend into gonum's
// blas32 and blas64; UseGonumGlobals gives them gonum's own back and
// UseBackendGlobals the backend again.
func TestGlobals(t *testing.T) {
	backend := fmt.Sprintf("%T", impl)
	check := func(when, want string) {
		t.Helper()
		if got64, got32 := fmt.Sprintf("%T", blas64.Implementation()), fmt.Sprintf("%T", blas32.Implementation()); got64 != want || got32 != want {
			t.Errorf("%s: blas64 %s, blas32 %s, want %s", when, got64, got32, want)
		}
	}
	check("after import", backend)
	UseGonumGlobals()
	check("after UseGonumGlobals", "gonum.Implementation")
	UseBackendGlobals()
	check("after UseBackendGlobals", backend)
}
