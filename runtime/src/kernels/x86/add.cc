// ADD on x86-64: int8 on AVX2, 16 elements a step, the steps of arm/add.cc's
// portable loop on eight lanes (RoundedHighMul's 64-bit products by VPMULDQ
// on even and odd lanes, DivideByPot's one arithmetic shift), so bit-exact
// under the same bounds (|(x - zero point) << 21| < 2^29, exponents up to
// kMaxPotExponent). Broadcasts walk the reference's plan
// (reference/broadcast.h) with vector runs along its innermost loop, an input
// broadcast along it repeated. Everything else, and levels below AVX2, take
// arm::AddInt8 or the reference.
#if defined(__x86_64__)

#include "kernels/x86/add.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "kernels/arm/arithmetic.h"
#include "kernels/reference/broadcast.h"
#include "kernels/x86/broadcast_walk.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/target.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {
namespace {

// arm::RoundedHighMul on eight lanes: (a2 * m + 2^31) >> 32.
MICROML_TARGET_AVX2 inline __m256i RoundedHighMul8(__m256i a2, __m256i m) {
  const __m256i round = _mm256_set1_epi64x(int64_t{1} << 31);
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(a2, m), round);
  const __m256i odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(a2, 32), _mm256_srli_epi64(m, 32)), round);
  return _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// arm::DivideByPot on eight lanes: (2v + 2^e + [v < 0] * -1) >> (e + 1).
struct Pot8 {
  int32_t nudge;
  int32_t shift;
};

MICROML_TARGET_AVX2 inline __m256i DivideByPot8(__m256i v, const Pot8& p) {
  const __m256i t = _mm256_add_epi32(_mm256_add_epi32(v, v), _mm256_set1_epi32(p.nudge));
  return _mm256_sra_epi32(_mm256_add_epi32(t, _mm256_srai_epi32(v, 31)),
                          _mm_cvtsi32_si128(p.shift));
}

struct AddSteps {
  int32_t scale, offset_a, offset_b, mult_a, mult_b, mult_out, offset_out, lo, hi;
  Pot8 pot_a, pot_b, pot_out;
};

MICROML_TARGET_AVX2 inline __m256i Add8(const AddSteps& k, __m128i a8, __m128i b8) {
  const __m256i scale = _mm256_set1_epi32(k.scale);
  const __m256i a = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_cvtepi8_epi32(a8), scale),
                                     _mm256_set1_epi32(k.offset_a));
  const __m256i b = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_cvtepi8_epi32(b8), scale),
                                     _mm256_set1_epi32(k.offset_b));
  const __m256i x = DivideByPot8(RoundedHighMul8(a, _mm256_set1_epi32(k.mult_a)), k.pot_a);
  const __m256i y = DivideByPot8(RoundedHighMul8(b, _mm256_set1_epi32(k.mult_b)), k.pot_b);
  const __m256i sum = _mm256_add_epi32(x, y);
  __m256i v = DivideByPot8(
      RoundedHighMul8(_mm256_add_epi32(sum, sum), _mm256_set1_epi32(k.mult_out)), k.pot_out);
  v = _mm256_add_epi32(v, _mm256_set1_epi32(k.offset_out));
  // min(max(v, lo), hi): hi wins when lo > hi, as in the reference.
  return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(k.lo)), _mm256_set1_epi32(k.hi));
}

// 16 elements; the last partial step goes through 16-byte copies. An input
// with step false is one value repeated through a 16-byte block.
MICROML_TARGET_AVX2 void AddAvx2(const AddSteps& k, const int8_t* pa, bool step_a, const int8_t* pb,
                                 bool step_b, int8_t* po, int32_t n) {
  const int32_t da = step_a ? 16 : 0, db = step_b ? 16 : 0;
  for (int32_t i = 0; i < n; i += 16, pa += da, pb += db) {
    alignas(16) int8_t a[16] = {};
    alignas(16) int8_t b[16] = {};
    const bool whole = n - i >= 16;
    const int32_t count = whole ? 16 : n - i;
    if (!whole) {
      memcpy(a, pa, static_cast<size_t>(count));
      memcpy(b, pb, static_cast<size_t>(count));
    }
    const __m128i va = whole ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(pa))
                             : _mm_load_si128(reinterpret_cast<const __m128i*>(a));
    const __m128i vb = whole ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(pb))
                             : _mm_load_si128(reinterpret_cast<const __m128i*>(b));
    const __m256i lo = Add8(k, va, vb);
    const __m256i hi = Add8(k, _mm_unpackhi_epi64(va, va), _mm_unpackhi_epi64(vb, vb));
    const __m128i lo16 =
        _mm_packs_epi32(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1));
    const __m128i hi16 =
        _mm_packs_epi32(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
    const __m128i bytes = _mm_packs_epi16(lo16, hi16);
    if (whole) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(po + i), bytes);
    } else {
      alignas(16) int8_t o[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(o), bytes);
      memcpy(po + i, o, static_cast<size_t>(count));
    }
  }
}

Status Eval(OpContext& ctx) {
  const Tensor& out = *ctx.output(0);
  if (out.type != TensorType::kINT8) return kRegisterAddOpt.eval(ctx);
  AddInt8At(ActiveLevel(), *ctx.op_data_as<ArithData>(), *ctx.input(0), *ctx.input(1), out);
  return Status::kOk;
}

}  // namespace

void AddInt8At(Level level, const ArithData& d, const Tensor& a, const Tensor& b,
               const Tensor& out) {
  if (level < Level::kAvx2 || -d.shift_a > arm::kMaxPotExponent ||
      -d.shift_b > arm::kMaxPotExponent || -d.shift_out > arm::kMaxPotExponent) {
    arm::AddInt8(d, a, b, out);
    return;
  }
  AddSteps k;
  k.scale = 2 << d.left_shift;
  k.offset_a = d.offset_a * k.scale;
  k.offset_b = d.offset_b * k.scale;
  k.mult_a = d.mult_a;
  k.mult_b = d.mult_b;
  k.mult_out = d.mult_out;
  k.offset_out = d.offset_out;
  k.lo = d.act_min;
  k.hi = d.act_max;
  k.pot_a = Pot8{1 << -d.shift_a, -d.shift_a + 1};
  k.pot_b = Pot8{1 << -d.shift_b, -d.shift_b + 1};
  k.pot_out = Pot8{1 << -d.shift_out, -d.shift_out + 1};
  const int8_t* pa = a.data_as<const int8_t>();
  const int8_t* pb = b.data_as<const int8_t>();
  int8_t* po = out.data_as<int8_t>();
  if (!d.broadcast) {
    AddAvx2(k, pa, true, pb, true, po, static_cast<int32_t>(out.element_count()));
    return;
  }
  BroadcastPlan plan;
  MakeBroadcastPlan(a, b, out, &plan);
  WalkBroadcast<int8_t, AddSteps, AddAvx2>(k, pa, pb, po, plan);
}

}  // namespace x86

const KernelRegistration kRegisterAddX86 = {static_cast<int32_t>(BuiltinOp::kADD),
                                            nullptr,
                                            5,
                                            AddPrepare,
                                            x86::Eval,
                                            nullptr,
                                            "float32 int8 int16 int32",
                                            0b11};

}  // namespace microml

#endif  // __x86_64__
