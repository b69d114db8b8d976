package kernels

import "unsafe"

// For32 reports whether the C kernels serve the element type T: they exist
// (the netlib build) and T is a single-precision type.
func For32[T ~float32 | ~float64]() bool {
	var z T
	return Available && unsafe.Sizeof(z) == 4
}

// Float32s reinterprets a slice of a single-precision type as []float32
// without copying, to pass it to a kernel; callers check For32 first.
func Float32s[T ~float32 | ~float64](s []T) []float32 {
	var z T
	if unsafe.Sizeof(z) != 4 {
		panic("kernels: Float32s of a double-precision slice")
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// Float64s reinterprets a slice of a double-precision type as []float64
// without copying.
func Float64s[T ~float32 | ~float64](s []T) []float64 {
	var z T
	if unsafe.Sizeof(z) != 8 {
		panic("kernels: Float64s of a single-precision slice")
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
