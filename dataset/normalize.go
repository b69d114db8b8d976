package dataset

import "fmt"

// Normalization maps a pixel value p ∈ [0, 255] to a network input.
type Normalization int

// The lecture's normalisations.
const (
	Unit        Normalization = iota // p/255 ∈ [0, 1]
	Symmetric                        // 2p/255 − 1 ∈ [−1, 1]
	Standardize                      // (p/255 − 0.1307)/0.3081, MNIST's mean and standard deviation
)

// MNIST's pixel mean and standard deviation after scaling to [0, 1], as in
// torchvision's MNIST examples.
const (
	MNISTMean = 0.1307
	MNISTStd  = 0.3081
)

// String names the normalisation as the command's flags do.
func (n Normalization) String() string {
	switch n {
	case Unit:
		return "unit"
	case Symmetric:
		return "symmetric"
	case Standardize:
		return "standardize"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// ParseNormalization parses "unit", "symmetric" or "standardize".
func ParseNormalization(s string) (Normalization, error) {
	for _, n := range []Normalization{Unit, Symmetric, Standardize} {
		if n.String() == s {
			return n, nil
		}
	}
	return 0, fmt.Errorf("normalisation %q: want unit, symmetric or standardize", s)
}

// Scale returns the normalised value of pixel p.
func (n Normalization) Scale(p byte) float64 { return n.Value(float64(p)) }

// Value returns the normalised value of a pixel value p given as a number
// (0 to 255, as an image file holds them); Scale(p) = Value(float64(p)).
func (n Normalization) Value(p float64) float64 {
	x := p / 255
	switch n {
	case Symmetric:
		return 2*x - 1
	case Standardize:
		return (x - MNISTMean) / MNISTStd
	}
	return x
}

// Floats converts pixels to normalised values of type T (float32 or float64).
func Floats[T ~float32 | ~float64](pixels []byte, n Normalization) []T {
	var table [256]T
	for p := range table {
		table[p] = T(n.Scale(byte(p)))
	}
	out := make([]T, len(pixels))
	for i, p := range pixels {
		out[i] = table[p]
	}
	return out
}
