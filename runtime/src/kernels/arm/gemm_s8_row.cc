#include "kernels/arm/gemm_s8_row.h"

#if !defined(__ARM_FEATURE_MVE)

#include <string.h>

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

#include "kernels/arm/dsp.h"
#include "kernels/arm/requantize.h"
#include "kernels/quantization.h"

namespace microml {
namespace arm {
namespace {

// Input values widened at a time, on the stack (2 bytes each): longer rows
// are widened a chunk at a time, the column sums carried from chunk to chunk.
// No arena memory, so batch-1 FULLY_CONNECTED needs no scratch.
constexpr int32_t kRowChunk = 256;

// The widened layout: per 4 values x0..x3 (plus the input offset), the 16-bit
// pairs {x0, x2} and {x1, x3}, low half first: the order in which SXTB16 and
// SXTB16 ROR 8 unpack 4 weights, so one SMLAD multiplies each pair. x + offset
// lies in [-255, 255], so it and its products with weights fit 16 and 32
// bits, and SMLAD's sums wrap as the reference's do.

#if defined(__ARM_FEATURE_DSP)

// a[0, n) (n a multiple of 4) in the widened layout.
void WidenRow(const int8_t* a, int32_t n, int32_t input_offset, uint32_t* wide) {
  const uint32_t offset2 = (static_cast<uint32_t>(input_offset) & 0xFFFFu) * 0x10001u;
  for (const int8_t* const end = a + n; a != end; a += 4, wide += 2) {
    const uint32_t x = Load4(a);
    wide[0] = static_cast<uint32_t>(__sxtab16(offset2, x));
    wide[1] = Sxtab16Ror8(offset2, x);
  }
}

// For each of `blocks` blocks of four rhs rows (block k's rows `depth` bytes
// apart from b + 4 * k * depth on), s[4 * k + j] += widened values . row j,
// `groups` of 4 values. Per 4 values, 21 instructions for 16 products: one
// LDRD of the widened pairs for the four rows, and per row one load, two
// SXTB16 and two SMLAD. In assembly because it needs 13 registers at once,
// which gcc's allocation of the same C spills; all the blocks in one call, as
// short rows cost little more than the call. kRemainder: groups may be
// other than a positive multiple of 4 (else no block tests for the extra
// steps).
template <bool kRemainder>
[[gnu::noinline]] void Dot4WideBlocks(const uint32_t* wide, int32_t groups, const int8_t* b,
                                      int32_t depth, int32_t blocks, int32_t* s) {
  const uint32_t* const end = wide + 2 * groups;
  for (; blocks > 0; --blocks, s += 4, b += 4 * depth) {
    const uint32_t* x = wide;
    const int8_t* b0 = b;
    const int8_t* b2 = b + 2 * depth;
    int32_t s0 = s[0];
    int32_t s1 = s[1];
    int32_t s2 = s[2];
    int32_t s3 = s[3];
    uint32_t xe, xo, we, wo;
    // clang-format off
#define MICROML_ROW_COLUMN(LOAD, S)              \
  LOAD                                           \
  "sxtb16 %[we], %[wo]\n"                        \
  "sxtb16 %[wo], %[wo], ror #8\n"                \
  "smlad %[" S "], %[xe], %[we], %[" S "]\n"     \
  "smlad %[" S "], %[xo], %[wo], %[" S "]\n"
#define MICROML_ROW_STEP                                       \
  "ldrd %[xe], %[xo], [%[x]], #8\n"                            \
  MICROML_ROW_COLUMN("ldr %[wo], [%[b0], %[d]]\n", "s1")       \
  MICROML_ROW_COLUMN("ldr %[wo], [%[b2], %[d]]\n", "s3")       \
  MICROML_ROW_COLUMN("ldr %[wo], [%[b2]], #4\n", "s2")         \
  MICROML_ROW_COLUMN("ldr %[wo], [%[b0]], #4\n", "s0")
#define MICROML_ROW_OPERANDS                                                                   \
  : [x] "+r"(x), [b0] "+r"(b0), [b2] "+r"(b2), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2),   \
    [s3] "+r"(s3), [xe] "=&r"(xe), [xo] "=&r"(xo), [we] "=&r"(we), [wo] "=&r"(wo)             \
  : [d] "r"(depth), [end] "r"(end)                                                             \
  : "cc", "memory"
    // clang-format on
    // Four steps an iteration quarter the loop's compare and branch; the
    // groups % 4 others go first.
    if (kRemainder && (groups & 1) != 0) __asm__(MICROML_ROW_STEP MICROML_ROW_OPERANDS);
    if (kRemainder && (groups & 2) != 0) {
      __asm__(MICROML_ROW_STEP MICROML_ROW_STEP MICROML_ROW_OPERANDS);
    }
    if (!kRemainder || x != end) {
      __asm__("1:\n" MICROML_ROW_STEP MICROML_ROW_STEP MICROML_ROW_STEP MICROML_ROW_STEP
              "cmp %[x], %[end]\n"
              "bne 1b\n" MICROML_ROW_OPERANDS);
    }
#undef MICROML_ROW_OPERANDS
#undef MICROML_ROW_STEP
#undef MICROML_ROW_COLUMN
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }
}

inline void Dot4Wide(const uint32_t* wide, int32_t groups, const int8_t* b, int32_t depth,
                     int32_t blocks, int32_t* s) {
  if (groups > 0 && (groups & 3) == 0) {
    Dot4WideBlocks<false>(wide, groups, b, depth, blocks, s);
  } else {
    Dot4WideBlocks<true>(wide, groups, b, depth, blocks, s);
  }
}

// out[0..3] = v[0..3] saturated to int8 and clamped to [q.act_min, q.act_max]
// four bytes at once: SSAT and a byte pack, then SSUB8 compares the bytes with
// the bounds and SEL picks (act_min and act_max lie within the int8 range, so
// saturating first changes nothing).
inline void Store4(int32_t v0, int32_t v1, int32_t v2, int32_t v3, uint32_t act_min4,
                   uint32_t act_max4, int8_t* out) {
  uint32_t lo = static_cast<uint32_t>(__ssat(v0, 8));
  uint32_t hi = static_cast<uint32_t>(__ssat(v2, 8));
  uint32_t packed, t;
  __asm__(
      "bfi %[lo], %[v1], #8, #8\n"
      "bfi %[hi], %[v3], #8, #8\n"
      "pkhbt %[p], %[lo], %[hi], lsl #16\n"
      "ssub8 %[t], %[p], %[min]\n"
      "sel %[p], %[p], %[min]\n"
      "ssub8 %[t], %[max], %[p]\n"
      "sel %[p], %[p], %[max]\n"
      : [lo] "+&r"(lo), [hi] "+&r"(hi), [p] "=&r"(packed), [t] "=&r"(t)
      : [v1] "r"(__ssat(v1, 8)), [v3] "r"(__ssat(v3, 8)), [min] "r"(act_min4), [max] "r"(act_max4)
      : "cc");
  memcpy(out, &packed, sizeof(packed));
}

// Widened values . one rhs row, added to s.
int32_t Dot1Wide(const uint32_t* wide, int32_t groups, const int8_t* b, int32_t s) {
  for (int32_t g = 0; g < groups; ++g, wide += 2, b += 4) {
    const uint32_t w = Load4(b);
    s = __smlad(static_cast<int32_t>(wide[0]), __sxtb16(w), s);
    s = __smlad(static_cast<int32_t>(wide[1]), Sxtb16Ror8(w), s);
  }
  return s;
}

#else  // portable: the same layout and order of sums, in plain C++

void WidenRow(const int8_t* a, int32_t n, int32_t input_offset, uint32_t* wide) {
  for (int32_t k = 0; k < n; k += 4, wide += 2) {
    for (int32_t half = 0; half < 2; ++half) {
      const uint32_t lo = static_cast<uint16_t>(a[k + half] + input_offset);
      const uint32_t hi = static_cast<uint16_t>(a[k + half + 2] + input_offset);
      wide[half] = lo | (hi << 16);
    }
  }
}

int32_t Dot1Wide(const uint32_t* wide, int32_t groups, const int8_t* b, int32_t s) {
  for (int32_t g = 0; g < groups; ++g, wide += 2, b += 4) {
    for (int32_t half = 0; half < 2; ++half) {
      const int32_t lo = static_cast<int16_t>(wide[half] & 0xFFFFu);
      const int32_t hi = static_cast<int16_t>(wide[half] >> 16);
      s = WrappingAdd(s, WrappingAdd(lo * b[half], hi * b[half + 2]));
    }
  }
  return s;
}

void Dot4Wide(const uint32_t* wide, int32_t groups, const int8_t* b, int32_t depth, int32_t blocks,
              int32_t* s) {
  for (int32_t j = 0; j < 4 * blocks; ++j) s[j] = Dot1Wide(wide, groups, b + j * depth, s[j]);
}

#endif  // __ARM_FEATURE_DSP

// out[c] = the requantized sums[c] for c < n, with the columns of q (its bias
// already in the sums). The usual case, one scale for all columns that
// shifts right, has its own loop with the scale's parts computed once.
void FinishRow(const int32_t* sums, int32_t n, const GemmS8Output& output, int8_t* out) {
  const GemmS8Output q = output;
  const auto store = [&q](int32_t scaled, int8_t* o) {
    *o = Clamp<int8_t>(WrappingAdd(scaled, q.offset), q.act_min, q.act_max);
  };
  int32_t c = 0;
  if (q.step == 0 && q.shift[0] < 0) {
    const int32_t m = q.multiplier[0];
    const int32_t right = -q.shift[0] - 1;
    const int32_t nudge = 1 << right;
#if defined(__ARM_FEATURE_DSP)
    const auto scaled = [&](int32_t k) {
      return WrappingAdd(RequantizeRightBy(sums[k], m, nudge, right), q.offset);
    };
    const uint32_t act_min4 = static_cast<uint8_t>(q.act_min) * 0x01010101u;
    const uint32_t act_max4 = static_cast<uint8_t>(q.act_max) * 0x01010101u;
    for (; c + 4 <= n; c += 4) {
      Store4(scaled(c), scaled(c + 1), scaled(c + 2), scaled(c + 3), act_min4, act_max4, out + c);
    }
#endif
    for (; c < n; ++c) store(RequantizeRightBy(sums[c], m, nudge, right), out + c);
    return;
  }
  const int32_t* multiplier = q.multiplier;
  const int8_t* shift = q.shift;
  for (; c < n; ++c, multiplier += q.step, shift += q.step) {
    store(Requantize(sums[c], *multiplier, *shift), out + c);
  }
}

}  // namespace

// Columns a chunk at a time (their sums on the stack), and within a chunk the
// row a widened chunk at a time, four columns per pass over it; the last
// depth % 4 values of every column, and short rows entirely, in plain
// multiply-adds.
void GemmS8Row(const int8_t* lhs, const int8_t* rhs, int32_t cols, int32_t depth,
               const GemmS8Output& q, int8_t* out) {
  uint32_t wide[kRowChunk / 2];
  int32_t sums[kGemmS8ColumnChunk];
  const int32_t body = depth & ~3;
  const bool one_chunk = body <= kRowChunk;
  if (one_chunk) WidenRow(lhs, body, q.input_offset, wide);
  for (int32_t c0 = 0; c0 < cols; c0 += kGemmS8ColumnChunk) {
    const int32_t n = cols - c0 < kGemmS8ColumnChunk ? cols - c0 : kGemmS8ColumnChunk;
    const int8_t* const b = rhs + c0 * depth;
    if (q.bias != nullptr) {
      memcpy(sums, q.bias + c0, static_cast<size_t>(n) * sizeof(int32_t));
    } else {
      memset(sums, 0, static_cast<size_t>(n) * sizeof(int32_t));
    }
    for (int32_t k0 = 0; k0 < body; k0 += kRowChunk) {
      const int32_t values = body - k0 < kRowChunk ? body - k0 : kRowChunk;
      if (!one_chunk) WidenRow(lhs + k0, values, q.input_offset, wide);
      const int32_t groups = values >> 2;
      Dot4Wide(wide, groups, b + k0, depth, n >> 2, sums);
      for (int32_t c = n & ~3; c < n; ++c) {
        sums[c] = Dot1Wide(wide, groups, b + c * depth + k0, sums[c]);
      }
    }
    if (body < depth) {
      for (int32_t c = 0; c < n; ++c) {
        const int8_t* w = b + c * depth;
        int32_t s = sums[c];
        for (int32_t k = body; k < depth; ++k) s = WrappingAdd(s, (lhs[k] + q.input_offset) * w[k]);
        sums[c] = s;
      }
    }
    FinishRow(sums, n, GemmS8Columns(q, c0), out + c0);
  }
}

}  // namespace arm
}  // namespace microml

#endif  // !__ARM_FEATURE_MVE
