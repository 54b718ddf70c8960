// SignalOverlapAdd (TFLM signal library): the inverse of framing. Per outer
// row, each of the n_frames input frames (innermost axis, frame_size
// samples) is added into a running buffer, whose oldest frame_step samples
// are then output and shifted out. int16 sums saturate; float32 sums do not.
// The buffer persists across invocations until reset.
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct OverlapAddData {
  TensorType type;
  int32_t frame_size;
  int32_t frame_step;
  uint32_t rows;
  uint32_t frames;  // per row and invocation
  void* buffers;    // rows * frame_size elements
};

size_t ElementSize(TensorType type) {
  return type == TensorType::kINT16 ? 2 : 4;
}

void OverlapAddReset(OpContext& ctx) {
  const OverlapAddData& d = *ctx.op_data_as<OverlapAddData>();
  memset(d.buffers, 0, d.rows * static_cast<size_t>(d.frame_size) * ElementSize(d.type));
}

Status OverlapAddPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  OverlapAddData* d = ctx.AllocatePersistent<OverlapAddData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  int32_t type = 0;
  MICROML_RETURN_IF_ERROR(signal::ReadTypeOption(ctx, &type));
  if (type != static_cast<int32_t>(TensorType::kINT16) &&
      type != static_cast<int32_t>(TensorType::kFLOAT32)) {
    return ctx.Fail(Status::kUnsupported, "element type %d is not int16 or float32",
                    static_cast<int>(type));
  }
  d->type = static_cast<TensorType>(type);
  if (in->type != d->type || out->type != d->type) return ctx.FailUnsupportedTypes();
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 1, "frame_step", &d->frame_step));
  if (in->rank < 2 || out->rank != in->rank - 1) {
    return ctx.Fail(Status::kInvalidModel, "input rank %d (>= 2) needs output rank %d, has %d",
                    in->rank, in->rank - 1, out->rank);
  }
  d->frame_size = in->dims[in->rank - 1];
  const int32_t frames = in->dims[in->rank - 2];
  if (d->frame_step < 1 || d->frame_step > d->frame_size || frames < 1) {
    return ctx.Fail(Status::kInvalidModel,
                    "frame_step %d must lie in [1, frame_size %d], with at least one frame (%d)",
                    static_cast<int>(d->frame_step), static_cast<int>(d->frame_size),
                    static_cast<int>(frames));
  }
  d->frames = static_cast<uint32_t>(frames);
  d->rows = in->element_count() / (d->frames * static_cast<uint32_t>(d->frame_size));
  const uint64_t want = static_cast<uint64_t>(d->rows) * d->frames * d->frame_step;
  if (out->element_count() != want ||
      out->dims[out->rank - 1] != static_cast<int32_t>(d->frames) * d->frame_step) {
    return ctx.Fail(Status::kInvalidModel,
                    "output needs %u rows of %u frames of %d samples (has %u elements)", d->rows,
                    d->frames, static_cast<int>(d->frame_step), out->element_count());
  }
  d->buffers =
      ctx.AllocatePersistent(d->rows * static_cast<size_t>(d->frame_size) * ElementSize(d->type));
  if (d->buffers == nullptr) return Status::kArenaTooSmall;
  return Status::kOk;
}

int16_t AddSample(int16_t a, int16_t b) {
  const int32_t sum = static_cast<int32_t>(a) + b;
  return static_cast<int16_t>(sum < INT16_MIN ? INT16_MIN : (sum > INT16_MAX ? INT16_MAX : sum));
}

float AddSample(float a, float b) {
  return a + b;
}

template <typename T>
void Run(const OverlapAddData& d, const T* x, T* y) {
  const size_t size = static_cast<size_t>(d.frame_size);
  const size_t step = static_cast<size_t>(d.frame_step);
  for (uint32_t r = 0; r < d.rows; ++r) {
    T* buffer = static_cast<T*>(d.buffers) + r * size;
    for (uint32_t f = 0; f < d.frames; ++f) {
      const size_t block = static_cast<size_t>(r) * d.frames + f;
      const T* frame = x + block * size;
      for (size_t i = 0; i < size; ++i) buffer[i] = AddSample(frame[i], buffer[i]);
      memcpy(y + block * step, buffer, step * sizeof(T));
      memmove(buffer, buffer + step, (size - step) * sizeof(T));
      memset(buffer + (size - step), 0, step * sizeof(T));
    }
  }
}

Status OverlapAddEval(OpContext& ctx) {
  const OverlapAddData& d = *ctx.op_data_as<OverlapAddData>();
  if (d.type == TensorType::kINT16) {
    Run<int16_t>(d, ctx.input(0)->data_as<const int16_t>(), ctx.output(0)->data_as<int16_t>());
  } else {
    Run<float>(d, ctx.input(0)->data_as<const float>(), ctx.output(0)->data_as<float>());
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalOverlapAdd = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                      "SignalOverlapAdd",
                                                      1,
                                                      OverlapAddPrepare,
                                                      OverlapAddEval,
                                                      OverlapAddReset,
                                                      "int16 float32"};

}  // namespace microml
