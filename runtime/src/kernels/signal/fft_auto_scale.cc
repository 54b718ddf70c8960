// SignalFftAutoScale (TFLM signal library): shifts a frame of int16 samples
// left as far as its largest magnitude allows, to use the FFT's full range,
// and outputs the shift. The largest magnitude is found as TFLM does, in
// int16: -32768 wraps to itself, which then makes the shift 0.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_math.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status FftAutoScalePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 2));
  Tensor *in, *out, *shift;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 1, &shift));
  if (in->type != TensorType::kINT16 || out->type != TensorType::kINT16 ||
      shift->type != TensorType::kINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 1 || out->rank != 1 || shift->rank != 0) {
    return ctx.Fail(Status::kInvalidModel,
                    "needs rank-1 input and output and a scalar shift (ranks %d, %d, %d)", in->rank,
                    out->rank, shift->rank);
  }
  if (out->dims[0] != in->dims[0]) {
    return ctx.Fail(Status::kInvalidModel, "output has %d samples, input %d",
                    static_cast<int>(out->dims[0]), static_cast<int>(in->dims[0]));
  }
  return Status::kOk;
}

Status FftAutoScaleEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const int16_t* x = in.data_as<const int16_t>();
  int16_t* y = ctx.output(0)->data_as<int16_t>();
  const int32_t n = in.dims[0];
  int16_t max = 0;
  for (int32_t i = 0; i < n; ++i) {
    if (x[i] > max) {
      max = x[i];
    } else if (-x[i] > max) {
      max = static_cast<int16_t>(-x[i]);
    }
  }
  int32_t bits = 15 - static_cast<int32_t>(signal::BitLength32(static_cast<uint32_t>(max)));
  if (bits < 0) bits = 0;
  for (int32_t i = 0; i < n; ++i) y[i] = static_cast<int16_t>(x[i] * (1 << bits));
  *ctx.output(1)->data_as<int32_t>() = bits;
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalFftAutoScale = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                        "SignalFftAutoScale",
                                                        1,
                                                        FftAutoScalePrepare,
                                                        FftAutoScaleEval,
                                                        nullptr,
                                                        "int16"};

}  // namespace microml
