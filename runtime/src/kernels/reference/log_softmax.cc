// LOG_SOFTMAX over the last dimension: float32, and int8 with the fixed output
// quantization TFLM requires (scale 16/256, zero point 127): input differences
// in Q5, a Q12 sum of exps and TFLM's fixed-point log.
#include <cmath>
#include <limits>

#include "kernels/fixed_point.h"
#include "kernels/quantization.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kInputIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;
constexpr int kOutputIntegerBits = 4;

struct LogSoftmaxData {
  int32_t input_multiplier;
  int32_t input_left_shift;
  int32_t reverse_multiplier;
  int32_t reverse_shift;  // <= 0
  int32_t diff_min;       // differences below this contribute nothing
};

Status PrepareInt8(OpContext& ctx, LogSoftmaxData* d) {
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(
      GetPerTensorQuant(ctx, ctx.input_ref(0), TensorType::kINT8, "input", &qi));
  MICROML_RETURN_IF_ERROR(
      GetPerTensorQuant(ctx, ctx.output_ref(0), TensorType::kINT8, "output", &qo));
  if (qo.scale != 16.0f / 256.0f || qo.zero_point != 127) {
    return ctx.Fail(Status::kUnsupported,
                    "int8 output needs scale 1/16 and zero point 127, has zero point %d",
                    static_cast<int>(qo.zero_point));
  }
  // The input scale (beta 1) as a Q5 multiplier, capped like TFLM's
  // PreprocessSoftmaxScaling, which also insists that it exceeds 1.
  double real = static_cast<double>(qi.scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
  const double kMaxReal = static_cast<double>((1LL << 31) - 1);
  if (real > kMaxReal) real = kMaxReal;
  if (!(real > 1.0)) {
    return ctx.Fail(Status::kUnsupported, "input scale below 2^-26");
  }
  int shift = 0;
  QuantizeMultiplier(real, &d->input_multiplier, &shift);
  d->input_left_shift = shift;
  // The inverse of that scaling, to compare log-sum-exp with raw differences.
  int reverse_shift = 0;
  QuantizeMultiplier(
      static_cast<double>(1LL << (31 - shift)) / static_cast<double>(d->input_multiplier),
      &d->reverse_multiplier, &reverse_shift);
  if (reverse_shift > 0) {
    return ctx.Fail(Status::kUnsupported, "reverse scaling exponent %d above 0", reverse_shift);
  }
  d->reverse_shift = reverse_shift;
  const double radius = 1.0 * ((1 << kInputIntegerBits) - 1) *
                        static_cast<double>(1LL << (31 - kInputIntegerBits)) /
                        static_cast<double>(1LL << shift);
  d->diff_min = -static_cast<int32_t>(std::floor(radius));
  return Status::kOk;
}

Status LogSoftmaxPrepare(OpContext& ctx) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  if (out->type != t || !(t == TensorType::kFLOAT32 || t == TensorType::kINT8)) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank < 1) return ctx.Fail(Status::kUnsupported, "input must have rank >= 1");
  if (t == TensorType::kFLOAT32) return Status::kOk;
  LogSoftmaxData* d = ctx.AllocatePersistent<LogSoftmaxData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  return PrepareInt8(ctx, d);
}

void LogSoftmaxFloat(const float* x, float* y, uint32_t rows, uint32_t depth) {
  for (uint32_t r = 0; r < rows; ++r, x += depth, y += depth) {
    float max = std::numeric_limits<float>::lowest();
    for (uint32_t c = 0; c < depth; ++c) max = max < x[c] ? x[c] : max;
    float sum = 0.0f;
    for (uint32_t c = 0; c < depth; ++c) sum += std::exp(x[c] - max);
    const float log_sum = std::log(sum);
    for (uint32_t c = 0; c < depth; ++c) y[c] = x[c] - max - log_sum;
  }
}

void LogSoftmaxInt8(const LogSoftmaxData& d, const int8_t* x, int8_t* y, uint32_t rows,
                    uint32_t depth) {
  for (uint32_t r = 0; r < rows; ++r, x += depth, y += depth) {
    int8_t max = std::numeric_limits<int8_t>::min();
    for (uint32_t c = 0; c < depth; ++c) max = max < x[c] ? x[c] : max;
    int32_t sum_of_exps = 0;  // Q12
    for (uint32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max;
      if (diff >= d.diff_min) {
        const int32_t diff_q5 =
            MultiplyByQuantizedMultiplier(diff, d.input_multiplier, d.input_left_shift);
        sum_of_exps =
            fx::Add(sum_of_exps, fx::Rescale(fx::ExpOnNegativeValues<kInputIntegerBits>(diff_q5), 0,
                                             kAccumulationIntegerBits));
      }
    }
    const int32_t log_sum_q5 =
        fx::LogOfAtLeastOne<kInputIntegerBits, kAccumulationIntegerBits>(sum_of_exps);
    // The smallest Q5 value plus the log-sum, back on the input scale.
    const int32_t shifted_log_sum = fx::Add(log_sum_q5, std::numeric_limits<int32_t>::min());
    const int32_t rescaled =
        MultiplyByQuantizedMultiplier(shifted_log_sum, d.reverse_multiplier, d.reverse_shift);
    const int32_t adjusted_diff_min = d.diff_min - 1 > rescaled ? d.diff_min - 1 : rescaled;
    for (uint32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max;
      if (diff > adjusted_diff_min) {
        const int32_t diff_q5 =
            MultiplyByQuantizedMultiplier(diff, d.input_multiplier, d.input_left_shift);
        const int32_t v = RoundingDivideByPOT(fx::Sub(diff_q5, log_sum_q5),
                                              31 - kInputIntegerBits - kOutputIntegerBits) +
                          127;
        y[c] = Clamp<int8_t>(v, -128, 127);
      } else {
        y[c] = -128;
      }
    }
  }
}

Status LogSoftmaxEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t depth = static_cast<uint32_t>(in.dims[in.rank - 1]);
  if (depth == 0) return Status::kOk;
  const uint32_t rows = in.element_count() / depth;
  if (in.type == TensorType::kFLOAT32) {
    LogSoftmaxFloat(in.data_as<const float>(), out.data_as<float>(), rows, depth);
  } else {
    LogSoftmaxInt8(*ctx.op_data_as<LogSoftmaxData>(), in.data_as<const int8_t>(),
                   out.data_as<int8_t>(), rows, depth);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterLogSoftmax = {static_cast<int32_t>(BuiltinOp::kLOG_SOFTMAX),
                                                nullptr,
                                                2,
                                                LogSoftmaxPrepare,
                                                LogSoftmaxEval,
                                                nullptr,
                                                "float32 int8"};

}  // namespace microml
