// SOFTMAX over the last dimension: float32 -> float32, int8 -> int8 or int16
// (gemmlowp fixed-point exp and reciprocal), int16 -> int16 (TFLM's
// table-interpolated exp and reciprocal).
#include "kernels/prepare/softmax.h"

#include <cmath>
#include <limits>

#include "kernels/fixed_point.h"
#include "kernels/quantization.h"
#include "kernels/reference/softmax_luts.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// The int8 path represents input differences as Q5.26 and sums exps in Q12.19.
constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

// Reciprocal of a positive Q12.19 sum as a Q0.31 scale and a power of two.
int32_t Reciprocal(int32_t sum, int* bits_over_unit) {
  const int headroom_plus_one = fx::CountLeadingZeros(static_cast<uint32_t>(sum));
  *bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
  const uint32_t normalized = static_cast<uint32_t>(
      (static_cast<uint64_t>(static_cast<uint32_t>(sum)) << headroom_plus_one));
  return fx::OneOverOnePlusX(static_cast<int32_t>(normalized - (1u << 31)));
}

// Scaled input difference for the int8 path.
inline int32_t ScaledDiff(const SoftmaxData& d, int32_t diff) {
  return MultiplyByQuantizedMultiplierGreaterThanOne(diff, d.input_multiplier, d.input_left_shift);
}

template <typename Out>
void SoftmaxInt8Rows(const SoftmaxData& d, const int8_t* in, Out* out, uint32_t rows,
                     int32_t depth) {
  constexpr int32_t kOutMin = std::numeric_limits<Out>::min();
  constexpr int32_t kOutMax = std::numeric_limits<Out>::max();
  for (uint32_t r = 0; r < rows; ++r, in += depth, out += depth) {
    int8_t max_in_row = std::numeric_limits<int8_t>::min();
    for (int32_t c = 0; c < depth; ++c) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
    int32_t sum = 0;
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= d.diff_min) {
        sum = fx::Add(
            sum, fx::Rescale(fx::ExpOnNegativeValues<kScaledDiffIntegerBits>(ScaledDiff(d, diff)),
                             0, kAccumulationIntegerBits));
      }
    }
    int bits_over_unit = 0;
    const int32_t scale = Reciprocal(sum, &bits_over_unit);
    // TFLM aborts outside [0, 31] (only reachable when the Q12.19 sum wraps
    // for rows of 4096+ elements); clamping keeps the shift defined.
    int exponent = bits_over_unit + 31 - static_cast<int>(sizeof(Out) * 8);
    exponent = exponent < 0 ? 0 : (exponent > 31 ? 31 : exponent);
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= d.diff_min) {
        const int32_t exp_q31 =
            fx::ExpOnNegativeValues<kScaledDiffIntegerBits>(ScaledDiff(d, diff));
        const int32_t v = fx::Add(RoundingDivideByPOT(fx::Mul(scale, exp_q31), exponent), kOutMin);
        out[c] = static_cast<Out>(v < kOutMin ? kOutMin : (v > kOutMax ? kOutMax : v));
      } else {
        out[c] = static_cast<Out>(kOutMin);
      }
    }
  }
}

// Linear interpolation in a 513-entry table indexed by the top 9 bits.
inline int16_t LutLookup(int16_t value, const int16_t* lut) {
  const int index = 256 + (value >> 7);
  const int32_t offset = value & 0x7f;
  const int32_t base = lut[index];
  const int32_t slope = lut[index + 1] - lut[index];
  return static_cast<int16_t>(base + ((slope * offset + 64) >> 7));
}

inline int16_t SaturateInt16(int32_t v) {
  return static_cast<int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

void SoftmaxInt16Rows(const SoftmaxData& d, const int16_t* in, int16_t* out, uint32_t rows,
                      int32_t depth) {
  for (uint32_t r = 0; r < rows; ++r, in += depth, out += depth) {
    int16_t max_in_row = std::numeric_limits<int16_t>::min();
    for (int32_t c = 0; c < depth; ++c) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
    // exp() values are parked in the output row, as TFLM does.
    int32_t sum = 0;
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t scaled = MultiplyByQuantizedMultiplier(static_cast<int32_t>(in[c] - max_in_row),
                                                           d.input_multiplier, d.input_left_shift);
      // [-65535, 0] maps onto the table's [-32768, 32767].
      out[c] = LutLookup(SaturateInt16(fx::Add(scaled, 32767)), kSoftmaxExpLut);
      sum += out[c];
    }
    // Prepare bounds the row length, so the sum is positive and below 2^31.
    const int headroom_plus_one = fx::CountLeadingZeros(static_cast<uint32_t>(sum));
    const int32_t shifted_sum = static_cast<int32_t>(
        ((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    // The table holds 1/(1+x) for x in [0, 1], centred on [-32768, 32767].
    const int16_t reciprocal =
        LutLookup(SaturateInt16(shifted_sum - ((1 << 15) + (1 << 16))), kSoftmaxReciprocalLut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = static_cast<int64_t>(1) << (right_shift - 1);
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t v =
          static_cast<int32_t>((static_cast<int64_t>(out[c]) * reciprocal + round) >> right_shift);
      out[c] = static_cast<int16_t>(v < 0 ? 0 : (v > 32767 ? 32767 : v));
    }
  }
}

void SoftmaxFloatRows(float beta, const float* in, float* out, uint32_t rows, int32_t depth) {
  for (uint32_t r = 0; r < rows; ++r, in += depth, out += depth) {
    float max = std::numeric_limits<float>::lowest();
    for (int32_t c = 0; c < depth; ++c) max = max < in[c] ? in[c] : max;
    float sum = 0.0f;
    for (int32_t c = 0; c < depth; ++c) {
      out[c] = std::exp((in[c] - max) * beta);
      sum += out[c];
    }
    for (int32_t c = 0; c < depth; ++c) out[c] = out[c] / sum;
  }
}

Status SoftmaxEval(OpContext& ctx) {
  reference::Softmax(*ctx.op_data_as<SoftmaxData>(), *ctx.input(0), *ctx.output(0));
  return Status::kOk;
}

}  // namespace

namespace reference {

void Softmax(const SoftmaxData& d, const Tensor& in, const Tensor& out) {
  const int32_t depth = in.dims[in.rank - 1];
  if (depth == 0) return;
  const uint32_t rows = in.element_count() / static_cast<uint32_t>(depth);
  if (in.type == TensorType::kFLOAT32) {
    SoftmaxFloatRows(d.beta, in.data_as<const float>(), out.data_as<float>(), rows, depth);
  } else if (in.type == TensorType::kINT16) {
    SoftmaxInt16Rows(d, in.data_as<const int16_t>(), out.data_as<int16_t>(), rows, depth);
  } else if (out.type == TensorType::kINT16) {
    SoftmaxInt8Rows(d, in.data_as<const int8_t>(), out.data_as<int16_t>(), rows, depth);
  } else {
    SoftmaxInt8Rows(d, in.data_as<const int8_t>(), out.data_as<int8_t>(), rows, depth);
  }
}

}  // namespace reference

const KernelRegistration kRegisterSoftmax = {static_cast<int32_t>(BuiltinOp::kSOFTMAX),
                                             nullptr,
                                             3,
                                             SoftmaxPrepare,
                                             SoftmaxEval,
                                             nullptr,
                                             "float32 int8_to_int8 int8_to_int16 int16_to_int16"};

}  // namespace microml
