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
  const int32_t left = d.left_shift, offset_a = d.offset_a, offset_b = d.offset_b;
  const int32_t mult_a = d.mult_a, mult_b = d.mult_b, mult_out = d.mult_out;
  const int32_t e_a = -d.shift_a, e_b = -d.shift_b, e_out = -d.shift_out;
  MveLoop(d, pa, pb, po, n, [=](int32x4_t a, int32x4_t b) {
    const int32x4_t x =
        DivideByPotMve(vqrdmulhq_n_s32(vshlq_r_s32(vaddq_n_s32(a, offset_a), left), mult_a), e_a);
    const int32x4_t y =
        DivideByPotMve(vqrdmulhq_n_s32(vshlq_r_s32(vaddq_n_s32(b, offset_b), left), mult_b), e_b);
    return DivideByPotMve(vqrdmulhq_n_s32(vaddq_s32(x, y), mult_out), e_out);
  });
}

// AddMve for int8 with the rounding divisions specialised: the input of the
// larger scale has the real multiplier 1/2 exactly (exponent 0: no division),
// the other one at most that, so after swapping the inputs (the sum does not
// care) input a never divides, b divides when kDivideB and the output when
// kDivideOut. Where a division is known to happen (exponent >= 1) its
// rounding fix is just the sign; (a + offset) << left is one VMLAS
// (|a + offset| <= 255 keeps it below 2^28); whole vectors go unpredicated,
// the last partial one predicated.
inline int32x4_t DivideByPotPositive(int32x4_t v, int32_t e) {
  return vrshlq_n_s32(vqaddq_s32(v, vshrq_n_s32(v, 31)), -e);
}

struct AddInput {
  const int8_t* data;
  int32_t offset;  // times 2^left_shift
  int32_t multiplier;
  int32_t exponent;
};

template <bool kDivideB, bool kDivideOut>
void AddInt8Split(const ArithData& d, const AddInput& a, const AddInput& b, int8_t* po, int32_t n) {
  const int32x4_t scale = vdupq_n_s32(1 << d.left_shift);
  const int8_t* pa = a.data;
  const int8_t* pb = b.data;
  const int32_t offset_a = a.offset, offset_b = b.offset;
  const int32_t mult_a = a.multiplier, mult_b = b.multiplier, mult_out = d.mult_out;
  const int32_t e_b = b.exponent, e_out = -d.shift_out;
  const int32_t offset_out = d.offset_out;
  const int32x4_t lo = vdupq_n_s32(d.act_min);
  const int32x4_t hi = vdupq_n_s32(d.act_max);
  const auto sum4 = [&](int32x4_t va, int32x4_t vb) {
    const int32x4_t x = vqrdmulhq_n_s32(vmlasq_n_s32(va, scale, offset_a), mult_a);
    int32x4_t y = vqrdmulhq_n_s32(vmlasq_n_s32(vb, scale, offset_b), mult_b);
    if (kDivideB) y = DivideByPotPositive(y, e_b);
    int32x4_t v = vqrdmulhq_n_s32(vaddq_s32(x, y), mult_out);
    if (kDivideOut) v = DivideByPotPositive(v, e_out);
    return vminq_s32(vmaxq_s32(vaddq_n_s32(v, offset_out), lo), hi);
  };
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) vstrbq_s32(po + i, sum4(vldrbq_s32(pa + i), vldrbq_s32(pb + i)));
  if (i < n) {
    const mve_pred16_t lanes = vctp32q(static_cast<uint32_t>(n - i));
    vstrbq_p_s32(po + i, sum4(vldrbq_z_s32(pa + i, lanes), vldrbq_z_s32(pb + i, lanes)), lanes);
  }
}

// False (nothing done) when no input has exponent 0 or the output's is
// positive, which prepare's multipliers never give.
bool AddInt8Specialised(const ArithData& d, const int8_t* pa, const int8_t* pb, int8_t* po,
                        int32_t n) {
  const int32_t scale = 1 << d.left_shift;
  AddInput a = {pa, d.offset_a * scale, d.mult_a, -d.shift_a};
  AddInput b = {pb, d.offset_b * scale, d.mult_b, -d.shift_b};
  if (a.exponent != 0) {
    const AddInput t = a;
    a = b;
    b = t;
  }
  if (a.exponent != 0 || b.exponent < 0 || d.shift_out > 0) return false;
  if (b.exponent > 0) {
    if (d.shift_out < 0) {
      AddInt8Split<true, true>(d, a, b, po, n);
    } else {
      AddInt8Split<true, false>(d, a, b, po, n);
    }
  } else if (d.shift_out < 0) {
    AddInt8Split<false, true>(d, a, b, po, n);
  } else {
    AddInt8Split<false, false>(d, a, b, po, n);
  }
  return true;
}

void AddInt8Mve(const ArithData& d, const int8_t* pa, const int8_t* pb, int8_t* po, int32_t n) {
  if (!AddInt8Specialised(d, pa, pb, po, n)) AddMve(d, pa, pb, po, n);
}
#endif

}  // namespace

void AddInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
#if defined(__ARM_FEATURE_MVE)
  HeliumOrReference<int8_t, AddInt8Mve, reference::AddInt8>(d, a, b, out);
#else
  if (d.broadcast || -d.shift_a > kMaxPotExponent || -d.shift_b > kMaxPotExponent ||
      -d.shift_out > kMaxPotExponent) {
    reference::AddInt8(d, a, b, out);
    return;
  }
  // Inputs are scaled by 2^(left_shift + 1): the doubled operand of
  // RoundedHighMul.
  const DivideByPot pot_a(-d.shift_a), pot_b(-d.shift_b), pot_out(-d.shift_out);
  const int32_t scale = 2 << d.left_shift;
  const int32_t offset_a = d.offset_a * scale, offset_b = d.offset_b * scale;
  const int32_t mult_a = d.mult_a, mult_b = d.mult_b, mult_out = d.mult_out;
  const int32_t offset_out = d.offset_out;
  ScalarInt8Loop(d, a, b, out, [&](int8_t va, int8_t vb) {
    const int32_t x = pot_a(RoundedHighMul(va * scale + offset_a, mult_a));
    const int32_t y = pot_b(RoundedHighMul(vb * scale + offset_b, mult_b));
    return pot_out(RoundedHighMul(2 * (x + y), mult_out)) + offset_out;
  });
#endif
}

void AddInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
#if defined(__ARM_FEATURE_MVE)
  HeliumOrReference<int16_t, AddMve<int16_t>, reference::AddInt16>(d, a, b, out);
#else
  reference::AddInt16(d, a, b, out);
#endif
}

}  // namespace arm

const KernelRegistration kRegisterAddOpt = {
    static_cast<int32_t>(BuiltinOp::kADD),
    nullptr,
    5,
    AddPrepare,
    EvalArith<reference::AddFloat, reference::AddInt32, arm::AddInt8, arm::AddInt16>,
    nullptr,
    "float32 int8 int16 int32",
    0b11};

}  // namespace microml
