// SignalIrfft (TFLM signal library): inverse real FFT of each frame of
// fft_length / 2 + 1 complex bins ((re, im) pairs along the last axis) into
// fft_length samples, with KISS FFT's arithmetic. The fixed-point variants
// come out scaled down by the length as KISS FFT leaves them; float32 is
// divided by fft_length afterwards, as TFLM does.
#include "kernels/signal/fft_frames.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status CheckFrameLengths(OpContext& ctx, const signal::FftFramesData& data, int32_t output_length) {
  const int32_t bins = data.fft_length / 2 + 1;
  if (data.input_length % 2 != 0 || data.input_length < 2 * bins) {
    return ctx.Fail(Status::kInvalidModel,
                    "input frames have %d values, fft_length %d needs %d (re, im) pairs",
                    static_cast<int>(data.input_length), static_cast<int>(data.fft_length),
                    static_cast<int>(bins));
  }
  if (output_length != data.fft_length) {
    return ctx.Fail(Status::kInvalidModel, "output frames have %d samples, fft_length is %d",
                    static_cast<int>(output_length), static_cast<int>(data.fft_length));
  }
  return Status::kOk;
}

Status IrfftPrepare(OpContext& ctx) {
  return signal::PrepareFftFrames(ctx, true, CheckFrameLengths);
}

template <typename T>
void RunFrames(OpContext& ctx, const signal::FftFramesData& data) {
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
  const signal::FftFramesData& data = *ctx.op_data_as<signal::FftFramesData>();
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
