// Package kernels holds the fused element-wise kernels of the recurrent
// layers compiled as C, for the netlib build, which links C anyway. A
// recurrent step evaluates a sigmoid or tanh for every gate of every
// sequence of the batch; Go does not vectorise loops, so in Go these
// transcendentals cost more than the gate GEMMs. The C kernels (kernels.c,
// declared in kernels.h) are written so that GCC vectorises them: each is
// compiled twice, for AVX2 and FMA and for the SSE2 baseline, and picked at
// run time with __builtin_cpu_supports; the exp is a polynomial of about
// 1e-7 relative error.
//
// Available reports whether the kernels are compiled in. In the pure-Go
// build it is false and the callers — the recurrent steps of package seq,
// nn's binary cross-entropy, and internal/fastmath's float32
// sigmoid and tanh — use their Go loops, which are the readable reference
// the C kernels are tested against.
package kernels
