// DEPTHWISE_CONV_2D on x86-64. int8 with depth multiplier 1 at the AVX2 level
// and above: every output pixel in turn (arm/depthwise_window.h; the overlap
// contract) takes all its groups of 16 channels (then of 8, the last one
// overlapping the one before), each tap
// widening 16 inputs to 16 bits with the input offset added
// (|x + offset| <= 255) and multiplying them by the 16 weights in 16 bits
// (|product| <= 255 * 128 fits), then adding the products into two vectors of
// eight int32 sums with wrapping VPADDD, the reference's sums modulo 2^32.
// With a depth multiplier above 1 the group's inputs are gathered from the
// channels it reads by a byte shuffle. A single input channel is a CONV_2D
// (x86/depthwise_gemm.h) above the portable level. Fewer than 8 channels and
// the SSE4.1 level take the arm/ portable compute; every other type the
// reference.
#if defined(__x86_64__)

#include "kernels/x86/depthwise_conv2d.h"

#include <immintrin.h>
#include <stdint.h>

#include "kernels/arm/depthwise_conv2d.h"
#include "kernels/arm/depthwise_window.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/depthwise_float.h"
#include "kernels/x86/depthwise_gemm.h"
#include "kernels/x86/requantize.h"
#include "kernels/x86/requantize512.h"
#include "kernels/x86/target.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {
namespace {

constexpr int32_t kGroup = 16;

// One group's bias and requantization, per channel.
struct Group {
  int32_t bias[kGroup];
  int32_t multiplier[kGroup];
  int32_t shift[kGroup];
  int32_t input_offset;
  int32_t output_offset;
  int32_t lo;
  int32_t hi;
  // Depth multiplier m > 1: channel first + i reads input channel
  // (first + i) / m, byte select[i] of the `span` input channels from
  // first / m on (read with one 16-byte load when `whole`: all 16 bytes
  // lie within the pixel).
  alignas(16) int8_t select[kGroup];
  int32_t span;
  bool whole;
  // The group's first output channel, first input channel and width (8 or
  // 16).
  int32_t first;
  int32_t base;
  int32_t width;
  // Whether every shift is a right shift of 1 to 31; then e - 1 and 2^(e - 1)
  // for a right shift by e, for RequantizeRight16.
  bool right;
  int32_t post[kGroup];
  int32_t half[kGroup];
};

// The group's 16 (or 8) input values of one tap, each channel's own.
template <bool kShared>
MICROML_TARGET_AVX2 inline __m128i LoadInputs(const int8_t* x, const Group& g) {
  if constexpr (!kShared) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(x));
  } else {
    __m128i raw;
    if (g.whole) {
      raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x));
    } else if (g.span == 1) {
      return _mm_set1_epi8(*x);
    } else {
      // A loop, not memcpy: a call per tap for a few bytes.
      alignas(16) int8_t bytes[kGroup] = {};
      for (int32_t i = 0; i < g.span; ++i) bytes[i] = x[i];
      raw = _mm_load_si128(reinterpret_cast<const __m128i*>(bytes));
    }
    return _mm_shuffle_epi8(raw, _mm_load_si128(reinterpret_cast<const __m128i*>(g.select)));
  }
}

MICROML_TARGET_AVX2 inline __m256i Load8(const int32_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

template <int kWidth, bool kShared>
MICROML_TARGET_AVX2 void Pixel(const arm::depthwise::Window& win, const Group& g, int8_t* out) {
  static_assert(kWidth == 8 || kWidth == 16, "a group is 8 or 16 channels");
  const __m256i offset = _mm256_set1_epi16(static_cast<int16_t>(g.input_offset));
  __m256i lo = Load8(g.bias);
  __m256i hi = kWidth == 16 ? Load8(g.bias + 8) : _mm256_setzero_si256();
  const int8_t* in = win.in;
  const int8_t* w = win.w;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    const int8_t* f = w;
    for (int32_t c = 0; c < win.cols; ++c) {
      if constexpr (kWidth == 16) {
        const __m256i xv =
            _mm256_add_epi16(_mm256_cvtepi8_epi16(LoadInputs<kShared>(x, g)), offset);
        const __m256i wv =
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(f)));
        const __m256i p = _mm256_mullo_epi16(xv, wv);
        lo = _mm256_add_epi32(lo, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(p)));
        hi = _mm256_add_epi32(hi, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(p, 1)));
      } else {
        const __m128i inputs =
            kShared ? LoadInputs<true>(x, g) : _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x));
        const __m128i xv = _mm_add_epi16(_mm_cvtepi8_epi16(inputs), _mm256_castsi256_si128(offset));
        const __m128i wv = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(f)));
        lo = _mm256_add_epi32(lo, _mm256_cvtepi16_epi32(_mm_mullo_epi16(xv, wv)));
      }
      x += win.in_col_step;
      f += win.w_col_step;
    }
    in += win.in_row_step;
    w += win.w_row_step;
  }
  Finish8(lo, Load8(g.multiplier), Load8(g.shift), g.output_offset, g.lo, g.hi, out);
  if constexpr (kWidth == 16) {
    Finish8(hi, Load8(g.multiplier + 8), Load8(g.shift + 8), g.output_offset, g.lo, g.hi, out + 8);
  }
}

// Some unmasked intrinsics of gcc 12's avx512fintrin.h start from a
// self-initialized value that -Wuninitialized reports once inlined; their
// zero-masked forms with every lane selected are the same instructions.
constexpr __mmask16 kAll16 = 0xFFFF;
constexpr __mmask8 kAll8 = 0xFF;

// Pixel<16, false> at the VNNI level: the 16 inputs and weights of a tap
// widened straight to 32 bits on 512-bit vectors (VPMULLD), half the
// instructions of the 16-bit products widened afterwards.
MICROML_TARGET_VNNI void Pixel16Vnni(const arm::depthwise::Window& win, const Group& g,
                                     int8_t* out) {
  const __m512i offset = _mm512_set1_epi32(g.input_offset);
  __m512i acc = _mm512_loadu_si512(g.bias);
  const int8_t* in = win.in;
  const int8_t* w = win.w;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    const int8_t* f = w;
    for (int32_t c = 0; c < win.cols; ++c) {
      const __m512i xv = _mm512_add_epi32(
          _mm512_maskz_cvtepi8_epi32(kAll16, _mm_loadu_si128(reinterpret_cast<const __m128i*>(x))),
          offset);
      const __m512i wv =
          _mm512_maskz_cvtepi8_epi32(kAll16, _mm_loadu_si128(reinterpret_cast<const __m128i*>(f)));
      acc = _mm512_add_epi32(acc, _mm512_maskz_mullo_epi32(kAll16, xv, wv));
      x += win.in_col_step;
      f += win.w_col_step;
    }
    in += win.in_row_step;
    w += win.w_row_step;
  }
  if (g.right) {
    __m512i v = RequantizeRight16(acc, _mm512_loadu_si512(g.multiplier), _mm512_loadu_si512(g.post),
                                  _mm512_loadu_si512(g.half));
    v = _mm512_add_epi32(v, _mm512_set1_epi32(g.output_offset));
    v = _mm512_maskz_min_epi32(kAll16, _mm512_maskz_max_epi32(kAll16, v, _mm512_set1_epi32(g.lo)),
                               _mm512_set1_epi32(g.hi));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_maskz_cvtsepi32_epi8(kAll16, v));
    return;
  }
  Finish8(_mm512_maskz_extracti64x4_epi64(kAll8, acc, 0), Load8(g.multiplier), Load8(g.shift),
          g.output_offset, g.lo, g.hi, out);
  Finish8(_mm512_maskz_extracti64x4_epi64(kAll8, acc, 1), Load8(g.multiplier + 8),
          Load8(g.shift + 8), g.output_offset, g.lo, g.hi, out + 8);
}

// Channel groups per call: their parameters live on the stack.
constexpr int32_t kMaxGroups = 32;

// Every group of every output pixel, the pixels in order and all groups of a
// pixel before the next: the overlap contract (notes/overlap_contract.md).
template <bool kShared, bool kVnni>
void Walk(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
          const int8_t* filter, int8_t* output, const Group* groups, int32_t count) {
  arm::depthwise::ForEachPixel(
      d, s, input, filter, output,
      [groups, count](const arm::depthwise::Window& win, bool, int8_t* out) {
        for (int32_t i = 0; i < count; ++i) {
          const Group& g = groups[i];
          arm::depthwise::Window w = win;
          w.in += g.base;
          w.w += g.first;
          if (g.width != kGroup) {
            Pixel<8, kShared>(w, g, out + g.first);
          } else if constexpr (kVnni && !kShared) {
            Pixel16Vnni(w, g, out + g.first);
          } else {
            Pixel<16, kShared>(w, g, out + g.first);
          }
        }
      });
}

}  // namespace

void DepthwiseInt8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                   const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output) {
  if (DepthwiseSingleChannel(d, s, input, filter, bias, output)) return;
  if (ActiveLevel() < Level::kAvx2 || s.out_c < 8 || s.out_c > kMaxGroups * kGroup) {
    arm::DepthwiseConv2DInt8(d, s, input, filter, bias, scratch, output);
    return;
  }
  Group groups[kMaxGroups];
  int32_t count = 0;
  for (int32_t done = 0; done < s.out_c; ++count) {
    const int32_t width = s.out_c - done >= kGroup ? kGroup : 8;
    // A last group of fewer than 8 channels overlaps the previous one,
    // recomputing equal outputs.
    const int32_t first = s.out_c - done >= width ? done : s.out_c - width;
    Group& g = groups[count];
    for (int32_t i = 0; i < width; ++i) {
      const int32_t k = (first + i) * d.scales.step;
      g.bias[i] = bias != nullptr ? bias[first + i] : 0;
      g.multiplier[i] = d.scales.multiplier[k];
      g.shift[i] = d.scales.shift[k];
    }
    g.input_offset = d.input_offset;
    g.output_offset = d.output_offset;
    g.lo = d.act_min;
    g.hi = d.act_max;
    const int32_t m = d.multiplier;
    const int32_t base = first / m;
    for (int32_t i = 0; i < kGroup; ++i) {
      g.select[i] = static_cast<int8_t>(i < width ? (first + i) / m - base : 0);
    }
    g.span = (first + width - 1) / m - base + 1;
    g.whole = base + kGroup <= s.in_c;
    g.first = first;
    g.base = base;
    g.width = width;
    g.right = true;
    for (int32_t i = 0; i < kGroup; ++i) {
      const int32_t shift = i < width ? g.shift[i] : -1;
      g.right = g.right && shift <= -1 && shift >= -31;
      g.post[i] = g.right ? -1 - shift : 0;
      g.half[i] = 1 << g.post[i];
    }
    done = first + width;
  }
  if (d.multiplier != 1) {
    Walk<true, false>(d, s, input, filter, output, groups, count);
  } else if (ActiveLevel() == Level::kAvx512Vnni) {
    Walk<false, true>(d, s, input, filter, output, groups, count);
  } else {
    Walk<false, false>(d, s, input, filter, output, groups, count);
  }
}

void DepthwiseFloat(const DepthwiseParams& d, const DepthwiseShape& s, const float* input,
                    const float* filter, const float* bias, float* output) {
  DepthwiseConv2DFloatAt(ActiveLevel(), d, s, input, filter, bias, output);
}

namespace {

Status Eval(OpContext& ctx) {
  return arm::EvalDepthwiseConv2DOptimized(ctx, &DepthwiseInt8, &DepthwiseFloat);
}

// DepthwiseInt8's walk: DepthwiseSingleChannel's GEMM over the copied
// windows of a few pixels; pixel by pixel, all channel groups of a pixel
// before the next, from 8 to kMaxGroups * kGroup channels at AVX2 and above;
// else arm::DepthwiseConv2DInt8's.
arm::DepthwiseWalk WalkOrder(const DepthwiseParams& d, const DepthwiseShape& s, int32_t* pixels) {
  if (DepthwiseSingleChannelTakes(s)) {
    *pixels = kDepthwiseSingleChannelPixels;
    return arm::DepthwiseWalk::kPixels;
  }
  if (ActiveLevel() < Level::kAvx2 || s.out_c < 8 || s.out_c > kMaxGroups * kGroup) {
    return arm::DepthwiseInt8Walk(d, s, pixels);
  }
  *pixels = 1;
  return arm::DepthwiseWalk::kPixels;
}

bool Overlap(OpContext& ctx, WindowOverlap* out) {
  return arm::DepthwiseOverlapWith(ctx, out, &WalkOrder);
}

}  // namespace
}  // namespace x86

const KernelRegistration kRegisterDepthwiseConv2DX86 = {
    static_cast<int32_t>(BuiltinOp::kDEPTHWISE_CONV_2D),
    nullptr,
    7,
    arm::PrepareDepthwiseConv2DOptimized,
    x86::Eval,
    nullptr,
    "float32 int8 int8_int4 int16",
    0,
    x86::Overlap,
    arm::DepthwiseRowWindowOpt};

}  // namespace microml

#endif  // __x86_64__
