// SignalFilterBankLog (TFLM signal library): natural log of each uint32
// channel, shifted left by input_correction_bits first, in fixed point scaled
// by output_scale / 2^16 and saturated to int16; 0 for inputs of 0 or 1.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_math.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct FilterBankLogData {
  int32_t correction_bits;
  int32_t output_scale;
};

Status FilterBankLogPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->type != TensorType::kUINT32 || out->type != TensorType::kINT16) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 1 || out->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "input (rank %d) and output (rank %d) must be rank 1",
                    in->rank, out->rank);
  }
  if (out->dims[0] != in->dims[0]) {
    return ctx.Fail(Status::kInvalidModel, "output has %d channels, input %d",
                    static_cast<int>(out->dims[0]), static_cast<int>(in->dims[0]));
  }
  FilterBankLogData* data = ctx.AllocatePersistent<FilterBankLogData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(
      signal::ReadIntOption(ctx, 0, "input_correction_bits", &data->correction_bits));
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 1, "output_scale", &data->output_scale));
  if (data->correction_bits < 0 || data->correction_bits > 31) {
    return ctx.Fail(Status::kInvalidModel, "input_correction_bits %d is outside [0, 31]",
                    static_cast<int>(data->correction_bits));
  }
  return Status::kOk;
}

Status FilterBankLogEval(OpContext& ctx) {
  const FilterBankLogData& data = *ctx.op_data_as<FilterBankLogData>();
  const Tensor& in = *ctx.input(0);
  const uint32_t* x = in.data_as<const uint32_t>();
  int16_t* y = ctx.output(0)->data_as<int16_t>();
  const uint32_t scale = static_cast<uint32_t>(data.output_scale);
  for (int32_t i = 0; i < in.dims[0]; ++i) {
    const uint32_t scaled = x[i] << data.correction_bits;
    if (scaled > 1) {
      const uint32_t value = signal::FixedLog32(scaled, scale);
      y[i] = static_cast<int16_t>(value < 32767u ? value : 32767u);
    } else {
      y[i] = 0;
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalFilterBankLog = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                         "SignalFilterBankLog",
                                                         1,
                                                         FilterBankLogPrepare,
                                                         FilterBankLogEval,
                                                         nullptr,
                                                         "uint32"};

}  // namespace microml
