// SignalRfft (TFLM signal library): real FFT of each frame along the last
// axis, zero-padded to fft_length, with KISS FFT's arithmetic for int16,
// int32 (fixed point, scaled down by the length as it goes) or float32. Each
// frame yields fft_length / 2 + 1 complex bins as (re, im) pairs.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/fft_options.h"
#include "kernels/signal/real_fft.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct RfftData {
  TensorType type;
  int32_t fft_length;
  int32_t input_length;
  int32_t output_length;  // elements per output frame (2 per bin)
  int32_t frames;
  void* plan;
  int scratch;
};

template <typename T>
Status MakePlan(OpContext& ctx, RfftData* data) {
  void* memory = ctx.AllocatePersistent(signal::RealFftPlanBytes<T>(data->fft_length));
  if (memory == nullptr) return Status::kArenaTooSmall;
  data->plan = signal::InitRealFft<T>(memory, data->fft_length, false);
  return ctx.RequestScratch(signal::RealFftScratchBytes<T>(data->fft_length), &data->scratch);
}

Status RfftPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  RfftData* data = ctx.AllocatePersistent<RfftData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(signal::ReadFftOptions(ctx, &data->type, &data->fft_length));
  if (in->type != data->type || out->type != data->type) return ctx.FailUnsupportedTypes();
  if (in->rank < 1 || out->rank != in->rank) {
    return ctx.Fail(Status::kInvalidModel,
                    "input (rank %d) and output (rank %d) need one rank >= 1", in->rank, out->rank);
  }
  data->input_length = in->dims[in->rank - 1];
  data->output_length = out->dims[out->rank - 1];
  const int32_t bins = data->fft_length / 2 + 1;
  if (data->input_length < 1 || data->input_length > data->fft_length) {
    return ctx.Fail(Status::kInvalidModel, "frames of %d samples do not fit fft_length %d",
                    static_cast<int>(data->input_length), static_cast<int>(data->fft_length));
  }
  if (data->output_length != 2 * bins) {
    return ctx.Fail(Status::kInvalidModel, "output frames have %d values, fft_length %d makes %d",
                    static_cast<int>(data->output_length), static_cast<int>(data->fft_length),
                    static_cast<int>(2 * bins));
  }
  const uint32_t frames = in->element_count() / static_cast<uint32_t>(data->input_length);
  if (out->element_count() != frames * static_cast<uint32_t>(data->output_length)) {
    return ctx.Fail(Status::kInvalidModel, "input has %u frames, output room for %u", frames,
                    out->element_count() / static_cast<uint32_t>(data->output_length));
  }
  data->frames = static_cast<int32_t>(frames);
  switch (data->type) {
    case TensorType::kINT16:
      return MakePlan<int16_t>(ctx, data);
    case TensorType::kINT32:
      return MakePlan<int32_t>(ctx, data);
    default:
      return MakePlan<float>(ctx, data);
  }
}

template <typename T>
Status RunFrames(OpContext& ctx, const RfftData& data) {
  const auto& plan = *static_cast<const signal::RealFftPlan<T>*>(data.plan);
  const T* x = ctx.input(0)->data_as<const T>();
  T* y = ctx.output(0)->data_as<T>();
  void* scratch = ctx.scratch(data.scratch);
  for (int32_t f = 0; f < data.frames; ++f) {
    signal::RealFft<T>(plan, x + static_cast<size_t>(f) * data.input_length, data.input_length,
                       y + static_cast<size_t>(f) * data.output_length, scratch);
  }
  return Status::kOk;
}

Status RfftEval(OpContext& ctx) {
  const RfftData& data = *ctx.op_data_as<RfftData>();
  switch (data.type) {
    case TensorType::kINT16:
      return RunFrames<int16_t>(ctx, data);
    case TensorType::kINT32:
      return RunFrames<int32_t>(ctx, data);
    default:
      return RunFrames<float>(ctx, data);
  }
}

}  // namespace

const KernelRegistration kRegisterSignalRfft = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                "SignalRfft",
                                                1,
                                                RfftPrepare,
                                                RfftEval,
                                                nullptr,
                                                "int16 int32 float32"};

}  // namespace microml
