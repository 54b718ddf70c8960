// SignalFilterBankSquareRoot (TFLM signal library): rounded square root of
// each uint64 filterbank channel, shifted right by the scalar int32 input
// (the FFT auto-scale shift) and stored as uint32. The shift count is taken
// modulo 32 as x86 does for TFLM's 32-bit shift; real models pass 0..15.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_math.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status FilterBankSquareRootPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *shift, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &shift));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->type != TensorType::kUINT64 || shift->type != TensorType::kINT32 ||
      out->type != TensorType::kUINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 1 || shift->rank != 0 || out->rank != 1) {
    return ctx.Fail(Status::kInvalidModel,
                    "needs rank-1 input and output and a scalar shift (ranks %d, %d, %d)", in->rank,
                    out->rank, shift->rank);
  }
  if (out->dims[0] != in->dims[0]) {
    return ctx.Fail(Status::kInvalidModel, "output has %d channels, input %d",
                    static_cast<int>(out->dims[0]), static_cast<int>(in->dims[0]));
  }
  return Status::kOk;
}

Status FilterBankSquareRootEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const uint64_t* x = in.data_as<const uint64_t>();
  const uint32_t shift = static_cast<uint32_t>(*ctx.input(1)->data_as<const int32_t>()) & 31u;
  uint32_t* y = ctx.output(0)->data_as<uint32_t>();
  for (int32_t i = 0; i < in.dims[0]; ++i) y[i] = signal::RoundedSqrt64(x[i]) >> shift;
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalFilterBankSquareRoot = {
    static_cast<int32_t>(BuiltinOp::kCUSTOM),
    "SignalFilterBankSquareRoot",
    1,
    FilterBankSquareRootPrepare,
    FilterBankSquareRootEval,
    nullptr,
    "uint64"};

}  // namespace microml
