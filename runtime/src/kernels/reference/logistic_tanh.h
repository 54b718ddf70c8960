// Parameters and tables shared by the quantized LOGISTIC and TANH kernels,
// which TFLM implements alike: int8 through Q4 fixed-point math on inputs
// within a saturation radius, int16 by interpolating in one sigmoid table
// (tanh(x) = 2 * sigmoid(2x) - 1) after rescaling the input to 1/(3 * 4096).
#ifndef MICROML_KERNELS_REFERENCE_LOGISTIC_TANH_H_
#define MICROML_KERNELS_REFERENCE_LOGISTIC_TANH_H_

#include <stdint.h>

#include <cmath>

#include "kernels/quantization.h"
#include "kernels/reference/op_checks.h"
#include "kernels/reference/unary.h"
#include "microml/kernel.h"

namespace microml {

// sigmoid(i / 24) for i = 0..255 in Q0.16; both functions are symmetric, so
// only non-negative arguments are tabulated.
constexpr uint16_t kSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

struct SigmoidData {
  int32_t input_zero_point;
  int32_t input_range_radius;  // int8: |input - zero point| at which the output saturates
  int32_t input_multiplier;
  int32_t input_shift;
};

// TFLM's CheckedLog2: log2(x) rounded, and whether x is within 1e-3 of a power
// of two (evaluated in float).
inline bool CheckedLog2(float x, int* log2_rounded) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_rounded = static_cast<int>(rounded);
  return std::fabs(x_log2 - rounded) < 1e-3f;
}

// int8: the input scale as a Q4 multiplier (frexp, unlike QuantizeMultiplier
// without the 2^31 correction) and the radius beyond which the output saturates.
inline Status PrepareSigmoidInt8(OpContext& ctx, const QuantParams& qi, SigmoidData* d) {
  constexpr int kInputIntegerBits = 4;
  int shift = 0;
  const double q =
      std::frexp(static_cast<double>(qi.scale) * (1 << (31 - kInputIntegerBits)), &shift);
  if (shift < 0 || shift > 62) {
    return ctx.Fail(Status::kUnsupported, "input scale exponent %d out of range", shift);
  }
  d->input_zero_point = qi.zero_point;
  d->input_multiplier = static_cast<int32_t>(std::round(q * (1LL << 31)));
  d->input_shift = shift;
  const double radius = 1.0 * ((1 << kInputIntegerBits) - 1) *
                        static_cast<double>(1LL << (31 - kInputIntegerBits)) /
                        static_cast<double>(1LL << shift);
  d->input_range_radius = static_cast<int32_t>(std::floor(radius));
  return Status::kOk;
}

// int16: zero points 0, output scale 2^-15, and the input rescaled to
// 1/(3 * 4096) by multiplier and right shift (or, for a power-of-two input
// scale TFLM recognises, by 3 << shift). `max_pot_shift` is 0 for LOGISTIC and
// 1 for TANH.
inline Status PrepareSigmoidInt16(OpContext& ctx, const QuantParams& qi, const QuantParams& qo,
                                  int max_pot_shift, SigmoidData* d) {
  MICROML_RETURN_IF_ERROR(ExpectSymmetricInt16(ctx, qi, qo));
  int output_log2 = 0;
  if (!CheckedLog2(qo.scale, &output_log2) || output_log2 != -15) {
    return ctx.Fail(Status::kUnsupported, "int16 output scale must be 2^-15");
  }
  int input_log2 = 0;
  const bool pot = CheckedLog2(qi.scale, &input_log2);
  const int pot_shift = 12 + input_log2;
  d->input_zero_point = 0;
  d->input_range_radius = 0;
  if (pot && pot_shift >= 0 && pot_shift <= max_pot_shift) {
    d->input_multiplier = 3 << pot_shift;
    d->input_shift = 0;
    return Status::kOk;
  }
  double multiplier = static_cast<double>(qi.scale) * 4096.0 * 3.0;
  int shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    ++shift;
    multiplier *= 2.0;
  }
  if (!(multiplier >= 1.0 && multiplier < 2147483648.0)) {
    return ctx.Fail(Status::kUnsupported, "int16 input scale out of range");
  }
  d->input_multiplier = static_cast<int32_t>(multiplier);
  d->input_shift = shift;
  return Status::kOk;
}

// The prepare of LOGISTIC (`max_pot_shift` 0, and the int8 output zero point
// must be -128: `int8_output_at_min`) and TANH (1, any zero point).
inline Status PrepareLogisticTanh(OpContext& ctx, int max_pot_shift, bool int8_output_at_min) {
  TensorType t = TensorType::kFLOAT32;
  SigmoidData* d = nullptr;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(PrepareActivation(ctx, &t, &d, &qi, &qo));
  if (d == nullptr) return Status::kOk;
  if (t == TensorType::kINT16) return PrepareSigmoidInt16(ctx, qi, qo, max_pot_shift, d);
  if (int8_output_at_min && qo.zero_point != -128) {
    return ctx.Fail(Status::kUnsupported, "int8 output zero point must be -128, is %d",
                    static_cast<int>(qo.zero_point));
  }
  return PrepareSigmoidInt8(ctx, qi, d);
}

// The int16 input on the 1/(3 * 4096) scale, with TFLM's 32-bit wrap-around.
inline int32_t SigmoidInt16Input(const SigmoidData& d, int16_t x) {
  const uint32_t round = d.input_shift > 0 ? 1u << (d.input_shift - 1) : 0u;
  const uint32_t product =
      static_cast<uint32_t>(static_cast<int32_t>(x)) * static_cast<uint32_t>(d.input_multiplier);
  return static_cast<int32_t>(product + round) >> d.input_shift;
}

inline uint32_t Magnitude(int32_t v) {
  return v < 0 ? 0u - static_cast<uint32_t>(v) : static_cast<uint32_t>(v);
}

// kSigmoidTable interpolated at `magnitude`, table steps being 2^step_bits
// apart; `saturated` past the table's end.
inline uint32_t SigmoidTableAt(uint32_t magnitude, int step_bits, uint32_t saturated) {
  const uint32_t index = magnitude >> step_bits;
  if (index >= 255) return saturated;
  const uint32_t a = kSigmoidTable[index];
  const uint32_t b = kSigmoidTable[index + 1];
  return (a << step_bits) + (magnitude & ((1u << step_bits) - 1)) * (b - a);
}

// The int8 kernels: the output saturates beyond the input radius; within it
// `F` maps the input, in Q4, to the output.
template <int8_t (*F)(int32_t)>
void SigmoidInt8(const SigmoidData& d, const int8_t* x, int8_t* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t input = static_cast<int32_t>(x[i]) - d.input_zero_point;
    if (input <= -d.input_range_radius) {
      y[i] = -128;
    } else if (input >= d.input_range_radius) {
      y[i] = 127;
    } else {
      y[i] = F(MultiplyByQuantizedMultiplier(input, d.input_multiplier, d.input_shift));
    }
  }
}

// The int16 kernels: `F` maps the input, on the 1/(3 * 4096) scale, to the
// output.
template <int16_t (*F)(int32_t)>
void SigmoidInt16(const SigmoidData& d, const int16_t* x, int16_t* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) y[i] = F(SigmoidInt16Input(d, x[i]));
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_LOGISTIC_TANH_H_
