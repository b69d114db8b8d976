//go:build netlib && cgo

package kernels

/*
#cgo CFLAGS: -O3
#cgo LDFLAGS: -lm
// Without this GCC may not if-convert the float comparisons, and the loops
// stay scalar with branches (measured: 7 ns instead of 0.7 ns a sigmoid).
#pragma GCC optimize ("no-trapping-math", "no-math-errno")
#include <stdint.h>
#include <string.h>

// DEFINE_KERNELS defines the kernels with a suffix and a target attribute,
// helpers included, so that each variant inlines its own helpers: once for
// Haswell (AVX2, FMA) and once for the baseline (SSE2); physml_use_haswell
// picks one at run time.
#define DEFINE_KERNELS(S, ATTR) \
ATTR static inline float exp_##S(float x) { \
	x = x < 88.7f ? x : 88.7f; \
	x = x > -87.3f ? x : -87.3f; \
	float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; \
	float r = x - n * 0.693145751953125f - n * 1.428606765330187e-06f; \
	float p = 1.0f / 5040; \
	p = p * r + 1.0f / 720; \
	p = p * r + 1.0f / 120; \
	p = p * r + 1.0f / 24; \
	p = p * r + 1.0f / 6; \
	p = p * r + 0.5f; \
	p = p * r + 1.0f; \
	p = p * r + 1.0f; \
	int32_t k = (int32_t)n; \
	union { int32_t i; float f; } sc; \
	sc.i = (k + 127) << 23; \
	return p * sc.f; \
} \
ATTR static inline float sigmoid_##S(float x) { return 1.0f / (1.0f + exp_##S(-x)); } \
ATTR static inline float tanh_##S(float x) { \
	float a = x < 0 ? -x : x; \
	float x2 = x * x; \
	float p = 62.0f / 2835; \
	p = p * x2 - 17.0f / 315; \
	p = p * x2 + 2.0f / 15; \
	p = p * x2 - 1.0f / 3; \
	float small = x + x * x2 * p; \
	float e = exp_##S(-2.0f * a); \
	float big = (1.0f - e) / (1.0f + e); \
	big = x < 0 ? -big : big; \
	return a < 0.2f ? small : big; \
} \
ATTR static void lstm_row_##S(int h, float *restrict g, const float *restrict cp, float *restrict c, \
		float *restrict hn, float *restrict tc, float *restrict out) { \
	float *gi = g, *gf = g + h, *gg = g + 2 * h, *go = g + 3 * h; \
	for (int j = 0; j < 2 * h; j++) gi[j] = sigmoid_##S(gi[j]); \
	for (int j = 0; j < h; j++) gg[j] = tanh_##S(gg[j]); \
	for (int j = 0; j < h; j++) go[j] = sigmoid_##S(go[j]); \
	for (int j = 0; j < h; j++) { \
		float cn = gf[j] * cp[j] + gi[j] * gg[j]; \
		c[j] = cn; \
		tc[j] = tanh_##S(cn); \
	} \
	for (int j = 0; j < h; j++) { \
		float v = go[j] * tc[j]; \
		hn[j] = v; \
		out[j] = v; \
	} \
} \
ATTR static void gru_row_##S(int h, float *restrict g, const float *restrict hw, const float *restrict hp, \
		float *restrict hn, float *restrict out) { \
	for (int j = 0; j < 2 * h; j++) g[j] = sigmoid_##S(g[j] + hw[j]); \
	float *r = g, *z = g + h, *n = g + 2 * h; \
	const float *hwn = hw + 2 * h; \
	for (int j = 0; j < h; j++) n[j] = tanh_##S(n[j] + r[j] * hwn[j]); \
	for (int j = 0; j < h; j++) { \
		float v = (1.0f - z[j]) * n[j] + z[j] * hp[j]; \
		hn[j] = v; \
		out[j] = v; \
	} \
} \
ATTR static void tanh_row_##S(int h, float *restrict g, float *restrict hn, float *restrict out) { \
	for (int j = 0; j < h; j++) { \
		float v = tanh_##S(g[j]); \
		g[j] = v; \
		hn[j] = v; \
		out[j] = v; \
	} \
} \
ATTR static void lstm_back_row_##S(int h, const float *restrict g, const float *restrict cp, const float *restrict tc, \
		const float *restrict dh, const float *restrict dy, float *restrict dc, float *restrict dg) { \
	const float *gi = g, *gf = g + h, *gg = g + 2 * h, *go = g + 3 * h; \
	float *di = dg, *df = dg + h, *dgg = dg + 2 * h, *dout = dg + 3 * h; \
	for (int j = 0; j < h; j++) { \
		float i = gi[j], f = gf[j], n = gg[j], o = go[j], t = tc[j]; \
		float dhj = dh[j] + dy[j]; \
		float dcj = dc[j] + dhj * o * (1.0f - t * t); \
		dout[j] = dhj * t * o * (1.0f - o); \
		di[j] = dcj * n * i * (1.0f - i); \
		df[j] = dcj * cp[j] * f * (1.0f - f); \
		dgg[j] = dcj * i * (1.0f - n * n); \
		dc[j] = dcj * f; \
	} \
}

// Adam (and AdamW with decoupled != 0) over n parameters, as torch.optim:
// m = b1 m + (1-b1) g, v = b2 v + (1-b2) g², p -= step m / (sqrt(v) invbc2 + eps).
#define DEFINE_ADAM(S, ATTR) \
ATTR static void adam_##S(long n, float *restrict p, const float *restrict g, float *restrict m, float *restrict v, \
		float b1, float b2, float step, float invbc2, float eps, float wd, float shrink, int decoupled) { \
	if (decoupled) { \
		for (long i = 0; i < n; i++) { \
			float pi = p[i] * shrink, gi = g[i]; \
			float mi = b1 * m[i] + (1.0f - b1) * gi; \
			float vi = b2 * v[i] + (1.0f - b2) * gi * gi; \
			m[i] = mi; v[i] = vi; \
			p[i] = pi - step * mi / (__builtin_sqrtf(vi) * invbc2 + eps); \
		} \
	} else { \
		for (long i = 0; i < n; i++) { \
			float gi = g[i] + wd * p[i]; \
			float mi = b1 * m[i] + (1.0f - b1) * gi; \
			float vi = b2 * v[i] + (1.0f - b2) * gi * gi; \
			m[i] = mi; v[i] = vi; \
			p[i] -= step * mi / (__builtin_sqrtf(vi) * invbc2 + eps); \
		} \
	} \
}

// Element-wise layers and the binary cross-entropy. log by x = 2^e m,
// m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m-1)/(m+1)); subnormal x are
// scaled by 2^23 first; the result is clamped at -100 as PyTorch's BCE does
// (so log 0 gives -100).
#define DEFINE_ELEMENTWISE(S, ATTR) \
ATTR static inline float log_##S(float x) { \
	int32_t sub = x < 1.17549435e-38f; \
	union { float f; int32_t i; } u; \
	u.f = sub ? x * 8388608.0f : x; \
	int32_t e = ((u.i >> 23) & 0xff) - 127 - (sub ? 23 : 0); \
	u.i = (u.i & 0x007fffff) | 0x3f800000; \
	float m = u.f; \
	int big = m > 1.41421356f; \
	m = big ? m * 0.5f : m; \
	e += big; \
	float s = (m - 1.0f) / (m + 1.0f), s2 = s * s; \
	float p = 2.0f / 9; \
	p = p * s2 + 2.0f / 7; \
	p = p * s2 + 2.0f / 5; \
	p = p * s2 + 2.0f / 3; \
	p = p * s2 + 2.0f; \
	float r = (float)e * 0.693145751953125f + (s * p + (float)e * 1.428606765330187e-06f); \
	return r > -100.0f ? r : -100.0f; \
} \
ATTR static void sigmoid_vec_##S(long n, const float *restrict x, float *restrict y) { \
	for (long i = 0; i < n; i++) y[i] = sigmoid_##S(x[i]); \
} \
ATTR static void tanh_vec_##S(long n, const float *restrict x, float *restrict y) { \
	for (long i = 0; i < n; i++) y[i] = tanh_##S(x[i]); \
} \
ATTR static double bce_##S(long n, const float *restrict p, const float *restrict y, float *restrict grad, \
		float *restrict loss, float invn) { \
	for (long i = 0; i < n; i++) { \
		float pf = p[i], yf = y[i], q = 1.0f - pf; \
		loss[i] = -(yf * log_##S(pf) + (1.0f - yf) * log_##S(q)); \
		float d = pf * q; \
		d = d > 1e-12f ? d : 1e-12f; \
		grad[i] = (pf - yf) / d * invn; \
	} \
	double sum = 0; \
	for (long i = 0; i < n; i++) sum += loss[i]; \
	return sum; \
}

DEFINE_KERNELS(base, )
DEFINE_ADAM(base, )
DEFINE_ELEMENTWISE(base, )
#if defined(__x86_64__) && defined(__GNUC__)
DEFINE_KERNELS(haswell, __attribute__((target("avx2,fma"))))
DEFINE_ADAM(haswell, __attribute__((target("avx2,fma"))))
DEFINE_ELEMENTWISE(haswell, __attribute__((target("avx2,fma"))))
static int physml_use_haswell(void) {
	static int use = -1;
	if (use < 0) {
		__builtin_cpu_init();
		use = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	}
	return use;
}
#define PICK(name) (physml_use_haswell() ? name##_haswell : name##_base)
#else
#define PICK(name) name##_base
#endif

void physml_lstm_step(int b, int h, float *g, const float *cp, float *c, float *hn, float *tc, float *out, int ldo, const uint8_t *valid) {
	void (*row)(int, float *, const float *, float *, float *, float *, float *) = PICK(lstm_row);
	for (int i = 0; i < b; i++) {
		if (valid && !valid[i]) {
			memset(out + (long)i * ldo, 0, sizeof(float) * h);
			continue;
		}
		row(h, g + (long)i * 4 * h, cp + (long)i * h, c + (long)i * h, hn + (long)i * h, tc + (long)i * h, out + (long)i * ldo);
	}
}

void physml_gru_step(int b, int h, float *g, const float *hw, const float *hp, float *hn, float *out, int ldo, const uint8_t *valid) {
	void (*row)(int, float *, const float *, const float *, float *, float *) = PICK(gru_row);
	for (int i = 0; i < b; i++) {
		if (valid && !valid[i]) {
			memset(out + (long)i * ldo, 0, sizeof(float) * h);
			continue;
		}
		row(h, g + (long)i * 3 * h, hw + (long)i * 3 * h, hp + (long)i * h, hn + (long)i * h, out + (long)i * ldo);
	}
}

void physml_adam(long n, float *p, const float *g, float *m, float *v, float b1, float b2, float step, float invbc2, float eps, float wd, float shrink, int decoupled) {
	PICK(adam)(n, p, g, m, v, b1, b2, step, invbc2, eps, wd, shrink, decoupled);
}

void physml_lstm_backward(int b, int h, const float *g, const float *cp, const float *tc, const float *dh,
		const float *dy, int ldy, float *dc, float *dg, const uint8_t *valid) {
	void (*row)(int, const float *, const float *, const float *, const float *, const float *, float *, float *) = PICK(lstm_back_row);
	for (int i = 0; i < b; i++) {
		if (valid && !valid[i]) {
			memset(dg + (long)i * 4 * h, 0, sizeof(float) * 4 * h);
			continue;
		}
		row(h, g + (long)i * 4 * h, cp + (long)i * h, tc + (long)i * h, dh + (long)i * h, dy + (long)i * ldy,
			dc + (long)i * h, dg + (long)i * 4 * h);
	}
}

void physml_sigmoid(long n, const float *x, float *y) { PICK(sigmoid_vec)(n, x, y); }
void physml_tanh(long n, const float *x, float *y) { PICK(tanh_vec)(n, x, y); }
double physml_bce(long n, const float *p, const float *y, float *grad, float *loss, float invn) {
	return PICK(bce)(n, p, y, grad, loss, invn);
}

void physml_rnn_tanh_step(int b, int h, float *g, float *hn, float *out, int ldo, const uint8_t *valid) {
	void (*row)(int, float *, float *, float *) = PICK(tanh_row);
	for (int i = 0; i < b; i++) {
		if (valid && !valid[i]) {
			memset(out + (long)i * ldo, 0, sizeof(float) * h);
			continue;
		}
		row(h, g + (long)i * h, hn + (long)i * h, out + (long)i * ldo);
	}
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Available reports whether the C kernels are compiled in (the netlib build).
const Available = true

func ptr(s []float32) *C.float { return (*C.float)(unsafe.Pointer(unsafe.SliceData(s))) }

func validPtr(valid []uint8) *C.uint8_t {
	if valid == nil {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(valid)))
}

func check(name string, b, h, ldo int, valid []uint8, sizes ...[2]int) {
	if valid != nil && len(valid) < b {
		panic(fmt.Sprintf("kernels: %s: %d validity flags for batch %d", name, len(valid), b))
	}
	if ldo < h {
		panic(fmt.Sprintf("kernels: %s: output stride %d < hidden %d", name, ldo, h))
	}
	for _, s := range sizes {
		if s[0] < s[1] {
			panic(fmt.Sprintf("kernels: %s: slice of %d elements, need %d", name, s[0], s[1]))
		}
	}
}

// LSTMStep is the fused LSTM step for a batch of b sequences with hidden
// size h: g (b×4h) holds the pre-activations i, f, g, o and receives their
// activations; cp (b×h) is the cell entering the step; c, hn, tc (b×h)
// receive the new cell, the new hidden state and tanh of the new cell; row i
// of out (stride ldo) receives h'. Rows with valid[i] == 0 are skipped and
// their output zeroed; valid nil means all rows.
func LSTMStep(b, h int, g, cp, c, hn, tc, out []float32, ldo int, valid []uint8) {
	check("LSTMStep", b, h, ldo, valid, [2]int{len(g), b * 4 * h}, [2]int{len(cp), b * h}, [2]int{len(c), b * h},
		[2]int{len(hn), b * h}, [2]int{len(tc), b * h}, [2]int{len(out), (b-1)*ldo + h})
	C.physml_lstm_step(C.int(b), C.int(h), ptr(g), ptr(cp), ptr(c), ptr(hn), ptr(tc), ptr(out), C.int(ldo), validPtr(valid))
}

// GRUStep is the fused GRU step: g (b×3h) holds the input-side
// pre-activations and receives r, z, n; hw (b×3h) holds W_hh h + b_hh; hp is
// the state entering the step, hn receives h' and row i of out (stride ldo)
// too.
func GRUStep(b, h int, g, hw, hp, hn, out []float32, ldo int, valid []uint8) {
	check("GRUStep", b, h, ldo, valid, [2]int{len(g), b * 3 * h}, [2]int{len(hw), b * 3 * h}, [2]int{len(hp), b * h},
		[2]int{len(hn), b * h}, [2]int{len(out), (b-1)*ldo + h})
	C.physml_gru_step(C.int(b), C.int(h), ptr(g), ptr(hw), ptr(hp), ptr(hn), ptr(out), C.int(ldo), validPtr(valid))
}

// LSTMStepBackward is the backward pass of LSTMStep for a batch: g holds the
// gate activations i, f, g, o (b×4h), cp the cell entering the step, tc
// tanh of the new cell, dh the gradient w.r.t. h' from later steps, row i of
// dy (stride ldy) the one from the output; dc holds the gradient w.r.t. c'
// and receives the one w.r.t. c; dg receives the gradients w.r.t. the four
// pre-activations. Rows with valid[i] == 0 get dg = 0 and keep dc.
func LSTMStepBackward(b, h int, g, cp, tc, dh, dy []float32, ldy int, dc, dg []float32, valid []uint8) {
	check("LSTMStepBackward", b, h, ldy, valid, [2]int{len(g), b * 4 * h}, [2]int{len(cp), b * h}, [2]int{len(tc), b * h},
		[2]int{len(dh), b * h}, [2]int{len(dy), (b-1)*ldy + h}, [2]int{len(dc), b * h}, [2]int{len(dg), b * 4 * h})
	C.physml_lstm_backward(C.int(b), C.int(h), ptr(g), ptr(cp), ptr(tc), ptr(dh), ptr(dy), C.int(ldy), ptr(dc), ptr(dg), validPtr(valid))
}

// AdamStep applies one Adam (or, with decoupled, AdamW) update to the
// float32 parameters p from their gradients g and the moments m and v:
// m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², p −= step·m/(√v·invBC2 + eps), with
// g += wd·p first for Adam and p *= shrink first for AdamW.
func AdamStep(p, g, m, v []float32, b1, b2, step, invBC2, eps, wd, shrink float32, decoupled bool) {
	n := len(p)
	if len(g) < n || len(m) < n || len(v) < n {
		panic(fmt.Sprintf("kernels: AdamStep: %d parameters but %d gradients, %d and %d moments", n, len(g), len(m), len(v)))
	}
	if n == 0 {
		return
	}
	d := C.int(0)
	if decoupled {
		d = 1
	}
	C.physml_adam(C.long(n), ptr(p), ptr(g), ptr(m), ptr(v), C.float(b1), C.float(b2), C.float(step), C.float(invBC2),
		C.float(eps), C.float(wd), C.float(shrink), d)
}

// Sigmoid sets y = σ(x) element-wise (len(y) ≥ len(x)).
func Sigmoid(x, y []float32) {
	if len(y) < len(x) {
		panic(fmt.Sprintf("kernels: Sigmoid: %d outputs for %d inputs", len(y), len(x)))
	}
	if len(x) > 0 {
		C.physml_sigmoid(C.long(len(x)), ptr(x), ptr(y))
	}
}

// Tanh sets y = tanh(x) element-wise (len(y) ≥ len(x)).
func Tanh(x, y []float32) {
	if len(y) < len(x) {
		panic(fmt.Sprintf("kernels: Tanh: %d outputs for %d inputs", len(y), len(x)))
	}
	if len(x) > 0 {
		C.physml_tanh(C.long(len(x)), ptr(x), ptr(y))
	}
}

// BCE computes the binary cross-entropy terms −[y log p + (1−y) log(1−p)]
// (logs clamped at −100) into scratch and returns their sum, and writes the
// gradient (p − y)/max(p(1−p), 1e−12)·scale into grad. All slices have the
// length of p.
func BCE(p, y, grad, scratch []float32, scale float32) float64 {
	n := len(p)
	if len(y) < n || len(grad) < n || len(scratch) < n {
		panic(fmt.Sprintf("kernels: BCE: %d predictions, %d targets, %d gradients, %d scratch", n, len(y), len(grad), len(scratch)))
	}
	if n == 0 {
		return 0
	}
	return float64(C.physml_bce(C.long(n), ptr(p), ptr(y), ptr(grad), ptr(scratch), C.float(scale)))
}

// RNNTanhStep applies tanh to the pre-activations g (b×h), which receive h',
// as do hn and the rows of out.
func RNNTanhStep(b, h int, g, hn, out []float32, ldo int, valid []uint8) {
	check("RNNTanhStep", b, h, ldo, valid, [2]int{len(g), b * h}, [2]int{len(hn), b * h}, [2]int{len(out), (b-1)*ldo + h})
	C.physml_rnn_tanh_step(C.int(b), C.int(h), ptr(g), ptr(hn), ptr(out), C.int(ldo), validPtr(valid))
}
