// Real FFT and inverse real FFT with the arithmetic of the KISS FFT revision
// that TFLM's SignalRfft / SignalIrfft kernels are built with (mixed radix 4,
// 2, 3, 5; fixed point with 15 or 31 fraction bits, every butterfly input
// pre-scaled by 1/radix; or plain float). Bit-exactness depends on doing each
// multiply, rounding and wrap-around exactly where KISS FFT does, so the
// element types carry their arithmetic in the Arith* structs below.
//
// A plan lives in persistent memory: a header, the twiddles of the complex
// FFT of half the length and the "super twiddles" that split it into a real
// transform. Transforms need a scratch area of ScratchBytes().
#ifndef MICROML_KERNELS_SIGNAL_REAL_FFT_H_
#define MICROML_KERNELS_SIGNAL_REAL_FFT_H_

#include <stddef.h>
#include <stdint.h>

namespace microml {
namespace signal {

template <typename T>
struct Complex {
  T r;
  T i;
};

// Radix/length pairs of the stages; KISS FFT allows 32 of them.
constexpr int kMaxFftStages = 32;

struct FftFactors {
  int32_t count;
  int32_t radix[kMaxFftStages];
  int32_t remaining[kMaxFftStages];  // length of each sub-transform after the stage
};

// Splits `n` the way KISS FFT does (fours first, then twos, then odd primes
// up to sqrt of the original n). False when a radix other than 2, 3, 4 or 5
// would be needed: TFLM's build has no memory for the generic butterfly and
// crashes on such lengths.
bool FactorFftLength(int32_t n, FftFactors* factors);

template <typename T>
struct RealFftPlan {
  int32_t half_length;  // complex FFT length (fft_length / 2)
  bool inverse;
  FftFactors factors;
  Complex<T>* twiddles;        // half_length entries
  Complex<T>* super_twiddles;  // half_length / 2 entries
};

// Bytes of persistent memory a plan for `fft_length` needs, header included.
template <typename T>
size_t RealFftPlanBytes(int32_t fft_length);

// Builds a plan in `memory` (RealFftPlanBytes() bytes, 8-byte aligned). The
// caller has checked the length with FactorFftLength(fft_length / 2).
template <typename T>
RealFftPlan<T>* InitRealFft(void* memory, int32_t fft_length, bool inverse);

// Scratch bytes a transform of the plan needs.
template <typename T>
size_t RealFftScratchBytes(int32_t fft_length) {
  return 2 * static_cast<size_t>(fft_length / 2) * sizeof(Complex<T>);
}

// `input_length` (<= fft_length) real samples, zero-padded to fft_length ->
// fft_length / 2 + 1 complex bins written as interleaved (re, im) pairs.
template <typename T>
void RealFft(const RealFftPlan<T>& plan, const T* input, int32_t input_length, T* output,
             void* scratch);

// fft_length / 2 + 1 complex bins (interleaved) -> fft_length real samples,
// unscaled (KISS FFT's inverse leaves the factor of the length in).
template <typename T>
void InverseRealFft(const RealFftPlan<T>& plan, const T* input, T* output, void* scratch);

}  // namespace signal
}  // namespace microml

#endif  // MICROML_KERNELS_SIGNAL_REAL_FFT_H_
