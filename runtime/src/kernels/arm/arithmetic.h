// Optimized ADD and MUL computes (Helium, Arm DSP or portable), bit-exact with
// the reference computes in prepare/add.h and prepare/mul.h, and the exact
// requantization steps they share. Neither needs scratch.
#ifndef MICROML_KERNELS_ARM_ARITHMETIC_H_
#define MICROML_KERNELS_ARM_ARITHMETIC_H_

#include <stdint.h>

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#endif

#include "kernels/reference/arithmetic.h"

namespace microml {
namespace arm {

void AddInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
// Helium only; elsewhere the reference compute.
void AddInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
void MulInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
// Helium only; elsewhere the reference compute.
void MulInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);

// (a2 * m + 2^31) >> 32, the SMMULR instruction: for a2 = 2a it is
// SaturatingRoundingDoublingHighMul(a, m), (a * m + 2^30) >> 31, wherever
// 2a fits int32 (the doubling high multiply saturates only for a = -2^31).
// Callers pass 2a directly, folding the doubling into their own scaling.
inline int32_t RoundedHighMul(int32_t a2, int32_t m) {
#if defined(__ARM_FEATURE_DSP)
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a2), "r"(m));
  return r;
#else
  return static_cast<int32_t>((static_cast<int64_t>(a2) * m + (int64_t{1} << 31)) >> 32);
#endif
}

// RoundingDivideByPOT(v, e) (half away from zero) without branches, for
// e <= kMaxPotExponent and |v| < 2^29: (2v + 2^e - [v < 0]) >> (e + 1). For
// e >= 1 that is (v + 2^(e-1) - [v < 0]) >> e, as 2v + 2^e - 1 is odd; for e = 0
// it is v. Doubling v spares the e = 0 case its own constants.
constexpr int32_t kMaxPotExponent = 29;

struct DivideByPot {
  int32_t nudge;
  int32_t shift;

  explicit DivideByPot(int32_t e) : nudge(1 << e), shift(e + 1) {}
  int32_t operator()(int32_t v) const { return (2 * v + nudge + (v >> 31)) >> shift; }
};

#if defined(__ARM_FEATURE_MVE)
// RoundingDivideByPOT by `e` on four lanes: VRSHL rounds half up, so negative
// lanes are first lowered by one when e > 0 (saturating: INT32_MIN stays).
inline int32x4_t DivideByPotMve(int32x4_t v, int32_t e) {
  const int32x4_t fix = vshrq_n_s32(vandq_s32(v, vdupq_n_s32(-e)), 31);
  return vrshlq_n_s32(vqaddq_s32(v, fix), -e);
}

// Four int8 or int16 lanes widened to int32 and narrowed back.
inline int32x4_t Load4(const int8_t* p, mve_pred16_t lanes) {
  return vldrbq_z_s32(p, lanes);
}
inline int32x4_t Load4(const int16_t* p, mve_pred16_t lanes) {
  return vldrhq_z_s32(p, lanes);
}
inline void Store4(int8_t* p, int32x4_t v, mve_pred16_t lanes) {
  vstrbq_p_s32(p, v, lanes);
}
inline void Store4(int16_t* p, int32x4_t v, mve_pred16_t lanes) {
  vstrhq_p_s32(p, v, lanes);
}
#endif

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_ARITHMETIC_H_
