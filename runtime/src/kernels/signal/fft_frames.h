// Prepare shared by SignalRfft and SignalIrfft: both transform each frame
// along the last axis of one tensor into one frame of another, so they check
// the same options, types and frame count and build the same kind of plan;
// only the frame lengths each accepts differ.
#ifndef MICROML_KERNELS_SIGNAL_FFT_FRAMES_H_
#define MICROML_KERNELS_SIGNAL_FFT_FRAMES_H_

#include "kernels/reference/op_checks.h"
#include "kernels/signal/fft_options.h"
#include "kernels/signal/real_fft.h"
#include "microml/kernel.h"

namespace microml {
namespace signal {

struct FftFramesData {
  TensorType type;
  int32_t fft_length;
  int32_t input_length;  // elements per input frame
  int32_t frames;
  void* plan;
  int scratch;
};

// Refuses frame lengths the transform cannot take (the message names them);
// `output_length` is the number of elements per output frame.
using FftFrameCheck = Status (*)(OpContext& ctx, const FftFramesData& data, int32_t output_length);

template <typename T>
Status MakeFftPlan(OpContext& ctx, bool inverse, FftFramesData* data) {
  void* memory = ctx.AllocatePersistent(RealFftPlanBytes<T>(data->fft_length));
  if (memory == nullptr) return Status::kArenaTooSmall;
  data->plan = InitRealFft<T>(memory, data->fft_length, inverse);
  return ctx.RequestScratch(RealFftScratchBytes<T>(data->fft_length), &data->scratch);
}

inline Status PrepareFftFrames(OpContext& ctx, bool inverse, FftFrameCheck check_lengths) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  FftFramesData* data = ctx.AllocatePersistent<FftFramesData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(ReadFftOptions(ctx, &data->type, &data->fft_length));
  if (in->type != data->type || out->type != data->type) return ctx.FailUnsupportedTypes();
  if (in->rank < 1 || out->rank != in->rank) {
    return ctx.Fail(Status::kInvalidModel,
                    "input (rank %d) and output (rank %d) need one rank >= 1", in->rank, out->rank);
  }
  data->input_length = in->dims[in->rank - 1];
  const int32_t output_length = out->dims[out->rank - 1];
  MICROML_RETURN_IF_ERROR(check_lengths(ctx, *data, output_length));
  const uint32_t frames = in->element_count() / static_cast<uint32_t>(data->input_length);
  if (out->element_count() != frames * static_cast<uint32_t>(output_length)) {
    return ctx.Fail(Status::kInvalidModel, "input has %u frames, output room for %u", frames,
                    out->element_count() / static_cast<uint32_t>(output_length));
  }
  data->frames = static_cast<int32_t>(frames);
  switch (data->type) {
    case TensorType::kINT16:
      return MakeFftPlan<int16_t>(ctx, inverse, data);
    case TensorType::kINT32:
      return MakeFftPlan<int32_t>(ctx, inverse, data);
    default:
      return MakeFftPlan<float>(ctx, inverse, data);
  }
}

}  // namespace signal
}  // namespace microml

#endif  // MICROML_KERNELS_SIGNAL_FFT_FRAMES_H_
