// MUL, int8 without broadcasting: the product of the offset inputs (|p| < 2^16)
// rescaled once. Helium does four elements at a time with VQRDMULH, exact for
// every shift; the scalar path (DSP: SMMULR) needs the shifted product below
// 2^29 (a left shift of at most 13) and a right shift of at most 29, and runs
// the reference beyond.
// Helium also runs int16 (symmetric, so |product| <= 2^30, exact with the same
// steps). Broadcasts, int32, float32 and int16 without Helium run the reference
// computes.
#include "kernels/prepare/mul.h"

#include <stdint.h>

#include "kernels/arm/arithmetic.h"
#include "microml/kernels.h"

namespace microml {
namespace arm {

namespace {

#if !defined(__ARM_FEATURE_MVE)
// Largest left shift that keeps |product| << (shift + 1) below 2^30 (and the
// rescaled value below 2^29, as DivideByPot needs).
constexpr int32_t kMaxScalarLeftShift = 13;
#endif

#if defined(__ARM_FEATURE_MVE)
// Exact for int8 and int16 alike (int16 zero points are 0, so |product| <= 2^30):
// VSHL wraps like the reference's unsigned shift, VQRDMULH saturates where it does.
template <typename T>
void MulMve(const ArithData& d, const T* pa, const T* pb, T* po, int32_t n) {
  const int32_t left = d.shift_out > 0 ? d.shift_out : 0;
  const int32_t right = d.shift_out > 0 ? 0 : -d.shift_out;
  const int32_t offset_a = d.offset_a, offset_b = d.offset_b, mult = d.mult_out;
  MveLoop(d, pa, pb, po, n, [=](int32x4_t a, int32x4_t b) {
    const int32x4_t x = vaddq_n_s32(a, offset_a);
    const int32x4_t y = vaddq_n_s32(b, offset_b);
    const int32x4_t product = vshlq_r_s32(vmulq_s32(x, y), left);
    return DivideByPotMve(vqrdmulhq_n_s32(product, mult), right);
  });
}
#endif

}  // namespace

void MulInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
#if defined(__ARM_FEATURE_MVE)
  HeliumOrReference<int8_t, MulMve<int8_t>, reference::MulInt8>(d, a, b, out);
#else
  const int32_t left = d.shift_out > 0 ? d.shift_out : 0;
  const int32_t right = d.shift_out > 0 ? 0 : -d.shift_out;
  if (d.broadcast || left > kMaxScalarLeftShift || right > kMaxPotExponent) {
    reference::MulInt8(d, a, b, out);
    return;
  }
  // The product is scaled by 2^(left + 1): the doubled operand of
  // RoundedHighMul.
  const DivideByPot pot(right);
  const int32_t offset_a = d.offset_a, offset_b = d.offset_b, scale = 2 << left;
  const int32_t mult = d.mult_out, offset_out = d.offset_out;
  ScalarInt8Loop(d, a, b, out, [&](int8_t va, int8_t vb) {
    const int32_t product = (offset_a + va) * (offset_b + vb);
    return pot(RoundedHighMul(product * scale, mult)) + offset_out;
  });
#endif
}

void MulInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
#if defined(__ARM_FEATURE_MVE)
  HeliumOrReference<int16_t, MulMve<int16_t>, reference::MulInt16>(d, a, b, out);
#else
  reference::MulInt16(d, a, b, out);
#endif
}

}  // namespace arm

const KernelRegistration kRegisterMulOpt = {
    static_cast<int32_t>(BuiltinOp::kMUL),
    nullptr,
    7,
    MulPrepare,
    EvalArith<reference::MulFloat, reference::MulInt32, arm::MulInt8, arm::MulInt16>,
    nullptr,
    "float32 int32 int8 int16"};

}  // namespace microml
