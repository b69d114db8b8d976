//go:build !purego

package fastmath

import (
	"math"

	"golang.org/x/sys/cpu"
)

var vectorized = cpu.X86.HasAVX && cpu.X86.HasAVX2

// The constants of Exp32, Sigmoid32 and Tanh32, each repeated in the eight
// lanes of a vector register, at the offsets vector_amd64.s names. They are
// converted here, by Go, exactly as the scalar functions convert them.
const (
	cOver = iota
	cUnder
	cLog2e
	cRound
	cLn2Hi
	cLn2Lo
	cP0 // the polynomial's coefficients, 1/5040 … 1
	cP1
	cP2
	cP3
	cP4
	cP5
	cP6
	cP7
	cTwoM64
	cTwo
	cOne
	cInf
	cLow   // −126 (int32)
	cHigh  // 127 (int32)
	cJLow  // −64 (int32)
	cOneI  // 1 (int32)
	cBias  // 127 (int32)
	cSign  // the sign bit
	cAbs   // all bits but the sign
	cSmall // 0.2
	cT0    // tanh's polynomial: 62/2835, 17/315, 2/15, 1/3
	cT1
	cT2
	cT3
	cMinusTwo
	cMant  // the mantissa bits
	cSqrt2 // √2 as Log32 rounds it
	cHalf
	cL0 // Log32's polynomial: 2/9, 2/7, 2/5, 2/3
	cL1
	cL2
	cL3
	tableLen
)

// vectorTable holds the constants, each in eight lanes.
type vectorTable = [tableLen][8]uint32

var table vectorTable

func init() {
	f := func(i int, v float32) { set(i, math.Float32bits(v)) }
	f(cOver, 88.72283)
	f(cUnder, -103.97)
	f(cLog2e, log2e)
	f(cRound, roundUp32)
	f(cLn2Hi, ln2Hi)
	f(cLn2Lo, ln2Lo)
	f(cP0, float32(1.0/5040))
	f(cP1, 1.0/720)
	f(cP2, 1.0/120)
	f(cP3, 1.0/24)
	f(cP4, 1.0/6)
	f(cP5, 0.5)
	f(cP6, 1)
	f(cP7, 1)
	f(cTwoM64, 5.421011e-20)
	f(cTwo, 2)
	f(cOne, 1)
	f(cInf, float32(math.Inf(1)))
	set(cLow, uint32(0xffffff82)) // int32(−126)
	set(cHigh, 127)
	set(cJLow, uint32(0xffffffc0)) // int32(−64)
	set(cOneI, 1)
	set(cBias, 127)
	set(cSign, 1<<31)
	set(cAbs, 1<<31-1)
	f(cSmall, 0.2)
	f(cT0, float32(62.0/2835))
	f(cT1, 17.0/315)
	f(cT2, 2.0/15)
	f(cT3, 1.0/3)
	f(cMinusTwo, -2)
	set(cMant, 0x007fffff)
	f(cSqrt2, 1.4142135)
	f(cHalf, 0.5)
	f(cL0, float32(2.0/9))
	f(cL1, 2.0/7)
	f(cL2, 2.0/5)
	f(cL3, 2.0/3)
}

func set(i int, bits uint32) {
	for l := range table[i] {
		table[i][l] = bits
	}
}

//go:noescape
func sigmoid8(dst, x *float32, blocks int, table *vectorTable)

//go:noescape
func exp8(dst, x *float32, blocks int, table *vectorTable)

//go:noescape
func logSigmoid8(dst, x *float32, blocks int, table *vectorTable)

//go:noescape
func tanh8(dst, x *float32, blocks int, table *vectorTable)
