// SignalEnergy (TFLM signal library): squared magnitude re^2 + im^2 of the
// int16 complex bins in [start_index, end_index) (the input holds (re, im)
// pairs), as uint32. Output elements outside that range are left untouched,
// as in TFLM.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct EnergyData {
  int32_t start;
  int32_t end;
};

Status EnergyPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->type != TensorType::kINT16 || out->type != TensorType::kUINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 1 || out->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "input (rank %d) and output (rank %d) must be rank 1",
                    in->rank, out->rank);
  }
  EnergyData* data = ctx.AllocatePersistent<EnergyData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 0, "end_index", &data->end));
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 1, "start_index", &data->start));
  const int32_t bins = in->dims[0] / 2;
  if (data->start < data->end &&
      (data->start < 0 || data->end > bins || data->end > out->dims[0])) {
    return ctx.Fail(Status::kInvalidModel,
                    "bins [%d, %d) do not fit an input of %d bins and an output of %d",
                    static_cast<int>(data->start), static_cast<int>(data->end),
                    static_cast<int>(bins), static_cast<int>(out->dims[0]));
  }
  return Status::kOk;
}

Status EnergyEval(OpContext& ctx) {
  const EnergyData& data = *ctx.op_data_as<EnergyData>();
  const int16_t* x = ctx.input(0)->data_as<const int16_t>();
  uint32_t* y = ctx.output(0)->data_as<uint32_t>();
  for (int32_t i = data.start; i < data.end; ++i) {
    const int32_t re = x[2 * i];
    const int32_t im = x[2 * i + 1];
    // Each square fits int32; their sum may not, and wraps as TFLM's does.
    y[i] = static_cast<uint32_t>(re * re) + static_cast<uint32_t>(im * im);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalEnergy = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                  "SignalEnergy",
                                                  1,
                                                  EnergyPrepare,
                                                  EnergyEval,
                                                  nullptr,
                                                  "int16"};

}  // namespace microml
