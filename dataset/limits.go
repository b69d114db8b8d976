package dataset

import "fmt"

// MaxBytes bounds the memory one reader call may fill with the values of
// one file or archive member (default 2 GiB). Sizes claimed by headers are
// checked against it, and against what the file holds, before anything is
// allocated; compressed data is read as a stream and stops at the bound.
// Raise it for larger data, or set Limits.MaxBytes per call.
var MaxBytes int64 = 2 << 30

// Limits bound what a reader takes from a file. The zero value reads
// everything up to MaxBytes.
type Limits struct {
	// Rows, when positive, reads only the first Rows entries along the
	// first axis (samples, images, CSV rows) and stops reading there.
	Rows int
	// MaxBytes, when positive, replaces the package's MaxBytes.
	MaxBytes int64
}

func (l Limits) maxBytes() int64 {
	if l.MaxBytes > 0 {
		return l.MaxBytes
	}
	return MaxBytes
}

// rows returns how many of n rows to read.
func (l Limits) rows(n int) int {
	if l.Rows > 0 {
		return min(l.Rows, n)
	}
	return n
}

// checkBytes returns an error when need bytes exceed the bound.
func (l Limits) checkBytes(what string, need int64) error {
	if max := l.maxBytes(); need > max || need < 0 {
		return fmt.Errorf("%s needs %d bytes in memory, more than the limit of %d (dataset.MaxBytes; physml's --max-input, physml-beam's --max-shard)", what, need, max)
	}
	return nil
}
