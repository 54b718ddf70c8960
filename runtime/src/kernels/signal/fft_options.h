// Options shared by SignalRfft and SignalIrfft: the element type 'T' and
// 'fft_length' (entry 1 of the options map), checked against what the KISS
// FFT build in TFLM can run.
#ifndef MICROML_KERNELS_SIGNAL_FFT_OPTIONS_H_
#define MICROML_KERNELS_SIGNAL_FFT_OPTIONS_H_

#include "kernels/signal/real_fft.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernel.h"

namespace microml {
namespace signal {

// Transforms longer than this are refused: they would not fit a
// microcontroller and keep index arithmetic far from overflow.
constexpr int32_t kMaxFftLength = 1 << 20;

inline Status ReadFftOptions(OpContext& ctx, TensorType* type, int32_t* fft_length) {
  int32_t t = 0;
  MICROML_RETURN_IF_ERROR(ReadTypeOption(ctx, &t));
  if (t == static_cast<int32_t>(TensorType::kINT16) ||
      t == static_cast<int32_t>(TensorType::kINT32) ||
      t == static_cast<int32_t>(TensorType::kFLOAT32)) {
    *type = static_cast<TensorType>(t);
  } else {
    return ctx.Fail(Status::kUnsupported, "element type %d is not int16, int32 or float32",
                    static_cast<int>(t));
  }
  MICROML_RETURN_IF_ERROR(ReadIntOption(ctx, 1, "fft_length", fft_length));
  FftFactors factors;
  if (*fft_length < 4 || *fft_length > kMaxFftLength || *fft_length % 2 != 0 ||
      !FactorFftLength(*fft_length / 2, &factors)) {
    return ctx.Fail(Status::kUnsupported,
                    "fft_length %d is not an even length from 4 to %d whose half has no prime "
                    "factor above 5",
                    static_cast<int>(*fft_length), static_cast<int>(kMaxFftLength));
  }
  return Status::kOk;
}

}  // namespace signal
}  // namespace microml

#endif  // MICROML_KERNELS_SIGNAL_FFT_OPTIONS_H_
