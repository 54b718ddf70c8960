#include "kernels/arm/gemm_s8.h"

#include <string.h>

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#elif defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

#include "kernels/arm/dsp.h"
#include "kernels/arm/gemm_s8_row.h"
#include "kernels/arm/requantize.h"
#include "kernels/quantization.h"

namespace microml {
namespace arm {
namespace {

// Products of two int8 values always fit; only their running sum may wrap.
inline int32_t Mac(int32_t acc, int8_t a, int8_t b) {
  return WrappingAdd(acc, static_cast<int32_t>(a) * b);
}

#if defined(__ARM_FEATURE_MVE)

// `folded` and the columns of `q` start at the same column.
inline int8_t Finish(int32_t sum, const int32_t* folded, const GemmS8Output& q, int32_t c) {
  const int32_t k = c * q.step;
  const int32_t scaled = Requantize(WrappingAdd(sum, folded[c]), q.multiplier[k], q.shift[k]);
  return Clamp<int8_t>(WrappingAdd(scaled, q.offset), q.act_min, q.act_max);
}

// The loops below are tail-predicated (DLSTP/LETP): the last partial vector
// has its missing lanes switched off, so they are neither read nor added. In
// assembly because gcc 12 neither makes such loops from the intrinsics nor uses
// post-incremented loads in them.

// One lhs row against one rhs row.
int32_t Dot1x1(const int8_t* a, const int8_t* b, int32_t depth) {
  int32_t s = 0;
  int8x16_t x;
  int8x16_t w;
  __asm__(
      "dlstp.8 lr, %[n]\n"
      "1:\n"
      "vldrb.8 %q[x], [%[a]], #16\n"
      "vldrb.8 %q[w], [%[b]], #16\n"
      "vmladava.s8 %[s], %q[x], %q[w]\n"
      "letp lr, 1b\n"
      : [a] "+r"(a), [b] "+r"(b), [s] "+Te"(s), [x] "=&w"(x), [w] "=&w"(w)
      : [n] "r"(depth)
      : "lr", "memory");
  return s;
}

// Sum of the row's values, as GemmS8FoldBias needs it.
int32_t RowSum(const int8_t* row, int32_t depth) {
  int32_t s = 0;
  int8x16_t x;
  __asm__(
      "dlstp.8 lr, %[n]\n"
      "1:\n"
      "vldrb.8 %q[x], [%[row]], #16\n"
      "vaddva.s8 %[s], %q[x]\n"
      "letp lr, 1b\n"
      : [row] "+r"(row), [s] "+Te"(s), [x] "=&w"(x)
      : [n] "r"(depth)
      : "lr", "memory");
  return s;
}

// One lhs row against four consecutive rhs rows: one lhs load serves four
// 16-way multiply-accumulates.
int32x4_t Dot1x4(const int8_t* a, const int8_t* b, int32_t depth) {
  const int8_t* b1 = b + depth;
  const int8_t* b2 = b1 + depth;
  const int8_t* b3 = b2 + depth;
  int32_t s0 = 0;
  int32_t s1 = 0;
  int32_t s2 = 0;
  int32_t s3 = 0;
  int8x16_t x;
  int8x16_t w;
  __asm__(
      "dlstp.8 lr, %[n]\n"
      "1:\n"
      "vldrb.8 %q[x], [%[a]], #16\n"
      "vldrb.8 %q[w], [%[b0]], #16\n"
      "vmladava.s8 %[s0], %q[x], %q[w]\n"
      "vldrb.8 %q[w], [%[b1]], #16\n"
      "vmladava.s8 %[s1], %q[x], %q[w]\n"
      "vldrb.8 %q[w], [%[b2]], #16\n"
      "vmladava.s8 %[s2], %q[x], %q[w]\n"
      "vldrb.8 %q[w], [%[b3]], #16\n"
      "vmladava.s8 %[s3], %q[x], %q[w]\n"
      "letp lr, 1b\n"
      : [a] "+r"(a), [b0] "+r"(b), [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3), [s0] "+Te"(s0),
        [s1] "+Te"(s1), [s2] "+Te"(s2), [s3] "+Te"(s3), [x] "=&w"(x), [w] "=&w"(w)
      : [n] "r"(depth)
      : "lr", "memory");
  int32x4_t v = vdupq_n_s32(0);
  __asm__(
      "vmov %q[v][2], %q[v][0], %[s0], %[s2]\n"
      "vmov %q[v][3], %q[v][1], %[s1], %[s3]\n"
      : [v] "+w"(v)
      : [s0] "r"(s0), [s1] "r"(s1), [s2] "r"(s2), [s3] "r"(s3));
  return v;
}

// Dot1x4 of a + offset: sum_k (a + offset) * b = sum_k a * b + sum_k offset * b,
// the second term a 16-way multiply-accumulate of the same weight vector with
// `offset` in every lane (which must fit int8) into the same sum. A single
// lhs row reads each weight once this way, where folding the offset into the
// bias reads it a second time. With kInvert, a is read as ~a = -a - 1 (VMVN):
// the dot products of ~a + offset, the negated sums of a + 1 - offset, for
// the input offset 128 (zero point -128), which does not fit int8 but
// 1 - 128 does.
template <bool kInvert>
int32x4_t Dot1x4Offset(const int8_t* a, const int8_t* b, int32_t depth, int8x16_t offset) {
  const int8_t* b1 = b + depth;
  const int8_t* b2 = b1 + depth;
  const int8_t* b3 = b2 + depth;
  int32_t s0 = 0;
  int32_t s1 = 0;
  int32_t s2 = 0;
  int32_t s3 = 0;
  int8x16_t x;
  int8x16_t w;
  __asm__(
      "dlstp.8 lr, %[n]\n"
      "1:\n"
      "vldrb.8 %q[x], [%[a]], #16\n"
      "vldrb.8 %q[w], [%[b0]], #16\n"
      ".if %c[invert]\n"
      "vmvn %q[x], %q[x]\n"
      ".endif\n"
      "vmladava.s8 %[s0], %q[x], %q[w]\n"
      "vmladava.s8 %[s0], %q[o], %q[w]\n"
      "vldrb.8 %q[w], [%[b1]], #16\n"
      "vmladava.s8 %[s1], %q[x], %q[w]\n"
      "vmladava.s8 %[s1], %q[o], %q[w]\n"
      "vldrb.8 %q[w], [%[b2]], #16\n"
      "vmladava.s8 %[s2], %q[x], %q[w]\n"
      "vmladava.s8 %[s2], %q[o], %q[w]\n"
      "vldrb.8 %q[w], [%[b3]], #16\n"
      "vmladava.s8 %[s3], %q[x], %q[w]\n"
      "vmladava.s8 %[s3], %q[o], %q[w]\n"
      "letp lr, 1b\n"
      : [a] "+r"(a), [b0] "+r"(b), [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3), [s0] "+Te"(s0),
        [s1] "+Te"(s1), [s2] "+Te"(s2), [s3] "+Te"(s3), [x] "=&w"(x), [w] "=&w"(w)
      : [n] "r"(depth), [o] "w"(offset), [invert] "i"(kInvert ? 1 : 0)
      : "lr", "memory");
  int32x4_t v = vdupq_n_s32(0);
  __asm__(
      "vmov %q[v][2], %q[v][0], %[s0], %[s2]\n"
      "vmov %q[v][3], %q[v][1], %[s1], %[s3]\n"
      : [v] "+w"(v)
      : [s0] "r"(s0), [s1] "r"(s1), [s2] "r"(s2), [s3] "r"(s3));
  return v;
}

// Dot1x4Offset for one rhs row (the columns left over).
template <bool kInvert>
int32_t Dot1x1Offset(const int8_t* a, const int8_t* b, int32_t depth, int8x16_t offset) {
  int32_t s = 0;
  int8x16_t x;
  int8x16_t w;
  __asm__(
      "dlstp.8 lr, %[n]\n"
      "1:\n"
      "vldrb.8 %q[x], [%[a]], #16\n"
      "vldrb.8 %q[w], [%[b]], #16\n"
      ".if %c[invert]\n"
      "vmvn %q[x], %q[x]\n"
      ".endif\n"
      "vmladava.s8 %[s], %q[x], %q[w]\n"
      "vmladava.s8 %[s], %q[o], %q[w]\n"
      "letp lr, 1b\n"
      : [a] "+r"(a), [b] "+r"(b), [s] "+Te"(s), [x] "=&w"(x), [w] "=&w"(w)
      : [n] "r"(depth), [o] "w"(offset), [invert] "i"(kInvert ? 1 : 0)
      : "lr", "memory");
  return s;
}

// GemmS8 of a single row whose input offset fits int8, or is 128
// (Dot1x4Offset), four columns at a time; the last cols % 4 columns one at a
// time (Dot1x1Offset).
template <bool kInvert>
void GemmS8RowOffset(const int8_t* lhs, const int8_t* rhs, int32_t cols, int32_t depth,
                     const GemmS8Output& output, int8_t* out) {
  const GemmS8Output q = output;
  const int8x16_t input_offset =
      vdupq_n_s8(static_cast<int8_t>(kInvert ? 1 - q.input_offset : q.input_offset));
  const int32x4_t offset = vdupq_n_s32(q.offset);
  const int32x4_t act_min = vdupq_n_s32(q.act_min);
  const int32x4_t act_max = vdupq_n_s32(q.act_max);
  int32_t c = 0;
  for (; c + 4 <= cols; c += 4) {
    const int32x4_t bias = q.bias != nullptr ? vldrwq_s32(q.bias + c) : vdupq_n_s32(0);
    const int32x4_t multiplier =
        q.step != 0 ? vldrwq_s32(q.multiplier + c) : vdupq_n_s32(q.multiplier[0]);
    const int32x4_t shift = q.step != 0 ? vldrbq_s32(q.shift + c) : vdupq_n_s32(q.shift[0]);
    int32x4_t dot = Dot1x4Offset<kInvert>(lhs, rhs + c * depth, depth, input_offset);
    // Wrapping, as VSUB is.
    if (kInvert) dot = vsubq_s32(vdupq_n_s32(0), dot);
    const int32x4_t sum = vaddq_s32(dot, bias);
    const int32x4_t acc = RequantizeMve(sum, multiplier, shift);
    vstrbq_s32(out + c, vminq_s32(vmaxq_s32(vaddq_s32(acc, offset), act_min), act_max));
  }
  for (; c < cols; ++c) {
    int32_t dot = Dot1x1Offset<kInvert>(lhs, rhs + c * depth, depth, input_offset);
    // Wrapping, as VSUB is.
    if (kInvert) dot = static_cast<int32_t>(0u - static_cast<uint32_t>(dot));
    const int32_t k = c * q.step;
    const int32_t sum = WrappingAdd(dot, q.bias != nullptr ? q.bias[c] : 0);
    const int32_t scaled = Requantize(sum, q.multiplier[k], q.shift[k]);
    out[c] = Clamp<int8_t>(WrappingAdd(scaled, q.offset), q.act_min, q.act_max);
  }
}

// GemmS8 of a single row of at most kFewInputs values: the columns four to a
// vector, each input value (plus the offset) a scalar times the four
// columns' weights (gathered, depth apart), so the few multiply-accumulates
// are not buried under a dot product's setup per column.
constexpr int32_t kFewInputs = 4;

void GemmS8RowFewInputs(const int8_t* lhs, const int8_t* rhs, int32_t cols, int32_t depth,
                        const GemmS8Output& output, int8_t* out) {
  const GemmS8Output q = output;
  int32_t x[kFewInputs];
  for (int32_t k = 0; k < depth; ++k) x[k] = lhs[k] + q.input_offset;
  const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0, 1), static_cast<uint32_t>(depth));
  const int32x4_t act_min = vdupq_n_s32(q.act_min);
  const int32x4_t act_max = vdupq_n_s32(q.act_max);
  for (int32_t c = 0; c < cols; c += 4) {
    const mve_pred16_t lanes = vctp32q(static_cast<uint32_t>(cols - c));
    int32x4_t acc = q.bias != nullptr ? vldrwq_z_s32(q.bias + c, lanes) : vdupq_n_s32(0);
    const int8_t* w = rhs + c * depth;
    for (int32_t k = 0; k < depth; ++k) {
      acc = vmlaq_n_s32(acc, vldrbq_gather_offset_z_s32(w + k, offsets, lanes), x[k]);
    }
    const int32x4_t multiplier =
        q.step != 0 ? vldrwq_z_s32(q.multiplier + c, lanes) : vdupq_n_s32(q.multiplier[0]);
    const int32x4_t shift =
        q.step != 0 ? vldrbq_z_s32(q.shift + c, lanes) : vdupq_n_s32(q.shift[0]);
    const int32x4_t v = vaddq_n_s32(RequantizeMve(acc, multiplier, shift), q.offset);
    vstrbq_p_s32(out + c, vminq_s32(vmaxq_s32(v, act_min), act_max), lanes);
  }
}

}  // namespace

void GemmS8Folded(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                  int32_t cols, int32_t depth, const int32_t* folded, const GemmS8Output& output,
                  int8_t* out, int32_t out_stride) {
  // A copy the int8 stores below cannot alias, so it stays in registers.
  const GemmS8Output q = output;
  const int32x4_t offset = vdupq_n_s32(q.offset);
  const int32x4_t act_min = vdupq_n_s32(q.act_min);
  const int32x4_t act_max = vdupq_n_s32(q.act_max);
  // Columns outside, rows inside: each block of four columns loads its bias
  // and scales once.
  int32_t c = 0;
  for (; c + 4 <= cols; c += 4) {
    const int32x4_t bias = vldrwq_s32(folded + c);
    const int32x4_t multiplier =
        q.step != 0 ? vldrwq_s32(q.multiplier + c) : vdupq_n_s32(q.multiplier[0]);
    const int32x4_t shift = q.step != 0 ? vldrbq_s32(q.shift + c) : vdupq_n_s32(q.shift[0]);
    const MveScale scale = MveScaleOf(multiplier, shift);
    const int8_t* b = rhs + c * depth;
    const int8_t* a = lhs;
    int8_t* o = out + c;
    // Without left shifts (the usual case) one vector register fewer is live,
    // which keeps the loop free of spills.
    if (vmaxvq_s32(0, shift) == 0) {
      for (int32_t r = 0; r < rows; ++r, a += lhs_stride, o += out_stride) {
        const int32x4_t acc =
            RequantizeMveRight(vaddq_s32(Dot1x4(a, b, depth), bias), scale.multiplier, scale.right);
        vstrbq_s32(o, vminq_s32(vmaxq_s32(vaddq_s32(acc, offset), act_min), act_max));
      }
    } else {
      for (int32_t r = 0; r < rows; ++r, a += lhs_stride, o += out_stride) {
        const int32x4_t acc = RequantizeMve(vaddq_s32(Dot1x4(a, b, depth), bias), scale);
        vstrbq_s32(o, vminq_s32(vmaxq_s32(vaddq_s32(acc, offset), act_min), act_max));
      }
    }
  }
  for (; c < cols; ++c) {
    const int8_t* b = rhs + c * depth;
    for (int32_t r = 0; r < rows; ++r) {
      out[r * out_stride + c] = Finish(Dot1x1(lhs + r * lhs_stride, b, depth), folded, q, c);
    }
  }
}

size_t GemmS8WidenedScratchBytes(int32_t) {
  return 0;
}

void GemmS8Widened(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                   int32_t cols, int32_t depth, const GemmS8Output& q, void*, int8_t* out,
                   int32_t out_stride) {
  GemmS8(lhs, lhs_stride, rows, rhs, cols, depth, q, out, out_stride);
}

#else  // Arm DSP or portable: blocks of 2 lhs rows x 2 rhs rows.

#if defined(__ARM_FEATURE_DSP)

// One 4-byte step of a 2x2 block: each lhs word against each rhs word, the
// rhs words unpacked one at a time to keep every sum in a register.
inline void Step2x2(uint32_t x0, uint32_t x1, const int8_t* b0, const int8_t* b1, int32_t& s00,
                    int32_t& s01, int32_t& s10, int32_t& s11) {
  const int32_t x0e = __sxtb16(x0);
  const int32_t x0o = Sxtb16Ror8(x0);
  const int32_t x1e = __sxtb16(x1);
  const int32_t x1o = Sxtb16Ror8(x1);
  uint32_t w = Load4(b0);
  int32_t we = __sxtb16(w);
  int32_t wo = Sxtb16Ror8(w);
  s00 = __smlad(x0o, wo, __smlad(x0e, we, s00));
  s10 = __smlad(x1o, wo, __smlad(x1e, we, s10));
  w = Load4(b1);
  we = __sxtb16(w);
  wo = Sxtb16Ror8(w);
  s01 = __smlad(x0o, wo, __smlad(x0e, we, s01));
  s11 = __smlad(x1o, wo, __smlad(x1e, we, s11));
}

// 8 bytes of every row per iteration of a 2x2 block whose two lhs rows, like
// its two rhs rows, are `depth` apart, while a != end (a multiple of 8 bytes
// ahead of a, not equal to it). In assembly because it needs 14 registers at
// once and gcc's allocation of the same C spills on each step.
inline void Dot2x2Loop(const int8_t*& a, const int8_t*& b, const int8_t* end, int32_t depth,
                       int32_t& s00, int32_t& s01, int32_t& s10, int32_t& s11) {
  uint32_t t0, t1, t2, t3, t4, t5;
#define MICROML_GEMM_STEP                \
  "ldr %[t0], [%[a], %[d]]\n"            \
  "ldr %[t1], [%[a]], #4\n"              \
  "sxtb16 %[t2], %[t1]\n"                \
  "sxtb16 %[t1], %[t1], ror #8\n"        \
  "sxtb16 %[t3], %[t0]\n"                \
  "sxtb16 %[t0], %[t0], ror #8\n"        \
  "ldr %[t4], [%[b], %[d]]\n"            \
  "sxtb16 %[t5], %[t4]\n"                \
  "sxtb16 %[t4], %[t4], ror #8\n"        \
  "smlad %[s01], %[t2], %[t5], %[s01]\n" \
  "smlad %[s01], %[t1], %[t4], %[s01]\n" \
  "smlad %[s11], %[t3], %[t5], %[s11]\n" \
  "smlad %[s11], %[t0], %[t4], %[s11]\n" \
  "ldr %[t4], [%[b]], #4\n"              \
  "sxtb16 %[t5], %[t4]\n"                \
  "sxtb16 %[t4], %[t4], ror #8\n"        \
  "smlad %[s00], %[t2], %[t5], %[s00]\n" \
  "smlad %[s00], %[t1], %[t4], %[s00]\n" \
  "smlad %[s10], %[t3], %[t5], %[s10]\n" \
  "smlad %[s10], %[t0], %[t4], %[s10]\n"
  __asm__("1:\n" MICROML_GEMM_STEP MICROML_GEMM_STEP
          "cmp %[a], %[end]\n"
          "bne 1b\n"
          : [a] "+r"(a), [b] "+r"(b), [s00] "+r"(s00), [s01] "+r"(s01), [s10] "+r"(s10),
            [s11] "+r"(s11), [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3),
            [t4] "=&r"(t4), [t5] "=&r"(t5)
          : [d] "r"(depth), [end] "r"(end)
          : "cc", "memory");
#undef MICROML_GEMM_STEP
}

// out = {a0.b0, a0.b1, a1.b0, a1.b1} with a1 = a0 + lhs_stride and
// b1 = b0 + depth.
[[gnu::noinline]] void Dot2x2(const int8_t* a0, int32_t lhs_stride, const int8_t* b0, int32_t depth,
                              int32_t* out) {
  int32_t s00 = 0;
  int32_t s01 = 0;
  int32_t s10 = 0;
  int32_t s11 = 0;
  const int8_t* const end = a0 + (depth & ~3);
  if (lhs_stride == depth && depth >= 8) {
    Dot2x2Loop(a0, b0, a0 + (depth & ~7), depth, s00, s01, s10, s11);
  }
  while (a0 != end) {
    Step2x2(Load4(a0), Load4(a0 + lhs_stride), b0, b0 + depth, s00, s01, s10, s11);
    a0 += 4;
    b0 += 4;
  }
  const int32_t n = depth & 3;
  const int8_t* a1 = a0 + lhs_stride;
  const int8_t* b1 = b0 + depth;
  for (int32_t i = 0; i < n; ++i) {
    s00 = Mac(s00, a0[i], b0[i]);
    s01 = Mac(s01, a0[i], b1[i]);
    s10 = Mac(s10, a1[i], b0[i]);
    s11 = Mac(s11, a1[i], b1[i]);
  }
  out[0] = s00;
  out[1] = s01;
  out[2] = s10;
  out[3] = s11;
}

// s = {a.b0, a.b1}
void Dot1x2(const int8_t* a, const int8_t* b0, const int8_t* b1, int32_t depth, int32_t* out) {
  int32_t s0 = 0;
  int32_t s1 = 0;
  int32_t n = depth;
  for (; n >= 4; n -= 4) {
    const uint32_t x = Load4(a);
    const uint32_t w0 = Load4(b0);
    const uint32_t w1 = Load4(b1);
    const int32_t xe = __sxtb16(x);
    const int32_t xo = Sxtb16Ror8(x);
    s0 = __smlad(xo, Sxtb16Ror8(w0), __smlad(xe, __sxtb16(w0), s0));
    s1 = __smlad(xo, Sxtb16Ror8(w1), __smlad(xe, __sxtb16(w1), s1));
    a += 4;
    b0 += 4;
    b1 += 4;
  }
  for (int32_t i = 0; i < n; ++i) {
    s0 = Mac(s0, a[i], b0[i]);
    s1 = Mac(s1, a[i], b1[i]);
  }
  out[0] = s0;
  out[1] = s1;
}

int32_t Dot1x1(const int8_t* a, const int8_t* b, int32_t depth) {
  int32_t s = 0;
  int32_t n = depth;
  for (; n >= 4; n -= 4) {
    const uint32_t x = Load4(a);
    const uint32_t w = Load4(b);
    s = __smlad(Sxtb16Ror8(x), Sxtb16Ror8(w), __smlad(__sxtb16(x), __sxtb16(w), s));
    a += 4;
    b += 4;
  }
  for (int32_t i = 0; i < n; ++i) s = Mac(s, a[i], b[i]);
  return s;
}

// Two lhs rows with the input offset added, widened to 16 bits in the order
// the weights unpack (SXTB16 and SXTB16 ROR 8): per 4 values, the words
// {x0 even, x0 odd, x1 even, x1 odd}. `depth` is a multiple of 4.
void WidenPair(const int8_t* a0, const int8_t* a1, int32_t depth, int32_t input_offset,
               uint32_t* wide) {
  const uint32_t offset2 = (static_cast<uint32_t>(input_offset) & 0xFFFFu) * 0x10001u;
  for (int32_t k = 0; k < depth; k += 4, wide += 4) {
    const uint32_t x0 = Load4(a0 + k);
    const uint32_t x1 = Load4(a1 + k);
    wide[0] = static_cast<uint32_t>(__sxtab16(offset2, x0));
    wide[1] = static_cast<uint32_t>(__sxtab16(offset2, (x0 >> 8) | (x0 << 24)));
    wide[2] = static_cast<uint32_t>(__sxtab16(offset2, x1));
    wide[3] = static_cast<uint32_t>(__sxtab16(offset2, (x1 >> 8) | (x1 << 24)));
  }
}

// A widened row pair (WidenPair) against `pairs` pairs of consecutive rhs
// rows of `depth` values: for each pair, row0 = {a0.b0, a0.b1} and
// row1 = {a1.b0, a1.b1}, the offset included. Two LDRDs bring in the 4 values
// of both rows, so 16 products take 16 instructions. All the pairs in one call:
// with small depths, a call per pair cost more than its products.
[[gnu::noinline]] void Dot2x2Wide(const uint32_t* lhs, const int8_t* b, int32_t depth,
                                  int32_t pairs, int32_t* row0, int32_t* row1) {
  for (int32_t p = 0; p < pairs; ++p, row0 += 2, row1 += 2, b += depth) {
    int32_t s00 = 0;
    int32_t s01 = 0;
    int32_t s10 = 0;
    int32_t s11 = 0;
    const uint32_t* wide = lhs;
    const uint32_t* const end = wide + depth;
    uint32_t x0e, x0o, x1e, x1o, we, wo;
    // clang-format off
#define MICROML_GEMM_WIDE_STEP               \
  "ldrd %[x0e], %[x0o], [%[a]], #8\n"       \
  "ldrd %[x1e], %[x1o], [%[a]], #8\n"       \
  "ldr %[wo], [%[b], %[d]]\n"               \
  "sxtb16 %[we], %[wo]\n"                   \
  "sxtb16 %[wo], %[wo], ror #8\n"           \
  "smlad %[s01], %[x0e], %[we], %[s01]\n"   \
  "smlad %[s01], %[x0o], %[wo], %[s01]\n"   \
  "smlad %[s11], %[x1e], %[we], %[s11]\n"   \
  "smlad %[s11], %[x1o], %[wo], %[s11]\n"   \
  "ldr %[wo], [%[b]], #4\n"                 \
  "sxtb16 %[we], %[wo]\n"                   \
  "sxtb16 %[wo], %[wo], ror #8\n"           \
  "smlad %[s00], %[x0e], %[we], %[s00]\n"   \
  "smlad %[s00], %[x0o], %[wo], %[s00]\n"   \
  "smlad %[s10], %[x1e], %[we], %[s10]\n"   \
  "smlad %[s10], %[x1o], %[wo], %[s10]\n"
#define MICROML_GEMM_WIDE_OPERANDS                                                            \
  : [a] "+r"(wide), [b] "+r"(b), [s00] "+r"(s00), [s01] "+r"(s01), [s10] "+r"(s10),           \
    [s11] "+r"(s11), [x0e] "=&r"(x0e), [x0o] "=&r"(x0o), [x1e] "=&r"(x1e), [x1o] "=&r"(x1o), \
    [we] "=&r"(we), [wo] "=&r"(wo)                                                            \
  : [d] "r"(depth), [end] "r"(end)                                                            \
  : "cc", "memory"
    // clang-format on
    // Two steps an iteration halve the loop's compare and branch; an odd step
    // goes first.
    if ((depth & 4) != 0) __asm__(MICROML_GEMM_WIDE_STEP MICROML_GEMM_WIDE_OPERANDS);
    if (wide != end) {
      __asm__("1:\n" MICROML_GEMM_WIDE_STEP MICROML_GEMM_WIDE_STEP
              "cmp %[a], %[end]\n"
              "bne 1b\n" MICROML_GEMM_WIDE_OPERANDS);
    }
    row0[0] = s00;
    row0[1] = s01;
    row1[0] = s10;
    row1[1] = s11;
  }
#undef MICROML_GEMM_WIDE_OPERANDS
#undef MICROML_GEMM_WIDE_STEP
}

// Sum of the row's values, as GemmS8FoldBias needs it: USADA8 adds four
// unsigned bytes, so each signed byte is biased by 128 (flipping its top bit)
// and the bias taken off at the end (all modulo 2^32).
int32_t RowSum(const int8_t* row, int32_t depth) {
  uint32_t s = 0;
  int32_t n = depth;
  for (; n >= 4; n -= 4, row += 4) s = __usada8(Load4(row) ^ 0x80808080u, 0, s);
  s -= 512u * static_cast<uint32_t>(depth >> 2);
  for (int32_t i = 0; i < n; ++i) s += static_cast<uint32_t>(static_cast<int32_t>(row[i]));
  return static_cast<int32_t>(s);
}

#else  // portable

[[gnu::noinline]] void Dot2x2(const int8_t* a0, int32_t lhs_stride, const int8_t* b0, int32_t depth,
                              int32_t* out) {
  const int8_t* a1 = a0 + lhs_stride;
  const int8_t* b1 = b0 + depth;
  int32_t s[4] = {0, 0, 0, 0};
  for (int32_t i = 0; i < depth; ++i) {
    s[0] = Mac(s[0], a0[i], b0[i]);
    s[1] = Mac(s[1], a0[i], b1[i]);
    s[2] = Mac(s[2], a1[i], b0[i]);
    s[3] = Mac(s[3], a1[i], b1[i]);
  }
  out[0] = s[0];
  out[1] = s[1];
  out[2] = s[2];
  out[3] = s[3];
}

void Dot1x2(const int8_t* a, const int8_t* b0, const int8_t* b1, int32_t depth, int32_t* out) {
  int32_t s0 = 0;
  int32_t s1 = 0;
  for (int32_t i = 0; i < depth; ++i) {
    s0 = Mac(s0, a[i], b0[i]);
    s1 = Mac(s1, a[i], b1[i]);
  }
  out[0] = s0;
  out[1] = s1;
}

int32_t Dot1x1(const int8_t* a, const int8_t* b, int32_t depth) {
  int32_t s = 0;
  for (int32_t i = 0; i < depth; ++i) s = Mac(s, a[i], b[i]);
  return s;
}

int32_t RowSum(const int8_t* row, int32_t depth) {
  int32_t s = 0;
  for (int32_t i = 0; i < depth; ++i) s = WrappingAdd(s, row[i]);
  return s;
}

// The layout of the Arm DSP version: per 4 values of both rows, 16-bit
// pairs {x0[0], x0[2]}, {x0[1], x0[3]}, {x1[0], x1[2]}, {x1[1], x1[3]}.
void WidenPair(const int8_t* a0, const int8_t* a1, int32_t depth, int32_t input_offset,
               uint32_t* wide) {
  const int8_t* rows[2] = {a0, a1};
  for (int32_t k = 0; k < depth; k += 4, wide += 4) {
    for (int32_t r = 0; r < 2; ++r) {
      for (int32_t half = 0; half < 2; ++half) {
        const uint32_t lo = static_cast<uint16_t>(rows[r][k + half] + input_offset);
        const uint32_t hi = static_cast<uint16_t>(rows[r][k + half + 2] + input_offset);
        wide[2 * r + half] = lo | (hi << 16);
      }
    }
  }
}

void Dot2x2Wide(const uint32_t* lhs, const int8_t* b, int32_t depth, int32_t pairs, int32_t* row0,
                int32_t* row1) {
  for (int32_t p = 0; p < pairs; ++p, row0 += 2, row1 += 2, b += 2 * depth) {
    const uint32_t* wide = lhs;
    int32_t s[4] = {0, 0, 0, 0};
    for (int32_t k = 0; k < depth; k += 4, wide += 4) {
      for (int32_t r = 0; r < 2; ++r) {
        for (int32_t c = 0; c < 2; ++c) {
          const int8_t* w = b + c * depth + k;
          for (int32_t half = 0; half < 2; ++half) {
            const uint32_t pair = wide[2 * r + half];
            const int32_t lo = static_cast<int16_t>(pair & 0xFFFFu);
            const int32_t hi = static_cast<int16_t>(pair >> 16);
            s[2 * r + c] = WrappingAdd(s[2 * r + c], lo * w[half] + hi * w[half + 2]);
          }
        }
      }
    }
    row0[0] = s[0];
    row0[1] = s[1];
    row1[0] = s[2];
    row1[1] = s[3];
  }
}

#endif  // __ARM_FEATURE_DSP

// One column's requantization, read once for all the rows.
struct Column {
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
};

// `bias` is the folded bias, or q.bias (nullptr: none).
inline Column ColumnOf(const int32_t* bias, const GemmS8Output& q, int32_t c) {
  return Column{bias != nullptr ? bias[c] : 0, q.multiplier[c * q.step], q.shift[c * q.step]};
}

inline int8_t Out(int32_t sum, const Column& k, const GemmS8Output& q) {
  const int32_t scaled = Requantize(WrappingAdd(sum, k.bias), k.multiplier, k.shift);
  return Clamp<int8_t>(WrappingAdd(scaled, q.offset), q.act_min, q.act_max);
}

// Sums of kRows rows of `cols` columns, row r at sums + r * kGemmS8ColumnChunk,
// requantized to out (rows out_stride apart) with the columns of q (its bias
// included). A loop of its own, apart from the dot products: it keeps its
// values in registers and reads each column's scale once for all the rows.
template <int kRows>
[[gnu::noinline]] void FinishColumns(const int32_t* sums, int32_t cols, const GemmS8Output& output,
                                     int8_t* out, int32_t out_stride) {
  const GemmS8Output q = output;
  const int32_t* multiplier = q.multiplier;
  const int8_t* shift = q.shift;
  for (int32_t c = 0; c < cols; ++c, multiplier += q.step, shift += q.step) {
    const int32_t bias = q.bias != nullptr ? q.bias[c] : 0;
    const int32_t m = *multiplier;
    const int32_t e = *shift;
    int32_t x[kRows];
    for (int32_t r = 0; r < kRows; ++r) x[r] = WrappingAdd(sums[r * kGemmS8ColumnChunk + c], bias);
    // One test of the shift's sign for all the rows.
    // Left shifts (scales above 1/2) are rare: gcc would otherwise compute
    // both paths.
    if (__builtin_expect(e < 0, 1)) {
      const int32_t right = -e - 1;
      const int32_t nudge = 1 << right;
      for (int32_t r = 0; r < kRows; ++r) x[r] = RequantizeRightBy(x[r], m, nudge, right);
    } else {
      for (int32_t r = 0; r < kRows; ++r) x[r] = Requantize(x[r], m, e);
    }
    for (int32_t r = 0; r < kRows; ++r) {
      int32_t v = WrappingAdd(x[r], q.offset);
      v = v < q.act_min ? q.act_min : v;
      v = v > q.act_max ? q.act_max : v;
      out[r * out_stride + c] = static_cast<int8_t>(v);
    }
  }
}

// Columns in a chunk: at most kGemmS8ColumnChunk from `first` on.
inline int32_t ChunkColumns(int32_t cols, int32_t first) {
  return cols - first < kGemmS8ColumnChunk ? cols - first : kGemmS8ColumnChunk;
}

}  // namespace

// Columns outside, rows inside, both in pairs: each pair of columns reads its
// requantization once, and the dot products stay in separate functions so
// this loop keeps its values in registers.
void GemmS8Folded(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                  int32_t cols, int32_t depth, const int32_t* folded, const GemmS8Output& output,
                  int8_t* out, int32_t out_stride) {
  // A copy the int8 stores below cannot alias, so it stays in registers.
  const GemmS8Output q = output;
  int32_t c = 0;
  for (; c + 2 <= cols; c += 2) {
    const Column k0 = ColumnOf(folded, q, c);
    const Column k1 = ColumnOf(folded, q, c + 1);
    const int8_t* b = rhs + c * depth;
    const int8_t* a = lhs;
    int8_t* o = out + c;
    int32_t r = 0;
    for (; r + 2 <= rows; r += 2, a += 2 * lhs_stride, o += 2 * out_stride) {
      int32_t s[4];
      Dot2x2(a, lhs_stride, b, depth, s);
      o[0] = Out(s[0], k0, q);
      o[1] = Out(s[1], k1, q);
      o[out_stride] = Out(s[2], k0, q);
      o[out_stride + 1] = Out(s[3], k1, q);
    }
    if (r < rows) {
      int32_t s[2];
      Dot1x2(a, b, b + depth, depth, s);
      o[0] = Out(s[0], k0, q);
      o[1] = Out(s[1], k1, q);
    }
  }
  if (c < cols) {
    const Column k = ColumnOf(folded, q, c);
    for (int32_t r = 0; r < rows; ++r) {
      out[r * out_stride + c] = Out(Dot1x1(lhs + r * lhs_stride, rhs + c * depth, depth), k, q);
    }
  }
}

size_t GemmS8WidenedScratchBytes(int32_t depth) {
  if (depth % 4 != 0) return 0;
  const uint64_t bytes = uint64_t{4} * static_cast<uint64_t>(depth);
  // Beyond size_t, a size RequestScratch refuses.
  return bytes > SIZE_MAX ? SIZE_MAX : static_cast<size_t>(bytes);
}

// Rows in pairs outside (each pair widened once), columns in pairs inside, a
// chunk of columns at a time requantized together; the bias is not folded:
// the offset travels with the widened rows.
void GemmS8Widened(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                   int32_t cols, int32_t depth, const GemmS8Output& q, void* scratch, int8_t* out,
                   int32_t out_stride) {
  uint32_t* wide = static_cast<uint32_t*>(scratch);
  int32_t sums[2 * kGemmS8ColumnChunk];
  int32_t* const sums1 = sums + kGemmS8ColumnChunk;
  int32_t r = 0;
  for (; r + 2 <= rows; r += 2) {
    const int8_t* a0 = lhs + r * lhs_stride;
    WidenPair(a0, a0 + lhs_stride, depth, q.input_offset, wide);
    for (int32_t c0 = 0; c0 < cols; c0 += kGemmS8ColumnChunk) {
      const int32_t n = ChunkColumns(cols, c0);
      const int8_t* b = rhs + c0 * depth;
      const int32_t c = n & ~1;
      Dot2x2Wide(wide, b, depth, n >> 1, sums, sums1);
      b += c * depth;
      if (c < n) {
        for (int32_t i = 0; i < 2; ++i) {
          const int8_t* a = a0 + i * lhs_stride;
          int32_t sum = 0;
          for (int32_t j = 0; j < depth; ++j)
            sum = WrappingAdd(sum, (a[j] + q.input_offset) * b[j]);
          sums[i * kGemmS8ColumnChunk + c] = sum;
        }
      }
      FinishColumns<2>(sums, n, GemmS8Columns(q, c0), out + r * out_stride + c0, out_stride);
    }
  }
  if (r < rows) GemmS8Row(lhs + r * lhs_stride, rhs, cols, depth, q, out + r * out_stride);
}

#endif  // __ARM_FEATURE_MVE

GemmS8Output GemmS8Columns(const GemmS8Output& q, int32_t first) {
  GemmS8Output columns = q;
  if (columns.bias != nullptr) columns.bias += first;
  columns.multiplier += first * q.step;
  columns.shift += first * q.step;
  return columns;
}

void GemmS8FoldBias(const int8_t* rhs, int32_t cols, int32_t depth, int32_t input_offset,
                    const int32_t* bias, int32_t* folded) {
  for (int32_t c = 0; c < cols; ++c) {
    const int32_t sum = RowSum(rhs + c * depth, depth);
    const int32_t offset_part =
        static_cast<int32_t>(static_cast<uint32_t>(sum) * static_cast<uint32_t>(input_offset));
    folded[c] = WrappingAdd(offset_part, bias != nullptr ? bias[c] : 0);
  }
}

void GemmS8(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t cols,
            int32_t depth, const GemmS8Output& q, int8_t* out, int32_t out_stride) {
#if !defined(__ARM_FEATURE_MVE)
  if (rows == 1) {
    GemmS8Row(lhs, rhs, cols, depth, q, out);
    return;
  }
#endif
  int32_t folded[kGemmS8ColumnChunk];
  for (int32_t c0 = 0; c0 < cols; c0 += kGemmS8ColumnChunk) {
    const int32_t n = cols - c0 < kGemmS8ColumnChunk ? cols - c0 : kGemmS8ColumnChunk;
    const GemmS8Output chunk = GemmS8Columns(q, c0);
    const int8_t* chunk_rhs = rhs + c0 * depth;
    GemmS8FoldBias(chunk_rhs, n, depth, q.input_offset, chunk.bias, folded);
    GemmS8Folded(lhs, lhs_stride, rows, chunk_rhs, n, depth, folded, chunk, out + c0, out_stride);
  }
}

void GemmS8SingleRow(const int8_t* lhs, const int8_t* rhs, int32_t cols, int32_t depth,
                     const GemmS8Output& q, int8_t* out) {
#if defined(__ARM_FEATURE_MVE)
  if (depth <= kFewInputs) {
    GemmS8RowFewInputs(lhs, rhs, cols, depth, q, out);
    return;
  }
  if (q.input_offset >= -128 && q.input_offset <= 127) {
    GemmS8RowOffset<false>(lhs, rhs, cols, depth, q, out);
    return;
  }
  if (q.input_offset == 128) {
    GemmS8RowOffset<true>(lhs, rhs, cols, depth, q, out);
    return;
  }
#endif
  GemmS8(lhs, depth, 1, rhs, cols, depth, q, out, cols);
}

}  // namespace arm
}  // namespace microml
