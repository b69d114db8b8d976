//go:build !amd64 || purego

package fastmath

// No vector code for this architecture: the vector functions loop over the
// scalar functions.
const vectorized = false

func sigmoid8(dst, x *float32, blocks int, table *vectorTable) {}

func exp8(dst, x *float32, blocks int, table *vectorTable) {}

func logSigmoid8(dst, x *float32, blocks int, table *vectorTable) {}

func tanh8(dst, x *float32, blocks int, table *vectorTable) {}

type vectorTable = [0][8]uint32

var table vectorTable
