// SignalDelay (TFLM signal library): delays each row (innermost axis) of an
// int16 stream by delay_length samples across invocations; the first
// delay_length samples out are zeros. The delay line persists until reset.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/fifo_rows.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct DelayData {
  int32_t delay;
  uint32_t frame;  // innermost axis
  signal::FifoRows fifos;
};

void DelayReset(OpContext& ctx) {
  const DelayData& d = *ctx.op_data_as<DelayData>();
  d.fifos.Reset(static_cast<uint32_t>(d.delay));
}

Status DelayPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->type != TensorType::kINT16 || out->type != TensorType::kINT16) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank < 1 || !SameShape(*in, *out)) {
    return ctx.Fail(Status::kInvalidModel, "output shape must equal the input's, of rank >= 1");
  }
  DelayData* d = ctx.AllocatePersistent<DelayData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 0, "delay_length", &d->delay));
  const int32_t inner = in->dims[in->rank - 1];
  constexpr int32_t kMaxDelay = 1 << 20;
  if (d->delay < 0 || d->delay > kMaxDelay || inner < 1) {
    return ctx.Fail(Status::kInvalidModel,
                    "delay_length %d must lie in [0, %d] and rows hold %d samples (>= 1)",
                    static_cast<int>(d->delay), static_cast<int>(kMaxDelay),
                    static_cast<int>(inner));
  }
  d->frame = static_cast<uint32_t>(inner);
  d->fifos.rows = in->element_count() / d->frame;
  d->fifos.capacity = d->frame + static_cast<uint32_t>(d->delay);
  MICROML_RETURN_IF_ERROR(signal::AllocateFifoRows(ctx, &d->fifos));
  d->fifos.Reset(static_cast<uint32_t>(d->delay));
  return Status::kOk;
}

Status DelayEval(OpContext& ctx) {
  const DelayData& d = *ctx.op_data_as<DelayData>();
  const int16_t* x = ctx.input(0)->data_as<const int16_t>();
  int16_t* y = ctx.output(0)->data_as<int16_t>();
  for (uint32_t r = 0; r < d.fifos.rows; ++r) {
    signal::SampleFifo* fifo = d.fifos.row(r);
    const size_t offset = static_cast<size_t>(r) * d.frame;
    fifo->Push(x + offset, d.frame);
    fifo->PeekOldest(d.frame, y + offset);
    fifo->DropOldest(d.frame);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalDelay = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                 "SignalDelay",
                                                 1,
                                                 DelayPrepare,
                                                 DelayEval,
                                                 DelayReset,
                                                 "int16"};

}  // namespace microml
