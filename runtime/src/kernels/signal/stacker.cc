// SignalStacker (TFLM signal library): stacks consecutive frames of
// num_channels int16 values into one output of (left + 1 + right) frames.
// Every invocation pushes one frame; the very first one is repeated `left`
// more times as padding. When enough frames are buffered the oldest
// left + 1 + right form the output (output_valid true) and the oldest
// `stacker_step` frames are dropped; otherwise the output is left untouched
// (holding the previous output, if any), as in TFLM.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/sample_fifo.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct StackerData {
  int32_t channels;
  int32_t left;
  int32_t right;
  int32_t step;
  uint32_t stacked;  // channels * (left + 1 + right)
  bool has_first_frame;
  signal::SampleFifo* fifo;
};

void StackerReset(OpContext& ctx) {
  StackerData* d = ctx.op_data_as<StackerData>();
  d->fifo->Clear();
  d->has_first_frame = false;
}

Status StackerPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 2));
  Tensor *in, *out, *valid;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 1, &valid));
  if (in->type != TensorType::kINT16 || out->type != TensorType::kINT16 ||
      valid->type != TensorType::kBOOL) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 1 || out->rank != 1 || valid->rank != 0) {
    return ctx.Fail(Status::kInvalidModel,
                    "needs rank-1 input and output and a scalar output_valid (ranks %d, %d, %d)",
                    in->rank, out->rank, valid->rank);
  }
  StackerData* d = ctx.AllocatePersistent<StackerData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 0, "num_channels", &d->channels));
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 1, "stacker_left_context", &d->left));
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 2, "stacker_right_context", &d->right));
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 3, "stacker_step", &d->step));
  constexpr int32_t kMaxContext = 1 << 12;
  constexpr int32_t kMaxChannels = 1 << 16;
  if (d->channels < 1 || d->channels > kMaxChannels || d->left < 0 || d->left > kMaxContext ||
      d->right < 0 || d->right > kMaxContext || d->step < 1 || d->step > d->left + d->right + 1) {
    return ctx.Fail(Status::kInvalidModel,
                    "num_channels %d, left context %d, right context %d and step %d are not a "
                    "valid stacking (step from 1 to left + right + 1)",
                    static_cast<int>(d->channels), static_cast<int>(d->left),
                    static_cast<int>(d->right), static_cast<int>(d->step));
  }
  d->stacked = static_cast<uint32_t>(d->channels) * static_cast<uint32_t>(d->left + d->right + 1);
  if (in->dims[0] != d->channels || out->element_count() != d->stacked) {
    return ctx.Fail(Status::kInvalidModel,
                    "input has %d values (num_channels %d), output %u (needs %u)",
                    static_cast<int>(in->dims[0]), static_cast<int>(d->channels),
                    out->element_count(), d->stacked);
  }
  d->fifo = static_cast<signal::SampleFifo*>(
      ctx.AllocatePersistent(static_cast<size_t>(signal::SampleFifo::BytesFor(d->stacked))));
  if (d->fifo == nullptr) return Status::kArenaTooSmall;
  d->fifo->capacity = d->stacked;
  d->fifo->Clear();
  return Status::kOk;
}

Status StackerEval(OpContext& ctx) {
  StackerData& d = *ctx.op_data_as<StackerData>();
  const uint32_t channels = static_cast<uint32_t>(d.channels);
  d.fifo->Push(ctx.input(0)->data_as<const int16_t>(), channels);
  if (!d.has_first_frame) {
    d.fifo->RepeatNewest(channels, static_cast<uint32_t>(d.left));
    d.has_first_frame = true;
  }
  bool* valid = ctx.output(1)->data_as<bool>();
  if (d.fifo->size >= d.stacked) {
    d.fifo->PeekOldest(d.stacked, ctx.output(0)->data_as<int16_t>());
    d.fifo->DropOldest(channels * static_cast<uint32_t>(d.step));
    *valid = true;
  } else {
    *valid = false;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalStacker = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                   "SignalStacker",
                                                   1,
                                                   StackerPrepare,
                                                   StackerEval,
                                                   StackerReset,
                                                   "int16"};

}  // namespace microml
