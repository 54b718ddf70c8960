// SignalRfft (TFLM signal library): real FFT of each frame along the last
// axis, zero-padded to fft_length, with KISS FFT's arithmetic for int16,
// int32 (fixed point, scaled down by the length as it goes) or float32. Each
// frame yields fft_length / 2 + 1 complex bins as (re, im) pairs.
#include "kernels/signal/fft_frames.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// Elements per output frame: fft_length / 2 + 1 bins of (re, im) pairs.
int32_t OutputLength(const signal::FftFramesData& data) {
  return 2 * (data.fft_length / 2 + 1);
}

Status CheckFrameLengths(OpContext& ctx, const signal::FftFramesData& data, int32_t output_length) {
  if (data.input_length < 1 || data.input_length > data.fft_length) {
    return ctx.Fail(Status::kInvalidModel, "frames of %d samples do not fit fft_length %d",
                    static_cast<int>(data.input_length), static_cast<int>(data.fft_length));
  }
  if (output_length != OutputLength(data)) {
    return ctx.Fail(Status::kInvalidModel, "output frames have %d values, fft_length %d makes %d",
                    static_cast<int>(output_length), static_cast<int>(data.fft_length),
                    static_cast<int>(OutputLength(data)));
  }
  return Status::kOk;
}

Status RfftPrepare(OpContext& ctx) {
  return signal::PrepareFftFrames(ctx, false, CheckFrameLengths);
}

template <typename T>
Status RunFrames(OpContext& ctx, const signal::FftFramesData& data) {
  const auto& plan = *static_cast<const signal::RealFftPlan<T>*>(data.plan);
  const T* x = ctx.input(0)->data_as<const T>();
  T* y = ctx.output(0)->data_as<T>();
  void* scratch = ctx.scratch(data.scratch);
  for (int32_t f = 0; f < data.frames; ++f) {
    signal::RealFft<T>(plan, x + static_cast<size_t>(f) * data.input_length, data.input_length,
                       y + static_cast<size_t>(f) * OutputLength(data), scratch);
  }
  return Status::kOk;
}

Status RfftEval(OpContext& ctx) {
  const signal::FftFramesData& data = *ctx.op_data_as<signal::FftFramesData>();
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
