//go:build !purego

#include "textflag.h"

// Eight lanes of Exp32, Sigmoid32 and Tanh32 (fastmath.go) with AVX2: the
// same float32 operations in the same order — multiplies and adds apart,
// never fused — so every lane equals the scalar function to the bit. BX
// points at the table of vector_amd64.go; an entry is 32 bytes.

#define OVER 0(BX)
#define UNDER 32(BX)
#define LOG2E 64(BX)
#define ROUND 96(BX)
#define LN2HI 128(BX)
#define LN2LO 160(BX)
#define P0 192(BX)
#define P1 224(BX)
#define P2 256(BX)
#define P3 288(BX)
#define P4 320(BX)
#define P5 352(BX)
#define P6 384(BX)
#define P7 416(BX)
#define TWOM64 448(BX)
#define TWO 480(BX)
#define ONE 512(BX)
#define INF 544(BX)
#define KLOW 576(BX)
#define KHIGH 608(BX)
#define JLOW 640(BX)
#define ONEI 672(BX)
#define BIAS 704(BX)
#define SIGN 736(BX)
#define ABS 768(BX)
#define SMALL 800(BX)
#define T0 832(BX)
#define T1 864(BX)
#define T2 896(BX)
#define T3 928(BX)
#define MINUSTWO 960(BX)
#define MANT 992(BX)
#define SQRT2 1024(BX)
#define HALF 1056(BX)
#define L0 1088(BX)
#define L1 1120(BX)
#define L2 1152(BX)
#define L3 1184(BX)

// EXP sets Y0 = Exp32(Y0), using Y1–Y7.
//   n = (y·log2e + R) − R;  r = (y − n·ln2Hi) − n·ln2Lo;  p = Horner(r)
//   k = int32(n);  j = −64 if k < −126, 1 if k > 127, else 0
//   e = (p · 2^(k−j)) · 2^j;  +Inf where y > 88.72283, 0 where y < −103.97
#define EXP \
	VMULPS     LOG2E, Y0, Y1 \
	VADDPS     ROUND, Y1, Y1 \
	VSUBPS     ROUND, Y1, Y1 \
	VMULPS     LN2HI, Y1, Y2 \
	VSUBPS     Y2, Y0, Y2    \
	VMULPS     LN2LO, Y1, Y3 \
	VSUBPS     Y3, Y2, Y2    \
	VMOVUPS    P0, Y3        \
	VMULPS     Y2, Y3, Y3    \
	VADDPS     P1, Y3, Y3    \
	VMULPS     Y2, Y3, Y3    \
	VADDPS     P2, Y3, Y3    \
	VMULPS     Y2, Y3, Y3    \
	VADDPS     P3, Y3, Y3    \
	VMULPS     Y2, Y3, Y3    \
	VADDPS     P4, Y3, Y3    \
	VMULPS     Y2, Y3, Y3    \
	VADDPS     P5, Y3, Y3    \
	VMULPS     Y2, Y3, Y3    \
	VADDPS     P6, Y3, Y3    \
	VMULPS     Y2, Y3, Y3    \
	VADDPS     P7, Y3, Y3    \
	VCVTTPS2DQ Y1, Y4        \
	VMOVDQU    KLOW, Y5      \
	VPCMPGTD   Y4, Y5, Y5    \
	VPCMPGTD   KHIGH, Y4, Y6 \
	VPAND      JLOW, Y5, Y7  \
	VPAND      ONEI, Y6, Y1  \
	VPOR       Y1, Y7, Y7    \
	VPSUBD     Y7, Y4, Y4    \
	VPADDD     BIAS, Y4, Y4  \
	VPSLLD     $23, Y4, Y4   \
	VMULPS     Y4, Y3, Y3    \
	VMOVUPS    ONE, Y1       \
	VBLENDVPS  Y5, TWOM64, Y1, Y1 \
	VBLENDVPS  Y6, TWO, Y1, Y1 \
	VMULPS     Y1, Y3, Y3    \
	VCMPPS     $0x1e, OVER, Y0, Y5 \
	VCMPPS     $0x11, UNDER, Y0, Y6 \
	VBLENDVPS  Y5, INF, Y3, Y3 \
	VANDNPS    Y3, Y6, Y0

// func sigmoid8(dst, x *float32, blocks int, table *[tableLen][8]uint32)
// dst = 1 / (1 + Exp32(−x)).
TEXT ·sigmoid8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ table+24(FP), BX

sigmoidLoop:
	VMOVUPS (SI), Y0
	VXORPS  SIGN, Y0, Y0
	EXP
	VADDPS  ONE, Y0, Y0
	VMOVUPS ONE, Y1
	VDIVPS  Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     sigmoidLoop
	VZEROUPPER
	RET

// func tanh8(dst, x *float32, blocks int, table *[tableLen][8]uint32)
// Where |x| < 0.2: x + (x·x²)·p(x²); elsewhere, with e = Exp32(−2|x|),
// (1 − e)/(1 + e) with the sign of x.
TEXT ·tanh8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ table+24(FP), BX

tanhLoop:
	VMOVUPS (SI), Y8
	VANDPS  ABS, Y8, Y9             // a = |x|
	VCMPPS  $0x11, SMALL, Y9, Y10   // a < 0.2
	VMULPS  Y8, Y8, Y11             // x² …
	VMOVUPS T0, Y12
	VMULPS  Y11, Y12, Y12
	VSUBPS  T1, Y12, Y12
	VMULPS  Y11, Y12, Y12
	VADDPS  T2, Y12, Y12
	VMULPS  Y11, Y12, Y12
	VSUBPS  T3, Y12, Y12            // p
	VMULPS  Y11, Y8, Y11            // x·x²
	VMULPS  Y12, Y11, Y11
	VADDPS  Y11, Y8, Y11            // the polynomial's tanh
	VMULPS  MINUSTWO, Y9, Y0        // −2a
	EXP
	VMOVUPS ONE, Y1
	VSUBPS  Y0, Y1, Y2              // 1 − e
	VADDPS  ONE, Y0, Y3             // 1 + e
	VDIVPS  Y3, Y2, Y2
	VANDPS  SIGN, Y8, Y3
	VXORPS  Y3, Y2, Y2              // with the sign of x
	VBLENDVPS Y10, Y11, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     tanhLoop
	VZEROUPPER
	RET

// func exp8(dst, x *float32, blocks int, table *[tableLen][8]uint32)
// dst = Exp32(x).
TEXT ·exp8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ table+24(FP), BX

expLoop:
	VMOVUPS (SI), Y0
	EXP
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     expLoop
	VZEROUPPER
	RET

// func logSigmoid8(dst, x *float32, blocks int, table *[tableLen][8]uint32)
// dst = min(x, 0) − Log32(v), v = 1 + Exp32(−|x|) ∈ [1, 2]: Log32's normal
// path, v = 2ᵉm with m ∈ [1, 2), halved (and e + 1) above √2, then
// e·ln2Hi + (s·p(s²) + e·ln2Lo) with s = (m − 1)/(m + 1).
TEXT ·logSigmoid8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ table+24(FP), BX

logSigmoidLoop:
	VMOVUPS   (SI), Y8
	VANDPS    ABS, Y8, Y0
	VXORPS    SIGN, Y0, Y0          // −|x|
	EXP
	VADDPS    ONE, Y0, Y0           // v
	VPSRLD    $23, Y0, Y1
	VPSUBD    BIAS, Y1, Y1          // e
	VANDPS    MANT, Y0, Y2
	VORPS     ONE, Y2, Y2           // m ∈ [1, 2): the bits of 1.0 are the exponent of 2⁰
	VCMPPS    $0x1e, SQRT2, Y2, Y3  // m > √2
	VMULPS    HALF, Y2, Y4
	VBLENDVPS Y3, Y4, Y2, Y2
	VPSUBD    Y3, Y1, Y1            // e + 1 where halved (the mask is −1)
	VSUBPS    ONE, Y2, Y4
	VADDPS    ONE, Y2, Y5
	VDIVPS    Y5, Y4, Y4            // s
	VMULPS    Y4, Y4, Y5            // s²
	VMOVUPS   L0, Y6
	VMULPS    Y5, Y6, Y6
	VADDPS    L1, Y6, Y6
	VMULPS    Y5, Y6, Y6
	VADDPS    L2, Y6, Y6
	VMULPS    Y5, Y6, Y6
	VADDPS    L3, Y6, Y6
	VMULPS    Y5, Y6, Y6
	VADDPS    TWO, Y6, Y6           // p
	VCVTDQ2PS Y1, Y1                // float32(e)
	VMULPS    Y6, Y4, Y4            // s·p
	VMULPS    LN2LO, Y1, Y7
	VADDPS    Y7, Y4, Y4            // s·p + e·ln2Lo
	VMULPS    LN2HI, Y1, Y7
	VADDPS    Y4, Y7, Y4            // log v
	VXORPS    Y9, Y9, Y9
	VMINPS    Y8, Y9, Y9            // min(x, 0), x where x is NaN
	VSUBPS    Y4, Y9, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	DECQ      CX
	JNE       logSigmoidLoop
	VZEROUPPER
	RET
