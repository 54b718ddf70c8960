#include "kernels/signal/real_fft.h"

#include <string.h>

#include <cmath>
#include <limits>

// TFLM's float KISS FFT (built for x86) rounds every product before adding
// it; fusing them into FMAs, as GCC does on cores with an FPU, changes low
// bits.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace microml {
namespace signal {

namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;

// Fixed-point arithmetic of KISS FFT: sums wrap in the element type, products
// are taken in the wider `Acc` and rounded back by kFracBits (adding half).
// Halving a sum happens in C's `int`, which holds an int16 sum exactly but
// wraps an int32 one first.
template <typename T, typename Acc, int kFracBits>
struct FixedArith {
  using C = Complex<T>;
  static constexpr Acc kMax = std::numeric_limits<T>::max();

  static T Add(T a, T b) { return static_cast<T>(static_cast<Acc>(a) + b); }
  static T Sub(T a, T b) { return static_cast<T>(static_cast<Acc>(a) - b); }
  static T Neg(T a) { return static_cast<T>(-static_cast<Acc>(a)); }
  static T Round(Acc x) {
    return static_cast<T>((x + (static_cast<Acc>(1) << (kFracBits - 1))) >> kFracBits);
  }
  static T MulScalar(T a, T b) { return Round(static_cast<Acc>(a) * b); }
  static C Mul(C a, C b) {
    return {Round(static_cast<Acc>(a.r) * b.r - static_cast<Acc>(a.i) * b.i),
            Round(static_cast<Acc>(a.r) * b.i + static_cast<Acc>(a.i) * b.r)};
  }
  // Pre-scaling of a radix-k butterfly input: multiply by (max / k).
  static void Divide(C& c, int k) {
    const Acc factor = kMax / k;
    c.r = Round(static_cast<Acc>(c.r) * factor);
    c.i = Round(static_cast<Acc>(c.i) * factor);
  }
  static void Scale(C& c, T s) {
    c.r = MulScalar(c.r, s);
    c.i = MulScalar(c.i, s);
  }
  static T Half(T a) { return static_cast<T>(a >> 1); }
  static T HalfSum(T a, T b) {
    return static_cast<T>(static_cast<int32_t>(static_cast<Acc>(a) + b) >> 1);
  }
  static T HalfDiff(T a, T b) {
    return static_cast<T>(static_cast<int32_t>(static_cast<Acc>(a) - b) >> 1);
  }
  static T Trig(double value) {
    return static_cast<T>(std::floor(0.5 + static_cast<double>(kMax) * value));
  }
};

struct FloatArith {
  using C = Complex<float>;
  static float Add(float a, float b) { return a + b; }
  static float Sub(float a, float b) { return a - b; }
  static float Neg(float a) { return -a; }
  static float MulScalar(float a, float b) { return a * b; }
  static C Mul(C a, C b) { return {a.r * b.r - a.i * b.i, a.r * b.i + a.i * b.r}; }
  static void Divide(C&, int) {}
  static void Scale(C& c, float s) {
    c.r *= s;
    c.i *= s;
  }
  static float Half(float a) { return a * 0.5f; }
  static float HalfSum(float a, float b) { return (a + b) * 0.5f; }
  static float HalfDiff(float a, float b) { return (a - b) * 0.5f; }
  static float Trig(double value) { return static_cast<float>(value); }
};

template <typename T>
struct ArithFor;
template <>
struct ArithFor<int16_t> {
  using type = FixedArith<int16_t, int32_t, 15>;
};
template <>
struct ArithFor<int32_t> {
  using type = FixedArith<int32_t, int64_t, 31>;
};
template <>
struct ArithFor<float> {
  using type = FloatArith;
};

template <typename A, typename T>
void Radix2(Complex<T>* out, const Complex<T>* tw, size_t fstride, int32_t m) {
  Complex<T>* out2 = out + m;
  for (int32_t k = 0; k < m; ++k) {
    A::Divide(out[k], 2);
    A::Divide(out2[k], 2);
    const Complex<T> t = A::Mul(out2[k], tw[k * fstride]);
    out2[k] = {A::Sub(out[k].r, t.r), A::Sub(out[k].i, t.i)};
    out[k] = {A::Add(out[k].r, t.r), A::Add(out[k].i, t.i)};
  }
}

template <typename A, typename T>
void Radix3(Complex<T>* out, const Complex<T>* tw, size_t fstride, int32_t m) {
  const T epi3_i = tw[fstride * m].i;
  for (int32_t k = 0; k < m; ++k) {
    Complex<T>& f0 = out[k];
    Complex<T>& f1 = out[k + m];
    Complex<T>& f2 = out[k + 2 * m];
    A::Divide(f0, 3);
    A::Divide(f1, 3);
    A::Divide(f2, 3);
    const Complex<T> s1 = A::Mul(f1, tw[k * fstride]);
    const Complex<T> s2 = A::Mul(f2, tw[2 * k * fstride]);
    const Complex<T> s3 = {A::Add(s1.r, s2.r), A::Add(s1.i, s2.i)};
    Complex<T> s0 = {A::Sub(s1.r, s2.r), A::Sub(s1.i, s2.i)};
    f1.r = A::Sub(f0.r, A::Half(s3.r));
    f1.i = A::Sub(f0.i, A::Half(s3.i));
    A::Scale(s0, epi3_i);
    f0.r = A::Add(f0.r, s3.r);
    f0.i = A::Add(f0.i, s3.i);
    f2.r = A::Add(f1.r, s0.i);
    f2.i = A::Sub(f1.i, s0.r);
    f1.r = A::Sub(f1.r, s0.i);
    f1.i = A::Add(f1.i, s0.r);
  }
}

template <typename A, typename T>
void Radix4(Complex<T>* out, const Complex<T>* tw, size_t fstride, int32_t m, bool inverse) {
  for (int32_t k = 0; k < m; ++k) {
    Complex<T>& f0 = out[k];
    Complex<T>& f1 = out[k + m];
    Complex<T>& f2 = out[k + 2 * m];
    Complex<T>& f3 = out[k + 3 * m];
    A::Divide(f0, 4);
    A::Divide(f1, 4);
    A::Divide(f2, 4);
    A::Divide(f3, 4);
    const Complex<T> s0 = A::Mul(f1, tw[k * fstride]);
    const Complex<T> s1 = A::Mul(f2, tw[2 * k * fstride]);
    const Complex<T> s2 = A::Mul(f3, tw[3 * k * fstride]);
    const Complex<T> s5 = {A::Sub(f0.r, s1.r), A::Sub(f0.i, s1.i)};
    f0 = {A::Add(f0.r, s1.r), A::Add(f0.i, s1.i)};
    const Complex<T> s3 = {A::Add(s0.r, s2.r), A::Add(s0.i, s2.i)};
    const Complex<T> s4 = {A::Sub(s0.r, s2.r), A::Sub(s0.i, s2.i)};
    f2 = {A::Sub(f0.r, s3.r), A::Sub(f0.i, s3.i)};
    f0 = {A::Add(f0.r, s3.r), A::Add(f0.i, s3.i)};
    if (inverse) {
      f1 = {A::Sub(s5.r, s4.i), A::Add(s5.i, s4.r)};
      f3 = {A::Add(s5.r, s4.i), A::Sub(s5.i, s4.r)};
    } else {
      f1 = {A::Add(s5.r, s4.i), A::Sub(s5.i, s4.r)};
      f3 = {A::Sub(s5.r, s4.i), A::Add(s5.i, s4.r)};
    }
  }
}

template <typename A, typename T>
void Radix5(Complex<T>* out, const Complex<T>* tw, size_t fstride, int32_t m) {
  const Complex<T> ya = tw[fstride * m];
  const Complex<T> yb = tw[fstride * 2 * m];
  for (int32_t u = 0; u < m; ++u) {
    Complex<T>& f0 = out[u];
    Complex<T>& f1 = out[u + m];
    Complex<T>& f2 = out[u + 2 * m];
    Complex<T>& f3 = out[u + 3 * m];
    Complex<T>& f4 = out[u + 4 * m];
    A::Divide(f0, 5);
    A::Divide(f1, 5);
    A::Divide(f2, 5);
    A::Divide(f3, 5);
    A::Divide(f4, 5);
    const Complex<T> s0 = f0;
    const Complex<T> s1 = A::Mul(f1, tw[u * fstride]);
    const Complex<T> s2 = A::Mul(f2, tw[2 * u * fstride]);
    const Complex<T> s3 = A::Mul(f3, tw[3 * u * fstride]);
    const Complex<T> s4 = A::Mul(f4, tw[4 * u * fstride]);
    const Complex<T> s7 = {A::Add(s1.r, s4.r), A::Add(s1.i, s4.i)};
    const Complex<T> s10 = {A::Sub(s1.r, s4.r), A::Sub(s1.i, s4.i)};
    const Complex<T> s8 = {A::Add(s2.r, s3.r), A::Add(s2.i, s3.i)};
    const Complex<T> s9 = {A::Sub(s2.r, s3.r), A::Sub(s2.i, s3.i)};
    f0.r = A::Add(f0.r, A::Add(s7.r, s8.r));
    f0.i = A::Add(f0.i, A::Add(s7.i, s8.i));
    const Complex<T> s5 = {
        A::Add(A::Add(s0.r, A::MulScalar(s7.r, ya.r)), A::MulScalar(s8.r, yb.r)),
        A::Add(A::Add(s0.i, A::MulScalar(s7.i, ya.r)), A::MulScalar(s8.i, yb.r))};
    const Complex<T> s6 = {A::Add(A::MulScalar(s10.i, ya.i), A::MulScalar(s9.i, yb.i)),
                           A::Sub(A::Neg(A::MulScalar(s10.r, ya.i)), A::MulScalar(s9.r, yb.i))};
    f1 = {A::Sub(s5.r, s6.r), A::Sub(s5.i, s6.i)};
    f4 = {A::Add(s5.r, s6.r), A::Add(s5.i, s6.i)};
    const Complex<T> s11 = {
        A::Add(A::Add(s0.r, A::MulScalar(s7.r, yb.r)), A::MulScalar(s8.r, ya.r)),
        A::Add(A::Add(s0.i, A::MulScalar(s7.i, yb.r)), A::MulScalar(s8.i, ya.r))};
    const Complex<T> s12 = {A::Add(A::Neg(A::MulScalar(s10.i, yb.i)), A::MulScalar(s9.i, ya.i)),
                            A::Sub(A::MulScalar(s10.r, yb.i), A::MulScalar(s9.r, ya.i))};
    f2 = {A::Add(s11.r, s12.r), A::Add(s11.i, s12.i)};
    f3 = {A::Sub(s11.r, s12.r), A::Sub(s11.i, s12.i)};
  }
}

// One stage of the decimation-in-time recursion: the radix-p sub-transforms
// of every p-th input, then the butterflies that combine them.
template <typename A, typename T>
void Work(const RealFftPlan<T>& plan, Complex<T>* out, const Complex<T>* in, size_t fstride,
          int stage) {
  const int32_t p = plan.factors.radix[stage];
  const int32_t m = plan.factors.remaining[stage];
  if (m == 1) {
    for (int32_t q = 0; q < p; ++q) out[q] = in[q * fstride];
  } else {
    for (int32_t q = 0; q < p; ++q) {
      Work<A>(plan, out + q * m, in + q * fstride, fstride * p, stage + 1);
    }
  }
  switch (p) {
    case 2:
      Radix2<A>(out, plan.twiddles, fstride, m);
      break;
    case 3:
      Radix3<A>(out, plan.twiddles, fstride, m);
      break;
    case 4:
      Radix4<A>(out, plan.twiddles, fstride, m, plan.inverse);
      break;
    default:
      Radix5<A>(out, plan.twiddles, fstride, m);
      break;
  }
}

}  // namespace

bool FactorFftLength(int32_t n, FftFactors* factors) {
  factors->count = 0;
  if (n < 2) return false;
  const double floor_sqrt = std::floor(std::sqrt(static_cast<double>(n)));
  int32_t p = 4;
  do {
    while (n % p != 0) {
      p = p == 4 ? 2 : (p == 2 ? 3 : p + 2);
      if (p > floor_sqrt) p = n;
    }
    if (p > 5 || factors->count == kMaxFftStages) return false;
    n /= p;
    factors->radix[factors->count] = p;
    factors->remaining[factors->count] = n;
    ++factors->count;
  } while (n > 1);
  return true;
}

template <typename T>
size_t RealFftPlanBytes(int32_t fft_length) {
  const size_t half = static_cast<size_t>(fft_length / 2);
  return sizeof(RealFftPlan<T>) + (half + half / 2) * sizeof(Complex<T>);
}

template <typename T>
RealFftPlan<T>* InitRealFft(void* memory, int32_t fft_length, bool inverse) {
  using A = typename ArithFor<T>::type;
  RealFftPlan<T>* plan = static_cast<RealFftPlan<T>*>(memory);
  const int32_t n = fft_length / 2;
  plan->half_length = n;
  plan->inverse = inverse;
  FactorFftLength(n, &plan->factors);
  plan->twiddles = reinterpret_cast<Complex<T>*>(plan + 1);
  plan->super_twiddles = plan->twiddles + n;
  const double sign = inverse ? -1.0 : 1.0;
  for (int32_t i = 0; i < n; ++i) {
    const double phase = (-2.0 * kPi * i / n) * sign;
    plan->twiddles[i] = {A::Trig(std::cos(phase)), A::Trig(std::sin(phase))};
  }
  for (int32_t i = 0; i < n / 2; ++i) {
    const double phase = (-kPi * (static_cast<double>(i + 1) / n + 0.5)) * sign;
    plan->super_twiddles[i] = {A::Trig(std::cos(phase)), A::Trig(std::sin(phase))};
  }
  return plan;
}

template <typename T>
void RealFft(const RealFftPlan<T>& plan, const T* input, int32_t input_length, T* output,
             void* scratch) {
  using A = typename ArithFor<T>::type;
  const int32_t n = plan.half_length;
  Complex<T>* packed = static_cast<Complex<T>*>(scratch);
  Complex<T>* spectrum = packed + n;
  // Even samples as real parts, odd ones as imaginary parts: one complex FFT
  // of half the length transforms both halves at once.
  memset(packed, 0, static_cast<size_t>(n) * sizeof(Complex<T>));
  memcpy(packed, input, static_cast<size_t>(input_length) * sizeof(T));
  Work<A>(plan, spectrum, packed, 1, 0);

  Complex<T> dc = spectrum[0];
  A::Divide(dc, 2);
  output[0] = A::Add(dc.r, dc.i);
  output[1] = 0;
  output[2 * n] = A::Sub(dc.r, dc.i);
  output[2 * n + 1] = 0;
  for (int32_t k = 1; k <= n / 2; ++k) {
    Complex<T> fpk = spectrum[k];
    Complex<T> fpnk = {spectrum[n - k].r, A::Neg(spectrum[n - k].i)};
    A::Divide(fpk, 2);
    A::Divide(fpnk, 2);
    const Complex<T> f1k = {A::Add(fpk.r, fpnk.r), A::Add(fpk.i, fpnk.i)};
    const Complex<T> f2k = {A::Sub(fpk.r, fpnk.r), A::Sub(fpk.i, fpnk.i)};
    const Complex<T> tw = A::Mul(f2k, plan.super_twiddles[k - 1]);
    output[2 * k] = A::HalfSum(f1k.r, tw.r);
    output[2 * k + 1] = A::HalfSum(f1k.i, tw.i);
    output[2 * (n - k)] = A::HalfDiff(f1k.r, tw.r);
    output[2 * (n - k) + 1] = A::HalfDiff(tw.i, f1k.i);
  }
}

template <typename T>
void InverseRealFft(const RealFftPlan<T>& plan, const T* input, T* output, void* scratch) {
  using A = typename ArithFor<T>::type;
  const int32_t n = plan.half_length;
  Complex<T>* packed = static_cast<Complex<T>*>(scratch);
  Complex<T>* result = packed + n;
  packed[0] = {A::Add(input[0], input[2 * n]), A::Sub(input[0], input[2 * n])};
  A::Divide(packed[0], 2);
  for (int32_t k = 1; k <= n / 2; ++k) {
    Complex<T> fk = {input[2 * k], input[2 * k + 1]};
    Complex<T> fnkc = {input[2 * (n - k)], A::Neg(input[2 * (n - k) + 1])};
    A::Divide(fk, 2);
    A::Divide(fnkc, 2);
    const Complex<T> fek = {A::Add(fk.r, fnkc.r), A::Add(fk.i, fnkc.i)};
    const Complex<T> diff = {A::Sub(fk.r, fnkc.r), A::Sub(fk.i, fnkc.i)};
    const Complex<T> fok = A::Mul(diff, plan.super_twiddles[k - 1]);
    packed[k] = {A::Add(fek.r, fok.r), A::Add(fek.i, fok.i)};
    packed[n - k] = {A::Sub(fek.r, fok.r), A::Neg(A::Sub(fek.i, fok.i))};
  }
  Work<A>(plan, result, packed, 1, 0);
  memcpy(output, result, static_cast<size_t>(n) * sizeof(Complex<T>));
}

#define MICROML_INSTANTIATE_REAL_FFT(T)                                          \
  template size_t RealFftPlanBytes<T>(int32_t);                                  \
  template RealFftPlan<T>* InitRealFft<T>(void*, int32_t, bool);                 \
  template void RealFft<T>(const RealFftPlan<T>&, const T*, int32_t, T*, void*); \
  template void InverseRealFft<T>(const RealFftPlan<T>&, const T*, T*, void*);

MICROML_INSTANTIATE_REAL_FFT(int16_t)
MICROML_INSTANTIATE_REAL_FFT(int32_t)
MICROML_INSTANTIATE_REAL_FFT(float)

}  // namespace signal
}  // namespace microml
