// ADD, int8 without broadcasting: both inputs rescaled to a common scale, summed
// and rescaled to the output, with the reference's rounding at every step.
// Helium does four elements at a time (VQRDMULH is the saturating rounding
// doubling high multiply itself); the scalar path (DSP: SMMULR) relies on the
// int8 bounds (|(x - zero point) << 21| < 2^29) that rule out saturation, and
// runs the reference for a rescale exponent beyond 29 (a scale ratio < 2^-29).
// Helium also runs int16 (exact with the same steps). Broadcasts, int32,
// float32 and int16 without Helium run the reference computes.
#include "kernels/prepare/add.h"

#include <stdint.h>

#include "kernels/arm/arithmetic.h"
#include "microml/kernels.h"

namespace microml {
namespace arm {

namespace {

#if defined(__ARM_FEATURE_MVE)
// Exact for int8 and int16 alike: (x - zero point) << left_shift fits int32
// and VQRDMULH saturates exactly where the reference does.
template <typename T>
void AddMve(const ArithData& d, const T* pa, const T* pb, T* po, int32_t n) {
  // Locals, as the stores could alias `d` and force reloads.
  const int32_t left = d.left_shift, offset_a = d.offset_a, offset_b = d.offset_b;
  const int32_t mult_a = d.mult_a, mult_b = d.mult_b, mult_out = d.mult_out;
  const int32_t e_a = -d.shift_a, e_b = -d.shift_b, e_out = -d.shift_out;
  const int32_t offset_out = d.offset_out, lo = d.act_min, hi = d.act_max;
  for (int32_t i = 0; i < n; i += 4) {
    const mve_pred16_t lanes = vctp32q(static_cast<uint32_t>(n - i));
    int32x4_t x = vshlq_r_s32(vaddq_n_s32(Load4(pa + i, lanes), offset_a), left);
    int32x4_t y = vshlq_r_s32(vaddq_n_s32(Load4(pb + i, lanes), offset_b), left);
    x = DivideByPotMve(vqrdmulhq_n_s32(x, mult_a), e_a);
    y = DivideByPotMve(vqrdmulhq_n_s32(y, mult_b), e_b);
    int32x4_t v = DivideByPotMve(vqrdmulhq_n_s32(vaddq_s32(x, y), mult_out), e_out);
    v = vminq_s32(vmaxq_s32(vaddq_n_s32(v, offset_out), vdupq_n_s32(lo)), vdupq_n_s32(hi));
    Store4(po + i, v, lanes);
  }
}
#endif

Status AddOptEval(OpContext& ctx) {
  const ArithData& d = *ctx.op_data_as<ArithData>();
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kINT8:
      AddInt8(d, a, b, out);
      break;
    case TensorType::kFLOAT32:
      reference::AddFloat(d, a, b, out);
      break;
    case TensorType::kINT32:
      reference::AddInt32(d, a, b, out);
      break;
    default:
      AddInt16(d, a, b, out);
      break;
  }
  return Status::kOk;
}

}  // namespace

void AddInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
#if defined(__ARM_FEATURE_MVE)
  if (d.broadcast) {
    reference::AddInt8(d, a, b, out);
    return;
  }
  AddMve(d, a.data_as<const int8_t>(), b.data_as<const int8_t>(), out.data_as<int8_t>(),
         static_cast<int32_t>(out.element_count()));
#else
  if (d.broadcast || -d.shift_a > kMaxPotExponent || -d.shift_b > kMaxPotExponent ||
      -d.shift_out > kMaxPotExponent) {
    reference::AddInt8(d, a, b, out);
    return;
  }
  const int8_t* pa = a.data_as<const int8_t>();
  const int8_t* pb = b.data_as<const int8_t>();
  int8_t* po = out.data_as<int8_t>();
  const int32_t n = static_cast<int32_t>(out.element_count());
  // Locals, as the int8 stores could alias `d` and force reloads. Inputs are
  // scaled by 2^(left_shift + 1): the doubled operand of RoundedHighMul.
  const DivideByPot pot_a(-d.shift_a), pot_b(-d.shift_b), pot_out(-d.shift_out);
  const int32_t scale = 2 << d.left_shift;
  const int32_t offset_a = d.offset_a * scale, offset_b = d.offset_b * scale;
  const int32_t mult_a = d.mult_a, mult_b = d.mult_b, mult_out = d.mult_out;
  const int32_t offset_out = d.offset_out, lo = d.act_min, hi = d.act_max;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t x = pot_a(RoundedHighMul(pa[i] * scale + offset_a, mult_a));
    const int32_t y = pot_b(RoundedHighMul(pb[i] * scale + offset_b, mult_b));
    int32_t v = pot_out(RoundedHighMul(2 * (x + y), mult_out)) + offset_out;
    v = v < lo ? lo : v;
    po[i] = static_cast<int8_t>(v > hi ? hi : v);
  }
#endif
}

void AddInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
#if defined(__ARM_FEATURE_MVE)
  if (!d.broadcast) {
    AddMve(d, a.data_as<const int16_t>(), b.data_as<const int16_t>(), out.data_as<int16_t>(),
           static_cast<int32_t>(out.element_count()));
    return;
  }
#endif
  reference::AddInt16(d, a, b, out);
}

}  // namespace arm

const KernelRegistration kRegisterAddOpt = {static_cast<int32_t>(BuiltinOp::kADD),
                                            nullptr,
                                            5,
                                            AddPrepare,
                                            arm::AddOptEval,
                                            nullptr,
                                            "float32 int8 int16 int32",
                                            0b11};

}  // namespace microml
