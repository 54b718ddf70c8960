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
// ADD's and MUL's Helium computes: `kMve` on the T data, the reference compute
// `kReference` where the inputs broadcast.
template <typename T, void (*kMve)(const ArithData&, const T*, const T*, T*, int32_t),
          ArithCompute kReference>
void HeliumOrReference(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  if (d.broadcast) {
    kReference(d, a, b, out);
    return;
  }
  kMve(d, a.data_as<const T>(), b.data_as<const T>(), out.data_as<T>(),
       static_cast<int32_t>(out.element_count()));
}

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

// ADD's and MUL's Helium loop, four lanes at a time (the last vector
// predicated): `op` maps the widened inputs to the rescaled result, which gets
// the output offset and the activation clamp. The caller passes its
// parameters into `op` as locals, as the stores could alias `d` and force
// reloads.
template <typename T, typename Op>
inline void MveLoop(const ArithData& d, const T* pa, const T* pb, T* po, int32_t n, Op op) {
  const int32_t offset_out = d.offset_out, lo = d.act_min, hi = d.act_max;
  for (int32_t i = 0; i < n; i += 4) {
    const mve_pred16_t lanes = vctp32q(static_cast<uint32_t>(n - i));
    int32x4_t v = op(Load4(pa + i, lanes), Load4(pb + i, lanes));
    v = vminq_s32(vmaxq_s32(vaddq_n_s32(v, offset_out), vdupq_n_s32(lo)), vdupq_n_s32(hi));
    Store4(po + i, v, lanes);
  }
}
#else
// ADD's and MUL's int8 loop off Helium: `value` maps the inputs to the
// rescaled result plus the output offset, which gets the activation clamp.
// The caller passes its parameters into `value` as locals, as the int8 stores
// could alias `d` and force reloads.
template <typename Value>
inline void ScalarInt8Loop(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out,
                           Value value) {
  const int8_t* pa = a.data_as<const int8_t>();
  const int8_t* pb = b.data_as<const int8_t>();
  int8_t* po = out.data_as<int8_t>();
  const uint32_t n = out.element_count();
  const int32_t lo = d.act_min, hi = d.act_max;
  for (uint32_t i = 0; i != n; ++i) {
    int32_t v = value(pa[i], pb[i]);
    v = v < lo ? lo : v;
    po[i] = static_cast<int8_t>(v > hi ? hi : v);
  }
}
#endif

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_ARITHMETIC_H_
