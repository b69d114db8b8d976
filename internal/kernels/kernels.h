// The netlib build's fused float32 kernels (kernels.c), as cgo calls them.
#ifndef PHYSML_KERNELS_H
#define PHYSML_KERNELS_H

#include <stdint.h>

void physml_lstm_step(int b, int h, float *g, const float *cp, float *c, float *hn, float *tc, float *out, int ldo, const uint8_t *valid);
void physml_gru_step(int b, int h, float *g, const float *hw, const float *hp, float *hn, float *out, int ldo, const uint8_t *valid);
void physml_lstm_backward(int b, int h, const float *g, const float *cp, const float *tc, const float *dh, const float *dy, int ldy, float *dc, float *dg, const uint8_t *valid);
void physml_sigmoid(long n, const float *x, float *y);
void physml_tanh(long n, const float *x, float *y);
double physml_bce(long n, const float *p, const float *y, float *grad, float *loss, float invn);
void physml_rnn_tanh_step(int b, int h, float *g, float *hn, float *out, int ldo, const uint8_t *valid);

#endif
