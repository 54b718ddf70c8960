// SignalFramer (TFLM signal library): cuts a stream of int16 samples into
// overlapping frames. Each invocation takes, per outer row, the innermost
// axis as n_frames blocks of frame_step new samples; after each block the
// oldest frame_size buffered samples form an output frame once that many are
// buffered. With `prefill` the buffer starts with frame_size - frame_step
// zeros, so every frame is ready; otherwise output_valid is false until the
// buffer has filled, and frames not ready leave their output untouched.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/fifo_rows.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct FramerData {
  int32_t frame_size;
  int32_t frame_step;
  bool prefill;
  uint32_t frames;  // per row and invocation
  signal::FifoRows fifos;
};

void ResetFifos(const FramerData& d) {
  d.fifos.Reset(d.prefill ? static_cast<uint32_t>(d.frame_size - d.frame_step) : 0u);
}

void FramerReset(OpContext& ctx) {
  ResetFifos(*ctx.op_data_as<FramerData>());
}

Status FramerPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 2));
  Tensor *in, *out, *valid;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 1, &valid));
  if (in->type != TensorType::kINT16 || out->type != TensorType::kINT16 ||
      valid->type != TensorType::kBOOL) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank < 1 || out->rank != in->rank + 1 || valid->rank != 0) {
    return ctx.Fail(Status::kInvalidModel,
                    "input rank %d needs output rank %d (has %d) and a scalar output_valid "
                    "(rank %d)",
                    in->rank, in->rank + 1, out->rank, valid->rank);
  }
  FramerData* d = ctx.AllocatePersistent<FramerData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 0, "frame_size", &d->frame_size));
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 1, "frame_step", &d->frame_step));
  MICROML_RETURN_IF_ERROR(signal::ReadBoolOption(ctx, 2, "prefill", &d->prefill));
  const int32_t inner = in->dims[in->rank - 1];
  constexpr int32_t kMaxFrame = 1 << 20;
  if (d->frame_size < 1 || d->frame_size > kMaxFrame || d->frame_step < 1 ||
      inner < d->frame_step || inner % d->frame_step != 0) {
    return ctx.Fail(Status::kInvalidModel,
                    "frame_size %d and frame_step %d do not frame an innermost axis of %d",
                    static_cast<int>(d->frame_size), static_cast<int>(d->frame_step),
                    static_cast<int>(inner));
  }
  if (d->prefill && d->frame_size < d->frame_step) {
    return ctx.Fail(Status::kInvalidModel, "prefill needs frame_size %d >= frame_step %d",
                    static_cast<int>(d->frame_size), static_cast<int>(d->frame_step));
  }
  d->fifos.rows = in->element_count() / static_cast<uint32_t>(inner);
  d->frames = static_cast<uint32_t>(inner / d->frame_step);
  const uint64_t want = static_cast<uint64_t>(d->fifos.rows) * d->frames * d->frame_size;
  if (out->element_count() != want || out->dims[out->rank - 1] != d->frame_size ||
      out->dims[out->rank - 2] != static_cast<int32_t>(d->frames)) {
    return ctx.Fail(
        Status::kInvalidModel, "output needs %u rows of %u frames of %d samples (has %u elements)",
        d->fifos.rows, d->frames, static_cast<int>(d->frame_size), out->element_count());
  }
  // Room for frame_size rounded up to whole steps, as in TFLM: the most that
  // is ever buffered.
  d->fifos.capacity =
      static_cast<uint32_t>((d->frame_size + d->frame_step - 1) / d->frame_step * d->frame_step);
  MICROML_RETURN_IF_ERROR(signal::AllocateFifoRows(ctx, &d->fifos));
  ResetFifos(*d);
  return Status::kOk;
}

Status FramerEval(OpContext& ctx) {
  const FramerData& d = *ctx.op_data_as<FramerData>();
  const int16_t* x = ctx.input(0)->data_as<const int16_t>();
  int16_t* y = ctx.output(0)->data_as<int16_t>();
  bool all_valid = true;
  const uint32_t step = static_cast<uint32_t>(d.frame_step);
  const uint32_t size = static_cast<uint32_t>(d.frame_size);
  for (uint32_t r = 0; r < d.fifos.rows; ++r) {
    signal::SampleFifo* fifo = d.fifos.row(r);
    for (uint32_t f = 0; f < d.frames; ++f) {
      const size_t block = static_cast<size_t>(r) * d.frames + f;
      fifo->Push(x + block * step, step);
      if (fifo->size >= size) {
        fifo->PeekOldest(size, y + block * size);
        fifo->DropOldest(step);
      } else {
        all_valid = false;
      }
    }
  }
  *ctx.output(1)->data_as<bool>() = all_valid;
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalFramer = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                  "SignalFramer",
                                                  1,
                                                  FramerPrepare,
                                                  FramerEval,
                                                  FramerReset,
                                                  "int16"};

}  // namespace microml
