// SOFTMAX int8 -> int8 / int16 on x86-64 with AVX2: the reference's three
// passes over each row (maximum; sum of exps in Q12.19; exps times the sum's
// reciprocal), eight lanes at a time. Each fixed-point step is its gemmlowp
// definition on lanes: SaturatingRoundingDoublingHighMul is
// floor((a * b + 2^30) / 2^31) (gemmlowp's nudge and truncation come to
// this), saturated where a = b = INT32_MIN; RoundingDivideByPOT compares the
// remainder with its threshold. The Q12.19 sum wraps like the reference's,
// so lane sums added up at the end give the same sum. Lanes whose difference
// is below diff_min are masked off, as the reference skips them.
#if defined(__x86_64__)

#include "kernels/x86/softmax.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "kernels/fixed_point.h"
#include "kernels/x86/target.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {

namespace {

// As in reference/softmax.cc: differences in Q5.26, the sum in Q12.19.
constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

// Rows shorter than one vector cost less in the reference's scalar loops
// (callgrind: a 2-element row 926 instructions there, 972 here).
constexpr int32_t kMinVectorDepth = 8;

MICROML_TARGET_AVX2 inline __m256i Mul8(__m256i a, __m256i b) {
  const __m256i round = _mm256_set1_epi64x(int64_t{1} << 30);
  const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(a, b), round), 31);
  const __m256i odd = _mm256_slli_epi64(
      _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)), round),
      1);
  const __m256i high = _mm256_blend_epi32(even, odd, 0xAA);
  const __m256i min = _mm256_set1_epi32(INT32_MIN);
  // INT32_MIN ^ all ones is INT32_MAX.
  return _mm256_xor_si256(high,
                          _mm256_and_si256(_mm256_cmpeq_epi32(a, min), _mm256_cmpeq_epi32(b, min)));
}

MICROML_TARGET_AVX2 inline __m256i Mul8(__m256i a, int32_t b) {
  return Mul8(a, _mm256_set1_epi32(b));
}

// RoundingDivideByPOT by `e` in [0, 31].
MICROML_TARGET_AVX2 inline __m256i DivideByPot8(__m256i x, int e) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << e) - 1);
  const __m256i remainder = _mm256_and_si256(x, _mm256_set1_epi32(mask));
  const __m256i threshold =
      _mm256_add_epi32(_mm256_set1_epi32(mask >> 1), _mm256_srli_epi32(x, 31));
  // cmpgt gives -1 where the remainder passes the threshold.
  return _mm256_sub_epi32(_mm256_sra_epi32(x, _mm_cvtsi32_si128(e)),
                          _mm256_cmpgt_epi32(remainder, threshold));
}

// fx::ExpOnQuarterInterval.
MICROML_TARGET_AVX2 inline __m256i ExpOnQuarterInterval8(__m256i a) {
  const int32_t kExpMinusOneEighth = 1895147668;
  const int32_t kOneThird = 715827883;
  const __m256i x = _mm256_add_epi32(a, _mm256_set1_epi32(1 << 28));
  const __m256i x2 = Mul8(x, x);
  const __m256i x3 = Mul8(x2, x);
  const __m256i x4 = Mul8(x2, x2);
  const __m256i x4_over_4 = DivideByPot8(x4, 2);
  const __m256i poly =
      DivideByPot8(_mm256_add_epi32(Mul8(_mm256_add_epi32(x4_over_4, x3), kOneThird), x2), 1);
  return _mm256_add_epi32(_mm256_set1_epi32(kExpMinusOneEighth),
                          Mul8(_mm256_add_epi32(x, poly), kExpMinusOneEighth));
}

// fx::ExpOnNegativeValues<5>.
MICROML_TARGET_AVX2 inline __m256i ExpOnNegativeValues8(__m256i a) {
  constexpr int kFractionalBits = 31 - kScaledDiffIntegerBits;
  constexpr int32_t kOneQuarter = 1 << (kFractionalBits - 2);
  const __m256i a_mod_quarter_minus_quarter = _mm256_sub_epi32(
      _mm256_and_si256(a, _mm256_set1_epi32(kOneQuarter - 1)), _mm256_set1_epi32(kOneQuarter));
  // fx::Rescale(v, 5, 0): a saturating shift left by 5.
  constexpr int32_t kThreshold = (1 << (31 - kScaledDiffIntegerBits)) - 1;
  const __m256i v = a_mod_quarter_minus_quarter;
  __m256i rescaled = _mm256_slli_epi32(v, kScaledDiffIntegerBits);
  rescaled = _mm256_blendv_epi8(rescaled, _mm256_set1_epi32(fx::kMax),
                                _mm256_cmpgt_epi32(v, _mm256_set1_epi32(kThreshold)));
  rescaled = _mm256_blendv_epi8(rescaled, _mm256_set1_epi32(fx::kMin),
                                _mm256_cmpgt_epi32(_mm256_set1_epi32(-kThreshold), v));
  __m256i result = ExpOnQuarterInterval8(rescaled);
  const __m256i remainder = _mm256_sub_epi32(a_mod_quarter_minus_quarter, a);
  const int32_t kFactors[] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int k = -2; k <= 4; ++k) {
    const __m256i bit = _mm256_set1_epi32(1 << (kFractionalBits + k));
    const __m256i set = _mm256_cmpeq_epi32(_mm256_and_si256(remainder, bit), bit);
    result = _mm256_blendv_epi8(result, Mul8(result, kFactors[k + 2]), set);
  }
  return _mm256_blendv_epi8(result, _mm256_set1_epi32(fx::kMax),
                            _mm256_cmpeq_epi32(a, _mm256_setzero_si256()));
}

struct RowSteps {
  int32_t max;
  int32_t diff_min;
  int32_t multiplier;
  int32_t left_shift;
};

// Eight inputs from p (n of them valid, n <= 8): exp of each scaled
// difference, and the lanes that count (valid and difference >= diff_min).
MICROML_TARGET_AVX2 inline __m256i Exp8(const RowSteps& k, const int8_t* p, int32_t n,
                                        __m256i* counts) {
  __m128i bytes;
  if (n == 8) {
    bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  } else {
    int8_t padded[8] = {};
    memcpy(padded, p, static_cast<size_t>(n));
    bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(padded));
  }
  const __m256i diff = _mm256_sub_epi32(_mm256_cvtepi8_epi32(bytes), _mm256_set1_epi32(k.max));
  const __m256i lanes =
      _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  *counts = _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(k.diff_min), diff), lanes);
  // MultiplyByQuantizedMultiplierGreaterThanOne: the shift wraps.
  const __m256i scaled =
      Mul8(_mm256_sll_epi32(diff, _mm_cvtsi32_si128(k.left_shift)), k.multiplier);
  return ExpOnNegativeValues8(scaled);
}

MICROML_TARGET_AVX2 int32_t RowMax(const int8_t* in, int32_t depth) {
  __m128i m = _mm_set1_epi8(-128);
  int32_t c = 0;
  for (; c + 16 <= depth; c += 16) {
    m = _mm_max_epi8(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + c)));
  }
  m = _mm_max_epi8(m, _mm_srli_si128(m, 8));
  m = _mm_max_epi8(m, _mm_srli_si128(m, 4));
  m = _mm_max_epi8(m, _mm_srli_si128(m, 2));
  m = _mm_max_epi8(m, _mm_srli_si128(m, 1));
  int32_t max = static_cast<int8_t>(_mm_cvtsi128_si32(m));
  for (; c < depth; ++c) max = in[c] > max ? in[c] : max;
  return max;
}

// Rows up to this long keep their exps (and counting lanes) for the output
// pass instead of computing them twice as the reference does.
constexpr int32_t kKeptDepth = 256;

struct Kept {
  __m256i exps[kKeptDepth / 8];
  __m256i counts[kKeptDepth / 8];
};

// The row's Q12.19 sum of exps; their vectors kept in `kept` unless null.
MICROML_TARGET_AVX2 int32_t RowSum(const RowSteps& k, const int8_t* in, int32_t depth, Kept* kept) {
  __m256i acc = _mm256_setzero_si256();
  for (int32_t c = 0; c < depth; c += 8) {
    __m256i counts;
    const __m256i e = Exp8(k, in + c, depth - c < 8 ? depth - c : 8, &counts);
    if (kept != nullptr) {
      kept->exps[c / 8] = e;
      kept->counts[c / 8] = counts;
    }
    // fx::Rescale(e, 0, 12): a rounding shift right by 12.
    acc =
        _mm256_add_epi32(acc, _mm256_and_si256(DivideByPot8(e, kAccumulationIntegerBits), counts));
  }
  alignas(32) int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc);
  int32_t sum = 0;
  for (int32_t lane : lanes) sum = fx::Add(sum, lane);
  return sum;
}

// Eight int32 lanes within the output type, stored (n of them).
MICROML_TARGET_AVX2 inline void Store8(int8_t* out, __m256i v, int32_t n) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  alignas(16) int8_t bytes[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(bytes), _mm_packs_epi16(words, words));
  memcpy(out, bytes, static_cast<size_t>(n));
}

MICROML_TARGET_AVX2 inline void Store8(int16_t* out, __m256i v, int32_t n) {
  alignas(16) int16_t words[8];
  _mm_store_si128(reinterpret_cast<__m128i*>(words),
                  _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
  memcpy(out, words, static_cast<size_t>(n) * sizeof(int16_t));
}

template <typename Out>
MICROML_TARGET_AVX2 void SoftmaxRowsAvx2(const SoftmaxData& d, const int8_t* in, Out* out,
                                         uint32_t rows, int32_t depth) {
  constexpr int32_t kOutMin = sizeof(Out) == 1 ? -128 : -32768;
  constexpr int32_t kOutMax = sizeof(Out) == 1 ? 127 : 32767;
  for (uint32_t r = 0; r < rows; ++r, in += depth, out += depth) {
    const RowSteps k = {RowMax(in, depth), d.diff_min, d.input_multiplier, d.input_left_shift};
    Kept kept;
    Kept* const keep = depth <= kKeptDepth ? &kept : nullptr;
    const int32_t sum = RowSum(k, in, depth, keep);
    // The reference's Reciprocal and output exponent.
    const int headroom_plus_one = fx::CountLeadingZeros(static_cast<uint32_t>(sum));
    const int bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
    const uint32_t normalized = static_cast<uint32_t>(
        (static_cast<uint64_t>(static_cast<uint32_t>(sum)) << headroom_plus_one));
    const int32_t scale = fx::OneOverOnePlusX(static_cast<int32_t>(normalized - (1u << 31)));
    int exponent = bits_over_unit + 31 - static_cast<int>(sizeof(Out) * 8);
    exponent = exponent < 0 ? 0 : (exponent > 31 ? 31 : exponent);
    for (int32_t c = 0; c < depth; c += 8) {
      const int32_t n = depth - c < 8 ? depth - c : 8;
      __m256i e, counts;
      if (keep != nullptr) {
        e = keep->exps[c / 8];
        counts = keep->counts[c / 8];
      } else {
        e = Exp8(k, in + c, n, &counts);
      }
      __m256i v =
          _mm256_add_epi32(DivideByPot8(Mul8(e, scale), exponent), _mm256_set1_epi32(kOutMin));
      v = _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(kOutMin)),
                           _mm256_set1_epi32(kOutMax));
      v = _mm256_blendv_epi8(_mm256_set1_epi32(kOutMin), v, counts);
      Store8(out + c, v, n);
    }
  }
}

Status Eval(OpContext& ctx) {
  SoftmaxAt(ActiveLevel(), *ctx.op_data_as<SoftmaxData>(), *ctx.input(0), *ctx.output(0));
  return Status::kOk;
}

}  // namespace

void SoftmaxAt(Level level, const SoftmaxData& d, const Tensor& in, const Tensor& out) {
  const int32_t depth = in.dims[in.rank - 1];
  if (level < Level::kAvx2 || in.type != TensorType::kINT8 || depth < kMinVectorDepth) {
    reference::Softmax(d, in, out);
    return;
  }
  const uint32_t rows = in.element_count() / static_cast<uint32_t>(depth);
  if (out.type == TensorType::kINT16) {
    SoftmaxRowsAvx2(d, in.data_as<const int8_t>(), out.data_as<int16_t>(), rows, depth);
  } else {
    SoftmaxRowsAvx2(d, in.data_as<const int8_t>(), out.data_as<int8_t>(), rows, depth);
  }
}

}  // namespace x86

const KernelRegistration kRegisterSoftmaxX86 = {
    static_cast<int32_t>(BuiltinOp::kSOFTMAX),
    nullptr,
    3,
    SoftmaxPrepare,
    x86::Eval,
    nullptr,
    "float32 int8_to_int8 int8_to_int16 int16_to_int16"};

}  // namespace microml

#endif  // __x86_64__
