// SignalIrfft (TFLM signal library): inverse real FFT of each frame of
// fft_length / 2 + 1 complex bins ((re, im) pairs along the last axis) into
// fft_length samples, with KISS FFT's arithmetic. The fixed-point variants
// come out scaled down by the length as KISS FFT leaves them; float32 is
// divided by fft_length afterwards, as TFLM does.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/fft_options.h"
#include "kernels/signal/real_fft.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct IrfftData {
  TensorType type;
  int32_t fft_length;
  int32_t input_length;  // elements per input frame (2 per bin)
  int32_t frames;
  void* plan;
  int scratch;
};

template <typename T>
Status MakePlan(OpContext& ctx, IrfftData* data) {
  void* memory = ctx.AllocatePersistent(signal::RealFftPlanBytes<T>(data->fft_length));
  if (memory == nullptr) return Status::kArenaTooSmall;
  data->plan = signal::InitRealFft<T>(memory, data->fft_length, true);
  return ctx.RequestScratch(signal::RealFftScratchBytes<T>(data->fft_length), &data->scratch);
}

Status IrfftPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  IrfftData* data = ctx.AllocatePersistent<IrfftData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(signal::ReadFftOptions(ctx, &data->type, &data->fft_length));
  if (in->type != data->type || out->type != data->type) return ctx.FailUnsupportedTypes();
  if (in->rank < 1 || out->rank != in->rank) {
    return ctx.Fail(Status::kInvalidModel,
                    "input (rank %d) and output (rank %d) need one rank >= 1", in->rank, out->rank);
  }
  data->input_length = in->dims[in->rank - 1];
  const int32_t output_length = out->dims[out->rank - 1];
  const int32_t bins = data->fft_length / 2 + 1;
  if (data->input_length % 2 != 0 || data->input_length < 2 * bins) {
    return ctx.Fail(Status::kInvalidModel,
                    "input frames have %d values, fft_length %d needs %d (re, im) pairs",
                    static_cast<int>(data->input_length), static_cast<int>(data->fft_length),
                    static_cast<int>(bins));
  }
  if (output_length != data->fft_length) {
    return ctx.Fail(Status::kInvalidModel, "output frames have %d samples, fft_length is %d",
                    static_cast<int>(output_length), static_cast<int>(data->fft_length));
  }
  const uint32_t frames = in->element_count() / static_cast<uint32_t>(data->input_length);
  if (out->element_count() != frames * static_cast<uint32_t>(output_length)) {
    return ctx.Fail(Status::kInvalidModel, "input has %u frames, output room for %u", frames,
                    out->element_count() / static_cast<uint32_t>(output_length));
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
void RunFrames(OpContext& ctx, const IrfftData& data) {
  const auto& plan = *static_cast<const signal::RealFftPlan<T>*>(data.plan);
  const T* x = ctx.input(0)->data_as<const T>();
  T* y = ctx.output(0)->data_as<T>();
  void* scratch = ctx.scratch(data.scratch);
  for (int32_t f = 0; f < data.frames; ++f) {
    signal::InverseRealFft<T>(plan, x + static_cast<size_t>(f) * data.input_length,
                              y + static_cast<size_t>(f) * data.fft_length, scratch);
  }
}

Status IrfftEval(OpContext& ctx) {
  const IrfftData& data = *ctx.op_data_as<IrfftData>();
  switch (data.type) {
    case TensorType::kINT16:
      RunFrames<int16_t>(ctx, data);
      break;
    case TensorType::kINT32:
      RunFrames<int32_t>(ctx, data);
      break;
    default: {
      RunFrames<float>(ctx, data);
      float* y = ctx.output(0)->data_as<float>();
      const uint32_t n =
          static_cast<uint32_t>(data.frames) * static_cast<uint32_t>(data.fft_length);
      for (uint32_t i = 0; i < n; ++i) y[i] /= static_cast<float>(data.fft_length);
      break;
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalIrfft = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                 "SignalIrfft",
                                                 1,
                                                 IrfftPrepare,
                                                 IrfftEval,
                                                 nullptr,
                                                 "int16 int32 float32"};

}  // namespace microml
