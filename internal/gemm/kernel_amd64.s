//go:build !purego

#include "textflag.h"

// The micro-kernels of gemm.go for AVX2 and FMA. Each computes one tile of
// C from a packed panel of A (mr values per step of k, broadcast one at a
// time) and a packed panel of B (nr values per step of k, two vector
// registers), keeping the mr×nr tile in twelve accumulators:
//
//	acc[r][j] = Σ_p a[p·mr + r] · b[p·nr + j]       (p = 0 … k−1, by FMA in order)
//	t = alpha · acc
//	C[r][j] = t                   when beta is ±0 (C is not read)
//	C[r][j] = float(beta·C) + t   otherwise
//
// gemm.go writes the same epilogue in Go for tiles at the edges of C, so an
// element of C is computed the same way wherever its tile falls.

// func kernel64(k int, a, b *float64, alpha, beta float64, c *float64, ldc int)
// The tile is 6×8: six rows of two four-double registers.
TEXT ·kernel64(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15
	TESTQ CX, CX
	JEQ   epilogue64

loop64:
	VMOVUPD      (DI), Y0
	VMOVUPD      32(DI), Y1
	VBROADCASTSD (SI), Y2
	VBROADCASTSD 8(SI), Y3
	VFMADD231PD  Y0, Y2, Y4
	VFMADD231PD  Y1, Y2, Y5
	VFMADD231PD  Y0, Y3, Y6
	VFMADD231PD  Y1, Y3, Y7
	VBROADCASTSD 16(SI), Y2
	VBROADCASTSD 24(SI), Y3
	VFMADD231PD  Y0, Y2, Y8
	VFMADD231PD  Y1, Y2, Y9
	VFMADD231PD  Y0, Y3, Y10
	VFMADD231PD  Y1, Y3, Y11
	VBROADCASTSD 32(SI), Y2
	VBROADCASTSD 40(SI), Y3
	VFMADD231PD  Y0, Y2, Y12
	VFMADD231PD  Y1, Y2, Y13
	VFMADD231PD  Y0, Y3, Y14
	VFMADD231PD  Y1, Y3, Y15
	ADDQ         $48, SI
	ADDQ         $64, DI
	DECQ         CX
	JNE          loop64

epilogue64:
	VBROADCASTSD alpha+24(FP), Y0
	VMULPD       Y0, Y4, Y4
	VMULPD       Y0, Y5, Y5
	VMULPD       Y0, Y6, Y6
	VMULPD       Y0, Y7, Y7
	VMULPD       Y0, Y8, Y8
	VMULPD       Y0, Y9, Y9
	VMULPD       Y0, Y10, Y10
	VMULPD       Y0, Y11, Y11
	VMULPD       Y0, Y12, Y12
	VMULPD       Y0, Y13, Y13
	VMULPD       Y0, Y14, Y14
	VMULPD       Y0, Y15, Y15
	MOVQ         c+40(FP), DX
	MOVQ         ldc+48(FP), BX
	SHLQ         $3, BX
	MOVQ         beta+32(FP), AX
	SHLQ         $1, AX                   // drops the sign: zero for +0 and −0
	JEQ          store64
	VBROADCASTSD beta+32(FP), Y1

#define SCALE_ADD_STORE64(lo, hi) \
	VMULPD  (DX), Y1, Y2   \
	VMULPD  32(DX), Y1, Y3 \
	VADDPD  Y2, lo, lo     \
	VADDPD  Y3, hi, hi     \
	VMOVUPD lo, (DX)       \
	VMOVUPD hi, 32(DX)     \
	ADDQ    BX, DX

	SCALE_ADD_STORE64(Y4, Y5)
	SCALE_ADD_STORE64(Y6, Y7)
	SCALE_ADD_STORE64(Y8, Y9)
	SCALE_ADD_STORE64(Y10, Y11)
	SCALE_ADD_STORE64(Y12, Y13)
	SCALE_ADD_STORE64(Y14, Y15)
	VZEROUPPER
	RET

#define STORE64(lo, hi) \
	VMOVUPD lo, (DX)   \
	VMOVUPD hi, 32(DX) \
	ADDQ    BX, DX

store64:
	STORE64(Y4, Y5)
	STORE64(Y6, Y7)
	STORE64(Y8, Y9)
	STORE64(Y10, Y11)
	STORE64(Y12, Y13)
	STORE64(Y14, Y15)
	VZEROUPPER
	RET

// func kernel32(k int, a, b *float32, alpha, beta float32, c *float32, ldc int)
// The tile is 6×16: six rows of two eight-float registers.
TEXT ·kernel32(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	TESTQ CX, CX
	JEQ   epilogue32

loop32:
	VMOVUPS      (DI), Y0
	VMOVUPS      32(DI), Y1
	VBROADCASTSS (SI), Y2
	VBROADCASTSS 4(SI), Y3
	VFMADD231PS  Y0, Y2, Y4
	VFMADD231PS  Y1, Y2, Y5
	VFMADD231PS  Y0, Y3, Y6
	VFMADD231PS  Y1, Y3, Y7
	VBROADCASTSS 8(SI), Y2
	VBROADCASTSS 12(SI), Y3
	VFMADD231PS  Y0, Y2, Y8
	VFMADD231PS  Y1, Y2, Y9
	VFMADD231PS  Y0, Y3, Y10
	VFMADD231PS  Y1, Y3, Y11
	VBROADCASTSS 16(SI), Y2
	VBROADCASTSS 20(SI), Y3
	VFMADD231PS  Y0, Y2, Y12
	VFMADD231PS  Y1, Y2, Y13
	VFMADD231PS  Y0, Y3, Y14
	VFMADD231PS  Y1, Y3, Y15
	ADDQ         $24, SI
	ADDQ         $64, DI
	DECQ         CX
	JNE          loop32

epilogue32:
	VBROADCASTSS alpha+24(FP), Y0
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMULPS       Y0, Y7, Y7
	VMULPS       Y0, Y8, Y8
	VMULPS       Y0, Y9, Y9
	VMULPS       Y0, Y10, Y10
	VMULPS       Y0, Y11, Y11
	VMULPS       Y0, Y12, Y12
	VMULPS       Y0, Y13, Y13
	VMULPS       Y0, Y14, Y14
	VMULPS       Y0, Y15, Y15
	MOVQ         c+32(FP), DX
	MOVQ         ldc+40(FP), BX
	SHLQ         $2, BX
	MOVL         beta+28(FP), AX
	SHLL         $1, AX                   // drops the sign: zero for +0 and −0
	JEQ          store32
	VBROADCASTSS beta+28(FP), Y1

#define SCALE_ADD_STORE32(lo, hi) \
	VMULPS  (DX), Y1, Y2   \
	VMULPS  32(DX), Y1, Y3 \
	VADDPS  Y2, lo, lo     \
	VADDPS  Y3, hi, hi     \
	VMOVUPS lo, (DX)       \
	VMOVUPS hi, 32(DX)     \
	ADDQ    BX, DX

	SCALE_ADD_STORE32(Y4, Y5)
	SCALE_ADD_STORE32(Y6, Y7)
	SCALE_ADD_STORE32(Y8, Y9)
	SCALE_ADD_STORE32(Y10, Y11)
	SCALE_ADD_STORE32(Y12, Y13)
	SCALE_ADD_STORE32(Y14, Y15)
	VZEROUPPER
	RET

#define STORE32(lo, hi) \
	VMOVUPS lo, (DX)   \
	VMOVUPS hi, 32(DX) \
	ADDQ    BX, DX

store32:
	STORE32(Y4, Y5)
	STORE32(Y6, Y7)
	STORE32(Y8, Y9)
	STORE32(Y10, Y11)
	STORE32(Y12, Y13)
	STORE32(Y14, Y15)
	VZEROUPPER
	RET

// func copyRows64(dst, src unsafe.Pointer, rows, stride int)
// Copies 64 bytes from each of rows rows of src, stride bytes apart, to dst,
// one after the other: a full panel of B (16 float32 or 8 float64).
TEXT ·copyRows64(SB), NOSPLIT, $0-32
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  rows+16(FP), CX
	MOVQ  stride+24(FP), DX
	TESTQ CX, CX
	JEQ   copied

copyLoop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    DX, SI
	ADDQ    $64, DI
	DECQ    CX
	JNE     copyLoop

copied:
	VZEROUPPER
	RET

// func transpose32(dst, src unsafe.Pointer, ld, blocks, dstStride int)
// Packs eight rows of a float32 matrix, ld bytes apart, transposed: for each
// of blocks blocks of eight columns, an 8×8 transpose, whose row i (column
// 8b+i of src) goes to dst + (8b+i)·dstStride.
TEXT ·transpose32(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  ld+16(FP), R8
	MOVQ  blocks+24(FP), CX
	MOVQ  dstStride+32(FP), DX
	LEAQ  (R8)(R8*2), R9          // 3 ld
	LEAQ  (R8)(R8*4), R10         // 5 ld
	LEAQ  (R9)(R9*1), R11         // 6 ld
	LEAQ  (R10)(R8*2), R12        // 7 ld
	TESTQ CX, CX
	JEQ   transposed32

transpose32Loop:
	VMOVUPS     (SI), Y0
	VMOVUPS     (SI)(R8*1), Y1
	VMOVUPS     (SI)(R8*2), Y2
	VMOVUPS     (SI)(R9*1), Y3
	VMOVUPS     (SI)(R8*4), Y4
	VMOVUPS     (SI)(R10*1), Y5
	VMOVUPS     (SI)(R11*1), Y6
	VMOVUPS     (SI)(R12*1), Y7
	VUNPCKLPS   Y1, Y0, Y8
	VUNPCKHPS   Y1, Y0, Y9
	VUNPCKLPS   Y3, Y2, Y10
	VUNPCKHPS   Y3, Y2, Y11
	VUNPCKLPS   Y5, Y4, Y12
	VUNPCKHPS   Y5, Y4, Y13
	VUNPCKLPS   Y7, Y6, Y14
	VUNPCKHPS   Y7, Y6, Y15
	VSHUFPS     $0x44, Y10, Y8, Y0
	VSHUFPS     $0xee, Y10, Y8, Y1
	VSHUFPS     $0x44, Y11, Y9, Y2
	VSHUFPS     $0xee, Y11, Y9, Y3
	VSHUFPS     $0x44, Y14, Y12, Y4
	VSHUFPS     $0xee, Y14, Y12, Y5
	VSHUFPS     $0x44, Y15, Y13, Y6
	VSHUFPS     $0xee, Y15, Y13, Y7
	VPERM2F128  $0x20, Y4, Y0, Y8
	VPERM2F128  $0x20, Y5, Y1, Y9
	VPERM2F128  $0x20, Y6, Y2, Y10
	VPERM2F128  $0x20, Y7, Y3, Y11
	VPERM2F128  $0x31, Y4, Y0, Y12
	VPERM2F128  $0x31, Y5, Y1, Y13
	VPERM2F128  $0x31, Y6, Y2, Y14
	VPERM2F128  $0x31, Y7, Y3, Y15
	VMOVUPS     Y8, (DI)
	ADDQ        DX, DI
	VMOVUPS     Y9, (DI)
	ADDQ        DX, DI
	VMOVUPS     Y10, (DI)
	ADDQ        DX, DI
	VMOVUPS     Y11, (DI)
	ADDQ        DX, DI
	VMOVUPS     Y12, (DI)
	ADDQ        DX, DI
	VMOVUPS     Y13, (DI)
	ADDQ        DX, DI
	VMOVUPS     Y14, (DI)
	ADDQ        DX, DI
	VMOVUPS     Y15, (DI)
	ADDQ        DX, DI
	ADDQ        $32, SI
	DECQ        CX
	JNE         transpose32Loop

transposed32:
	VZEROUPPER
	RET

// func transpose64(dst, src unsafe.Pointer, ld, blocks, dstStride int)
// The same for four rows of a float64 matrix: 4×4 transposes of blocks of
// four columns.
TEXT ·transpose64(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  ld+16(FP), R8
	MOVQ  blocks+24(FP), CX
	MOVQ  dstStride+32(FP), DX
	LEAQ  (R8)(R8*2), R9          // 3 ld
	TESTQ CX, CX
	JEQ   transposed64

transpose64Loop:
	VMOVUPD     (SI), Y0
	VMOVUPD     (SI)(R8*1), Y1
	VMOVUPD     (SI)(R8*2), Y2
	VMOVUPD     (SI)(R9*1), Y3
	VUNPCKLPD   Y1, Y0, Y4
	VUNPCKHPD   Y1, Y0, Y5
	VUNPCKLPD   Y3, Y2, Y6
	VUNPCKHPD   Y3, Y2, Y7
	VPERM2F128  $0x20, Y6, Y4, Y0
	VPERM2F128  $0x20, Y7, Y5, Y1
	VPERM2F128  $0x31, Y6, Y4, Y2
	VPERM2F128  $0x31, Y7, Y5, Y3
	VMOVUPD     Y0, (DI)
	ADDQ        DX, DI
	VMOVUPD     Y1, (DI)
	ADDQ        DX, DI
	VMOVUPD     Y2, (DI)
	ADDQ        DX, DI
	VMOVUPD     Y3, (DI)
	ADDQ        DX, DI
	ADDQ        $32, SI
	DECQ        CX
	JNE         transpose64Loop

transposed64:
	VZEROUPPER
	RET
