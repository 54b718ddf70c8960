// MUL on x86-64. Per lane: (x + offset_a) * (y + offset_b), requantized as
// x86/requantize.h's RequantizeRight8 does (the 64-bit product with its
// rounding terms, its high word shifted right), plus the output offset,
// clamped. Sixteen elements a step; the last partial step goes through
// 16-element copies. Broadcasts walk the reference's plan with vector runs
// along its innermost loop.
#if defined(__x86_64__)

#include "kernels/x86/mul.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "kernels/arm/arithmetic.h"
#include "kernels/reference/broadcast.h"
#include "kernels/x86/broadcast_walk.h"
#include "kernels/x86/requantize.h"
#include "kernels/x86/target.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {

namespace {

struct MulSteps {
  int32_t offset_a, offset_b, multiplier, shift, offset_out, lo, hi;
};

// Sixteen elements of a and b at i, whole or (the tail) copied.
template <typename T>
struct Block {
  alignas(16) T a[16];
  alignas(16) T b[16];
  alignas(16) T o[16];
};

// Four lanes of RequantizeRight8 for one shift e - 1 = `post` in [0, 30].
MICROML_TARGET_SSE41 inline __m128i RequantizeRight4(__m128i x, __m128i multiplier, int32_t post) {
  const __m128i c = _mm_add_epi32(_mm_set1_epi32(1 << post), _mm_srai_epi32(x, 31));
  const __m128i round = _mm_set1_epi64x(int64_t{1} << 30);
  const __m128i c_even = _mm_slli_epi64(_mm_and_si128(c, _mm_set1_epi64x(0xFFFFFFFFll)), 31);
  const __m128i c_odd = _mm_slli_epi64(_mm_srli_epi64(c, 32), 31);
  const __m128i p_even = _mm_add_epi64(_mm_mul_epi32(x, multiplier), _mm_add_epi64(c_even, round));
  const __m128i p_odd =
      _mm_add_epi64(_mm_mul_epi32(_mm_srli_epi64(x, 32), multiplier), _mm_add_epi64(c_odd, round));
  const __m128i high = _mm_blend_epi16(_mm_srli_epi64(p_even, 32), p_odd, 0xCC);
  return _mm_sra_epi32(high, _mm_cvtsi32_si128(post));
}

MICROML_TARGET_SSE41 inline __m128i Mul4(const MulSteps& k, __m128i a, __m128i b) {
  const __m128i x = _mm_add_epi32(a, _mm_set1_epi32(k.offset_a));
  const __m128i y = _mm_add_epi32(b, _mm_set1_epi32(k.offset_b));
  const __m128i r =
      RequantizeRight4(_mm_mullo_epi32(x, y), _mm_set1_epi32(k.multiplier), -k.shift - 1);
  const __m128i v = _mm_add_epi32(r, _mm_set1_epi32(k.offset_out));
  return _mm_min_epi32(_mm_max_epi32(v, _mm_set1_epi32(k.lo)), _mm_set1_epi32(k.hi));
}

MICROML_TARGET_SSE41 inline void Mul16Sse41(const MulSteps& k, const int8_t* a, const int8_t* b,
                                            int8_t* o) {
  const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
  const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
  const __m128i q0 = Mul4(k, _mm_cvtepi8_epi32(va), _mm_cvtepi8_epi32(vb));
  const __m128i q1 =
      Mul4(k, _mm_cvtepi8_epi32(_mm_srli_si128(va, 4)), _mm_cvtepi8_epi32(_mm_srli_si128(vb, 4)));
  const __m128i q2 =
      Mul4(k, _mm_cvtepi8_epi32(_mm_srli_si128(va, 8)), _mm_cvtepi8_epi32(_mm_srli_si128(vb, 8)));
  const __m128i q3 =
      Mul4(k, _mm_cvtepi8_epi32(_mm_srli_si128(va, 12)), _mm_cvtepi8_epi32(_mm_srli_si128(vb, 12)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o),
                   _mm_packs_epi16(_mm_packs_epi32(q0, q1), _mm_packs_epi32(q2, q3)));
}

MICROML_TARGET_SSE41 inline void Mul16Sse41(const MulSteps& k, const int16_t* a, const int16_t* b,
                                            int16_t* o) {
  for (int half = 0; half < 2; ++half) {
    const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + 8 * half));
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 8 * half));
    const __m128i lo = Mul4(k, _mm_cvtepi16_epi32(va), _mm_cvtepi16_epi32(vb));
    const __m128i hi = Mul4(k, _mm_cvtepi16_epi32(_mm_srli_si128(va, 8)),
                            _mm_cvtepi16_epi32(_mm_srli_si128(vb, 8)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 8 * half), _mm_packs_epi32(lo, hi));
  }
}

MICROML_TARGET_AVX2 inline __m256i Mul8(const MulSteps& k, __m256i a, __m256i b) {
  const __m256i x = _mm256_add_epi32(a, _mm256_set1_epi32(k.offset_a));
  const __m256i y = _mm256_add_epi32(b, _mm256_set1_epi32(k.offset_b));
  const __m256i r = RequantizeRight8(_mm256_mullo_epi32(x, y), _mm256_set1_epi32(k.multiplier),
                                     _mm256_set1_epi32(k.shift));
  const __m256i v = _mm256_add_epi32(r, _mm256_set1_epi32(k.offset_out));
  return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(k.lo)), _mm256_set1_epi32(k.hi));
}

MICROML_TARGET_AVX2 inline __m128i Pack16(__m256i v) {
  return _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

MICROML_TARGET_AVX2 inline void Mul16Avx2(const MulSteps& k, const int8_t* a, const int8_t* b,
                                          int8_t* o) {
  const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
  const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
  const __m256i lo = Mul8(k, _mm256_cvtepi8_epi32(va), _mm256_cvtepi8_epi32(vb));
  const __m256i hi = Mul8(k, _mm256_cvtepi8_epi32(_mm_unpackhi_epi64(va, va)),
                          _mm256_cvtepi8_epi32(_mm_unpackhi_epi64(vb, vb)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_packs_epi16(Pack16(lo), Pack16(hi)));
}

MICROML_TARGET_AVX2 inline void Mul16Avx2(const MulSteps& k, const int16_t* a, const int16_t* b,
                                          int16_t* o) {
  for (int half = 0; half < 2; ++half) {
    const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + 8 * half));
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 8 * half));
    const __m256i v = Mul8(k, _mm256_cvtepi16_epi32(va), _mm256_cvtepi16_epi32(vb));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 8 * half), Pack16(v));
  }
}

// One level's 16-element step.
template <typename T>
using Step = void (*)(const MulSteps&, const T*, const T*, T*);

// n elements; an input with step false is one value repeated through a
// 16-element block.
template <typename T, Step<T> kStep>
void MulRun(const MulSteps& k, const T* pa, bool step_a, const T* pb, bool step_b, T* po,
            int32_t n) {
  const int32_t da = step_a ? 16 : 0, db = step_b ? 16 : 0;
  int32_t i = 0;
  for (; i + 16 <= n; i += 16, pa += da, pb += db) kStep(k, pa, pb, po + i);
  if (i == n) return;
  Block<T> tail = {};
  const size_t bytes = static_cast<size_t>(n - i) * sizeof(T);
  memcpy(tail.a, pa, bytes);
  memcpy(tail.b, pb, bytes);
  kStep(k, tail.a, tail.b, tail.o);
  memcpy(po + i, tail.o, bytes);
}

template <typename T, Step<T> kSse41, Step<T> kAvx2>
void MulAt(Level level, const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  const MulSteps k = {d.offset_a,   d.offset_b, d.mult_out, d.shift_out,
                      d.offset_out, d.act_min,  d.act_max};
  const T* pa = a.data_as<const T>();
  const T* pb = b.data_as<const T>();
  T* po = out.data_as<T>();
  const bool avx2 = level >= Level::kAvx2;
  if (!d.broadcast) {
    const int32_t n = static_cast<int32_t>(out.element_count());
    if (avx2) {
      MulRun<T, kAvx2>(k, pa, true, pb, true, po, n);
    } else {
      MulRun<T, kSse41>(k, pa, true, pb, true, po, n);
    }
    return;
  }
  BroadcastPlan plan;
  MakeBroadcastPlan(a, b, out, &plan);
  if (avx2) {
    WalkBroadcast<T, MulSteps, MulRun<T, kAvx2>>(k, pa, pb, po, plan);
  } else {
    WalkBroadcast<T, MulSteps, MulRun<T, kSse41>>(k, pa, pb, po, plan);
  }
}

bool Vectorized(Level level, const ArithData& d) {
  return level != Level::kPortable && d.shift_out <= -1 && d.shift_out >= -31;
}

void MulInt8Active(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  MulInt8At(ActiveLevel(), d, a, b, out);
}

void MulInt16Active(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  MulInt16At(ActiveLevel(), d, a, b, out);
}

}  // namespace

void MulInt8At(Level level, const ArithData& d, const Tensor& a, const Tensor& b,
               const Tensor& out) {
  if (!Vectorized(level, d)) {
    arm::MulInt8(d, a, b, out);
    return;
  }
  MulAt<int8_t, Mul16Sse41, Mul16Avx2>(level, d, a, b, out);
}

void MulInt16At(Level level, const ArithData& d, const Tensor& a, const Tensor& b,
                const Tensor& out) {
  if (!Vectorized(level, d)) {
    arm::MulInt16(d, a, b, out);
    return;
  }
  MulAt<int16_t, Mul16Sse41, Mul16Avx2>(level, d, a, b, out);
}

}  // namespace x86

const KernelRegistration kRegisterMulX86 = {
    static_cast<int32_t>(BuiltinOp::kMUL),
    nullptr,
    7,
    MulPrepare,
    EvalArith<reference::MulFloat, reference::MulInt32, x86::MulInt8Active, x86::MulInt16Active>,
    nullptr,
    "float32 int32 int8 int16"};

}  // namespace microml

#endif  // __x86_64__
