// Math functions the runtime needs that ports without a C library libm lack
// (ports/qemu links with -nostdlib and MicroPython's single-precision
// lib/libm): ilogb, fmaxf and fminf. The runtime's fixed-point setup works in
// double, as TFLite's does; the other double functions come from MicroPython's
// lib/libm_dbl (see micropython.mk).
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

int ilogb(double x) {
  if (x == 0.0) {
    return FP_ILOGB0;
  }
  if (x != x) {
    return FP_ILOGBNAN;
  }
  if (x - x != 0.0) {
    return INT_MAX;
  }
  int e;
  frexp(x, &e);
  return e - 1;
}

static int sign_bit(float x) {
  uint32_t bits;
  memcpy(&bits, &x, sizeof(bits));
  return (int)(bits >> 31);
}

// C99 semantics: a NaN operand yields the other one; +0 is above -0.
float fmaxf(float x, float y) {
  if (x != x) {
    return y;
  }
  if (y != y) {
    return x;
  }
  if (x == y) {
    return sign_bit(x) ? y : x;
  }
  return x > y ? x : y;
}

float fminf(float x, float y) {
  if (x != x) {
    return y;
  }
  if (y != y) {
    return x;
  }
  if (x == y) {
    return sign_bit(x) ? x : y;
  }
  return x < y ? x : y;
}
