// SignalWindow (TFLM signal library): multiplies each frame of int16 samples
// by an int16 window and shifts right by `shift`, saturating to int16. The
// input's elements are taken in consecutive frames of the window's length.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct WindowData {
  int32_t shift;
};

Status WindowPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *weights, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &weights));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->type != TensorType::kINT16 || weights->type != TensorType::kINT16 ||
      out->type != TensorType::kINT16) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank < 1 || weights->rank != 1 || out->rank != in->rank) {
    return ctx.Fail(Status::kInvalidModel,
                    "needs an input of rank >= 1 (has %d), a rank-1 window (has %d) and an "
                    "output of the input's rank (has %d)",
                    in->rank, weights->rank, out->rank);
  }
  if (!SameShape(*in, *out)) {
    return ctx.Fail(Status::kInvalidModel, "output shape differs from the input's");
  }
  const uint32_t window = weights->element_count();
  if (window == 0 || in->element_count() % window != 0) {
    return ctx.Fail(Status::kInvalidModel,
                    "input of %u samples is not a whole number of %u-sample windows",
                    in->element_count(), window);
  }
  WindowData* data = ctx.AllocatePersistent<WindowData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 0, "shift", &data->shift));
  if (data->shift < 0 || data->shift > 31) {
    return ctx.Fail(Status::kInvalidModel, "shift %d is outside [0, 31]",
                    static_cast<int>(data->shift));
  }
  return Status::kOk;
}

Status WindowEval(OpContext& ctx) {
  const int32_t shift = ctx.op_data_as<WindowData>()->shift;
  const Tensor& in = *ctx.input(0);
  const Tensor& weights = *ctx.input(1);
  const int16_t* x = in.data_as<const int16_t>();
  const int16_t* w = weights.data_as<const int16_t>();
  int16_t* y = ctx.output(0)->data_as<int16_t>();
  const uint32_t window = weights.element_count();
  const uint32_t total = in.element_count();
  for (uint32_t start = 0; start < total; start += window) {
    for (uint32_t i = 0; i < window; ++i) {
      const int32_t v = (static_cast<int32_t>(x[start + i]) * w[i]) >> shift;
      y[start + i] =
          static_cast<int16_t>(v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v));
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalWindow = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                  "SignalWindow",
                                                  1,
                                                  WindowPrepare,
                                                  WindowEval,
                                                  nullptr,
                                                  "int16"};

}  // namespace microml
