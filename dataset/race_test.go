//go:build race

package dataset

// raceFactor widens allocation and time bounds under the race detector,
// which makes allocations larger (measured about 2×) and code slower.
const raceFactor = 3
