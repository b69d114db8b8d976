//go:build !purego

#include "textflag.h"

// See simd_amd64.go. Every operation below is one of the Go loop's, in its
// order; none is fused.

// The activations' backward loops (at the end of the file) share their
// arguments — y (SI), dy (DX), dx (DI), blocks (CX) — and their step to the
// next eight values.
#define BACKWARD_ARGS \
	MOVQ y+0(FP), SI \
	MOVQ dy+8(FP), DX \
	MOVQ dx+16(FP), DI \
	MOVQ blocks+24(FP), CX

#define BACKWARD_NEXT(loop) \
	ADDQ $32, SI \
	ADDQ $32, DX \
	ADDQ $32, DI \
	DECQ CX \
	JNE  loop \
	VZEROUPPER \
	RET

// ONES sets every lane of Y6 to 1.
#define ONES \
	MOVL         $0x3f800000, AX \
	MOVL         AX, X6 \
	VBROADCASTSS X6, Y6

// The table of Log32's constants (BX), 32 bytes an entry.
#define LSCALE 0(BX)
#define LMANT 32(BX)
#define LONEBITS 64(BX)
#define LBIAS 96(BX)
#define LBIASSUB 128(BX)
#define LSQRT2 160(BX)
#define LHALF 192(BX)
#define LONE 224(BX)
#define LC0 256(BX)
#define LC1 288(BX)
#define LC2 320(BX)
#define LC3 352(BX)
#define LC4 384(BX)
#define LLN2HI 416(BX)
#define LLN2LO 448(BX)
#define LMINNORM 480(BX)
#define LNAN 512(BX)
#define LNEGINF 544(BX)
#define LINF 576(BX)
#define LMINUS100 608(BX)
#define LTINY 640(BX)

// LOG sets Y0 = Log32(Y0), using Y1–Y7: x = 2ᵉ·m, m ∈ [√½, √2) (a
// subnormal scaled by 2²³ first), s = (m−1)/(m+1),
// log x = e·ln2Hi + (s·p(s²) + e·ln2Lo); −Inf at ±0, +Inf at +Inf, NaN
// below 0 and at NaN.
#define LOG \
	VCMPPS     $0x11, LMINNORM, Y0, Y1 \
	VMULPS     LSCALE, Y0, Y2 \
	VBLENDVPS  Y1, Y2, Y0, Y2 \
	VPSRLD     $23, Y2, Y3 \
	VMOVDQU    LBIAS, Y4 \
	VBLENDVPS  Y1, LBIASSUB, Y4, Y4 \
	VPSUBD     Y4, Y3, Y3 \
	VPAND      LMANT, Y2, Y2 \
	VPOR       LONEBITS, Y2, Y2 \
	VCMPPS     $0x1e, LSQRT2, Y2, Y4 \
	VMULPS     LHALF, Y2, Y5 \
	VBLENDVPS  Y4, Y5, Y2, Y2 \
	VPSUBD     Y4, Y3, Y3 \
	VSUBPS     LONE, Y2, Y5 \
	VADDPS     LONE, Y2, Y6 \
	VDIVPS     Y6, Y5, Y5 \
	VMULPS     Y5, Y5, Y6 \
	VMOVUPS    LC0, Y7 \
	VMULPS     Y6, Y7, Y7 \
	VADDPS     LC1, Y7, Y7 \
	VMULPS     Y6, Y7, Y7 \
	VADDPS     LC2, Y7, Y7 \
	VMULPS     Y6, Y7, Y7 \
	VADDPS     LC3, Y7, Y7 \
	VMULPS     Y6, Y7, Y7 \
	VADDPS     LC4, Y7, Y7 \
	VCVTDQ2PS  Y3, Y3 \
	VMULPS     Y7, Y5, Y5 \
	VMULPS     LLN2LO, Y3, Y6 \
	VADDPS     Y6, Y5, Y5 \
	VMULPS     LLN2HI, Y3, Y3 \
	VADDPS     Y5, Y3, Y3 \
	VXORPS     Y4, Y4, Y4 \
	VCMPPS     $0x1e, Y4, Y0, Y5 \
	VCMPPS     $0x00, Y4, Y0, Y6 \
	VMOVUPS    LNAN, Y7 \
	VBLENDVPS  Y5, Y3, Y7, Y3 \
	VBLENDVPS  Y6, LNEGINF, Y3, Y3 \
	VCMPPS     $0x00, LINF, Y0, Y6 \
	VBLENDVPS  Y6, Y0, Y3, Y0

// func log8(dst, x *float32, blocks int, table *[21][8]uint32)
TEXT ·log8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ table+24(FP), BX

logLoop:
	VMOVUPS (SI), Y0
	LOG
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     logLoop
	VZEROUPPER
	RET

// func bce8(p, y, grad *float32, blocks int, sum float64, inv float32, table *[21][8]uint32) float64
// For each value: logP = max(Log32(p), −100), log1mP = max(Log32(1−p), −100),
// sum −= float64(y·logP + (1−y)·log1mP), grad = (p−y)/max(p(1−p), 1e−12)·inv.
// The eight terms of a block go through the stack to be added in order.
TEXT ·bce8(SB), NOSPLIT, $40-64
	MOVQ  p+0(FP), SI
	MOVQ  y+8(FP), DI
	MOVQ  grad+16(FP), DX
	MOVQ  blocks+24(FP), CX
	MOVQ  table+48(FP), BX
	MOVSD sum+32(FP), X0
	MOVSD X0, 32(SP)

bceLoop:
	VMOVUPS (SI), Y8                // p
	VMOVUPS (DI), Y9                // y
	VSUBPS  Y9, Y8, Y13             // p − y
	VMOVUPS LONE, Y14
	VSUBPS  Y8, Y14, Y14            // 1 − p
	VMULPS  Y14, Y8, Y14            // p(1 − p)
	VMOVUPS LTINY, Y15
	VMAXPS  Y14, Y15, Y15           // max(p(1 − p), 1e−12), NaN kept
	VDIVPS  Y15, Y13, Y13
	VBROADCASTSS inv+40(FP), Y14
	VMULPS  Y14, Y13, Y13
	VMOVUPS Y13, (DX)
	VMOVAPS Y8, Y0
	LOG
	VMOVUPS LMINUS100, Y10
	VMAXPS  Y0, Y10, Y10            // max(log p, −100), NaN kept
	VMOVUPS LONE, Y0
	VSUBPS  Y8, Y0, Y0
	LOG
	VMOVUPS LMINUS100, Y11
	VMAXPS  Y0, Y11, Y11            // max(log(1 − p), −100)
	VMULPS  Y10, Y9, Y10            // y·logP
	VMOVUPS LONE, Y12
	VSUBPS  Y9, Y12, Y12            // 1 − y
	VMULPS  Y11, Y12, Y12           // (1 − y)·log1mP
	VADDPS  Y12, Y10, Y10
	VMOVUPS Y10, (SP)
	MOVSD   32(SP), X0
	VCVTSS2SD 0(SP), X1, X1
	VSUBSD  X1, X0, X0
	VCVTSS2SD 4(SP), X1, X1
	VSUBSD  X1, X0, X0
	VCVTSS2SD 8(SP), X1, X1
	VSUBSD  X1, X0, X0
	VCVTSS2SD 12(SP), X1, X1
	VSUBSD  X1, X0, X0
	VCVTSS2SD 16(SP), X1, X1
	VSUBSD  X1, X0, X0
	VCVTSS2SD 20(SP), X1, X1
	VSUBSD  X1, X0, X0
	VCVTSS2SD 24(SP), X1, X1
	VSUBSD  X1, X0, X0
	VCVTSS2SD 28(SP), X1, X1
	VSUBSD  X1, X0, X0
	MOVSD   X0, 32(SP)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	DECQ    CX
	JNE     bceLoop
	VZEROUPPER
	MOVSD   32(SP), X0
	MOVSD   X0, ret+56(FP)
	RET

// func adam8(value, grad, m, v *float32, blocks int, c *[9]float32, decoupled int)
// c holds β₁, 1−β₁, β₂, 1−β₂, 1/√(1−β₂ᵗ), ε, the step size, λ and AdamW's
// shrink factor. Per value: AdamW shrinks θ, Adam adds λθ to g; then
// m = β₁m + (1−β₁)g, v = β₂v + ((1−β₂)g)g, θ −= (step·m)/(√v·c + ε).
TEXT ·adam8(SB), NOSPLIT, $0-56
	MOVQ         value+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), R8
	MOVQ         v+24(FP), R9
	MOVQ         blocks+32(FP), CX
	MOVQ         c+40(FP), BX
	MOVQ         decoupled+48(FP), DX
	VBROADCASTSS 0(BX), Y8
	VBROADCASTSS 4(BX), Y9
	VBROADCASTSS 8(BX), Y10
	VBROADCASTSS 12(BX), Y11
	VBROADCASTSS 16(BX), Y12
	VBROADCASTSS 20(BX), Y13
	VBROADCASTSS 24(BX), Y14
	VBROADCASTSS 28(BX), Y15
	VBROADCASTSS 32(BX), Y7

adamLoop:
	VMOVUPS (DI), Y0
	VMOVUPS (SI), Y1
	TESTQ   DX, DX
	JEQ     coupled
	VMULPS  Y7, Y0, Y0
	JMP     moments

coupled:
	VMULPS Y0, Y15, Y2
	VADDPS Y2, Y1, Y1

moments:
	VMULPS  (R8), Y8, Y2
	VMULPS  Y1, Y9, Y3
	VADDPS  Y3, Y2, Y2
	VMULPS  (R9), Y10, Y3
	VMULPS  Y1, Y11, Y4
	VMULPS  Y1, Y4, Y4
	VADDPS  Y4, Y3, Y3
	VMOVUPS Y2, (R8)
	VMOVUPS Y3, (R9)
	VSQRTPS Y3, Y4
	VMULPS  Y12, Y4, Y4
	VADDPS  Y13, Y4, Y4
	VMULPS  Y2, Y14, Y5
	VDIVPS  Y4, Y5, Y5
	VSUBPS  Y5, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	DECQ    CX
	JNE     adamLoop
	VZEROUPPER
	RET

// func lstmBackward8(gates, cp, tc, dh, dy, dc, dgates *float32, h, blocks int)
// The LSTM cell's backward step of one sequence (seq's lstmStepBackward),
// eight units a block: gates and dgates hold i, f, g, o at strides of h
// values. Per unit: dh' = dh + dy, dc' = dc + (dh'·o)·(1 − t·t),
// do = ((dh'·t)·o)·(1 − o), di = ((dc'·g)·i)·(1 − i),
// df = ((dc'·cp)·f)·(1 − f), dg = (dc'·i)·(1 − g·g), dc = dc'·f.
TEXT ·lstmBackward8(SB), NOSPLIT, $0-72
	MOVQ         gates+0(FP), AX
	MOVQ         cp+8(FP), BX
	MOVQ         tc+16(FP), CX
	MOVQ         dh+24(FP), DX
	MOVQ         dy+32(FP), DI
	MOVQ         dc+40(FP), R8
	MOVQ         dgates+48(FP), R9
	MOVQ         h+56(FP), R10
	MOVQ         blocks+64(FP), R11
	SHLQ         $2, R10                // bytes of one gate's block
	LEAQ         (R10)(R10*2), R13      // bytes of three
	XORQ         R12, R12               // byte offset of the block
	MOVL         $0x3f800000, SI
	VMOVD        SI, X15
	VPBROADCASTD X15, Y15               // 1.0

lstmBackLoop:
	VMOVUPS (DX)(R12*1), Y0
	VADDPS  (DI)(R12*1), Y0, Y0 // dh'
	VMOVUPS (CX)(R12*1), Y1     // t = tanh c'
	LEAQ    (AX)(R12*1), SI
	VMOVUPS (SI), Y7            // i
	VMOVUPS (SI)(R10*1), Y8     // f
	VMOVUPS (SI)(R10*2), Y9     // g
	VMOVUPS (SI)(R13*1), Y2     // o
	VMULPS  Y1, Y1, Y3
	VSUBPS  Y3, Y15, Y3         // 1 − t·t
	VMULPS  Y2, Y0, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  (R8)(R12*1), Y4, Y4 // dc'
	VMULPS  Y1, Y0, Y5
	VMULPS  Y2, Y5, Y5
	VSUBPS  Y2, Y15, Y6
	VMULPS  Y6, Y5, Y5          // do
	VMULPS  Y9, Y4, Y10
	VMULPS  Y7, Y10, Y10
	VSUBPS  Y7, Y15, Y11
	VMULPS  Y11, Y10, Y10       // di
	VMULPS  (BX)(R12*1), Y4, Y11
	VMULPS  Y8, Y11, Y11
	VSUBPS  Y8, Y15, Y12
	VMULPS  Y12, Y11, Y11       // df
	VMULPS  Y7, Y4, Y12
	VMULPS  Y9, Y9, Y13
	VSUBPS  Y13, Y15, Y13
	VMULPS  Y13, Y12, Y12       // dg
	VMULPS  Y8, Y4, Y4          // dc
	VMOVUPS Y4, (R8)(R12*1)
	LEAQ    (R9)(R12*1), SI
	VMOVUPS Y10, (SI)
	VMOVUPS Y11, (SI)(R10*1)
	VMOVUPS Y12, (SI)(R10*2)
	VMOVUPS Y5, (SI)(R13*1)
	ADDQ    $32, R12
	DECQ    R11
	JNE     lstmBackLoop
	VZEROUPPER
	RET

// func reluBackward8(y, dy, dx *float32, blocks int)
// dx = dy where !(y ≤ 0) — so also where y is NaN — else 0.
TEXT ·reluBackward8(SB), NOSPLIT, $0-32
	BACKWARD_ARGS
	VXORPS Y7, Y7, Y7

reluLoop:
	VMOVUPS (SI), Y0
	VCMPPS  $0x16, Y7, Y0, Y0
	VANDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	BACKWARD_NEXT(reluLoop)

// func sigmoidBackward8(y, dy, dx *float32, blocks int)
// dx = (dy·y)·(1−y).
TEXT ·sigmoidBackward8(SB), NOSPLIT, $0-32
	BACKWARD_ARGS
	ONES

sigmoidBackLoop:
	VMOVUPS (SI), Y0
	VMULPS  (DX), Y0, Y1
	VSUBPS  Y0, Y6, Y2
	VMULPS  Y2, Y1, Y1
	VMOVUPS Y1, (DI)
	BACKWARD_NEXT(sigmoidBackLoop)

// func tanhBackward8(y, dy, dx *float32, blocks int)
// dx = dy·(1−y·y).
TEXT ·tanhBackward8(SB), NOSPLIT, $0-32
	BACKWARD_ARGS
	ONES

tanhBackLoop:
	VMOVUPS (SI), Y0
	VMULPS  Y0, Y0, Y2
	VSUBPS  Y2, Y6, Y2
	VMULPS  (DX), Y2, Y1
	VMOVUPS Y1, (DI)
	BACKWARD_NEXT(tanhBackLoop)
