// Window walking and requantization shared by the int8 DEPTHWISE_CONV_2D
// paths: arm/depthwise_conv2d.cc (dispatch, one channel at a time),
// arm/depthwise_dsp.cc (Armv7E-M DSP) and arm/depthwise_helium.cc (Helium).
#ifndef MICROML_KERNELS_ARM_DEPTHWISE_WINDOW_H_
#define MICROML_KERNELS_ARM_DEPTHWISE_WINDOW_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/prepare/depthwise_conv2d.h"
#include "kernels/quantization.h"

namespace microml {
namespace arm {
namespace depthwise {

// The taps of one output pixel that read the input: rows x cols of them.
struct Window {
  const int8_t* in;   // input at the first valid tap (the group's first channel)
  const int8_t* w;    // filter at the first valid tap (the group's first channel)
  int32_t first_tap;  // fy * filter width + fx of the first valid tap
  int32_t rows;
  int32_t cols;
  int32_t in_row_step;  // elements between vertically adjacent taps
  int32_t in_col_step;
  int32_t w_row_step;
  int32_t w_col_step;
};

// Taps [*first, *end) of one axis whose input index start + tap * dilation
// lies in [0, size). Prepare bounds |start| by 2^30, so the distances below
// fit 32 unsigned bits (a 64-bit division would be a library call).
inline void ValidTaps(int32_t start, int32_t dilation, int32_t size, int32_t filter, int32_t* first,
                      int32_t* end) {
  const uint32_t step = static_cast<uint32_t>(dilation);
  const uint32_t lo = start >= 0 ? 0 : (static_cast<uint32_t>(-start) - 1) / step + 1;
  const uint32_t hi =
      start >= size ? 0
                    : (static_cast<uint32_t>(size - 1) - static_cast<uint32_t>(start)) / step + 1;
  const uint32_t taps = static_cast<uint32_t>(filter);
  const uint32_t f = lo < taps ? lo : taps;
  const uint32_t e = hi < taps ? hi : taps;
  *first = static_cast<int32_t>(f);
  *end = static_cast<int32_t>(e > f ? e : f);
}

// Elements between taps `dilation` apart along an axis of `size` positions
// each `stride` elements long; 0 when no window can hold two taps, which
// keeps the product in range.
inline int32_t TapStep(int32_t dilation, int32_t size, int32_t stride) {
  return dilation < size ? dilation * stride : 0;
}

// Bias of the pixels whose window lies inside the input.
inline int32_t FoldOffset(int32_t bias, uint32_t weight_sum, int32_t input_offset) {
  return static_cast<int32_t>(static_cast<uint32_t>(bias) +
                              weight_sum * static_cast<uint32_t>(input_offset));
}

// One output channel's MultiplyByQuantizedMultiplier parameters, with what
// depends on the channel alone worked out once per group of channels.
// multiplier, half and post, consecutive, are what arm/depthwise_dsp.cc's
// QuantizeGroup loads.
struct ChannelQuant {
  int64_t round;  // added to the product, see Quantize
  int32_t multiplier;
  int32_t half;   // 2^(right - 1) when right > 0
  int32_t post;   // right - 1 when right > 0
  int32_t left;   // shift applied before the multiply
  int32_t right;  // rounding shift applied after it
};

// Output zero point and clamp, copied out of the params so that the int8
// stores (which may alias anything) do not force them to be reloaded.
struct OutputRange {
  int32_t offset;
  int32_t lo;
  int32_t hi;
};

inline ChannelQuant ChannelQuantOf(const DepthwiseParams& d, int32_t channel) {
  const int32_t k = channel * d.scales.step;
  const int32_t shift = d.scales.shift[k];
  ChannelQuant q;
  q.multiplier = d.scales.multiplier[k];
  q.left = shift > 0 ? shift : 0;
  q.right = shift > 0 ? 0 : -shift;
  q.round = (int64_t{1} << 30) + (q.right > 0 ? int64_t{1} << (30 + q.right) : 0);
  q.half = q.right > 0 ? 1 << (q.right - 1) : 0;
  q.post = q.right > 0 ? q.right - 1 : 0;
  return q;
}

// Scale is MultiplyByQuantizedMultiplier (with a multiplier from
// QuantizeMultiplier: 0, or at least 2^30 when there is a right shift r),
// Quantize adds the output offset and clamps. With P the product, the doubling high multiply is
// h = floor((P + 2^30) / 2^31) (see arm/requantize.h) and the rounding
// division floor((h + 2^(r-1) - [h < 0]) / 2^r); the two floors merge into
// floor((P + 2^30 + 2^(30+r) - [h < 0] 2^31) / 2^(31+r)), one 64-bit sum whose
// top word shifted by r - 1 is the result. h < 0 is P < -2^30; using x < 0
// instead differs only at P = -2^30 (x = -1, multiplier 2^30), where both
// sums give 0.
inline int32_t Scale(const ChannelQuant& q, int32_t acc) {
#if defined(__ARM_FEATURE_DSP) && !defined(__ARM_FEATURE_MVE)
  if (q.right != 0) {
    // The same sum as below, built as in arm/requantize.h's Requantize: the
    // product plus 2^30 by SMLAL, then c = 2^(r-1) - [h < 0] (h's sign is the
    // top word's) added times 2^31, in 4 instructions where gcc needs 10.
    uint32_t lo = 1u << 30;
    int32_t hi = 0;
    int32_t c;
    __asm__(
        "smlal %[lo], %[hi], %[x], %[m]\n"
        "add %[c], %[half], %[hi], asr #31\n"
        "adds %[lo], %[lo], %[c], lsl #31\n"
        "adc %[hi], %[hi], %[c], lsr #1\n"
        : [lo] "+&r"(lo), [hi] "+&r"(hi), [c] "=&r"(c)
        : [x] "r"(acc), [m] "r"(q.multiplier), [half] "r"(q.half)
        : "cc");
    return hi >> q.post;
  }
#endif
  const int32_t x = static_cast<int32_t>(static_cast<uint32_t>(acc) << q.left);
  const int64_t product = static_cast<int64_t>(x) * q.multiplier + q.round;
  if (q.right == 0) return static_cast<int32_t>(product >> 31);
  const int64_t sum = x < 0 ? product - (int64_t{1} << 31) : product;
  return static_cast<int32_t>(sum >> 32) >> q.post;
}

inline int8_t Quantize(const ChannelQuant& q, const OutputRange& range, int32_t acc) {
  return Clamp<int8_t>(WrappingAdd(Scale(q, acc), range.offset), range.lo, range.hi);
}

// Calls pixel(window, interior, out) for every output pixel of one group of
// channels: `input`, `filter` and `output` point at the group's first input,
// filter and output channel; interior says whether every tap is inside. With
// kPairs, two horizontally adjacent interior pixels go to pair(window of the
// first, out of the first) instead.
template <bool kPairs, typename F, typename G>
void WalkPixels(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                const int8_t* filter, int8_t* output, F&& pixel, G&& pair) {
  Window win;
  win.in_row_step = TapStep(d.dilation_h, s.in_h, s.in_w * s.in_c);
  win.in_col_step = TapStep(d.dilation_w, s.in_w, s.in_c);
  win.w_row_step = s.f_w * s.out_c;
  win.w_col_step = s.out_c;
  // Prepare bounds x0 + last_tap_x within 2^30, for every output pixel.
  const int32_t last_tap_x = (s.f_w - 1) * d.dilation_w;
  int8_t* out = output;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* image = input + b * s.in_h * s.in_w * s.in_c;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int32_t y0 = oy * d.stride_h - d.pad_h;
      int32_t fy0 = 0;
      int32_t fy1 = 0;
      ValidTaps(y0, d.dilation_h, s.in_h, s.f_h, &fy0, &fy1);
      win.rows = fy1 - fy0;
      for (int32_t ox = 0; ox < s.out_w;) {
        const int32_t x0 = ox * d.stride_w - d.pad_w;
        int32_t fx0 = 0;
        int32_t fx1 = s.f_w;
        const bool inside = x0 >= 0 && x0 + last_tap_x < s.in_w;
        if (!inside) ValidTaps(x0, d.dilation_w, s.in_w, s.f_w, &fx0, &fx1);
        win.cols = fx1 - fx0;
        // A window without taps (all padding) reads nothing.
        const bool empty = win.rows == 0 || win.cols == 0;
        const int32_t iy = empty ? 0 : y0 + fy0 * d.dilation_h;
        const int32_t ix = empty ? 0 : x0 + fx0 * d.dilation_w;
        win.in = image + (iy * s.in_w + ix) * s.in_c;
        win.first_tap = fy0 * s.f_w + fx0;
        win.w = filter + win.first_tap * s.out_c;
        const bool interior = inside && win.rows == s.f_h;
        if constexpr (kPairs) {
          if (interior && ox + 1 < s.out_w && x0 + d.stride_w + last_tap_x < s.in_w) {
            pair(win, out);
            ox += 2;
            out += 2 * s.out_c;
            continue;
          }
        }
        pixel(win, interior, out);
        ++ox;
        out += s.out_c;
      }
    }
  }
}

template <typename F>
void ForEachPixel(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                  const int8_t* filter, int8_t* output, F&& pixel) {
  WalkPixels<false>(d, s, input, filter, output, pixel, pixel);
}

// One channel's sum over the window (inputs plus `offset` when kOffset).
template <bool kOffset>
int32_t AccumulateChannel(const Window& win, int32_t acc, int32_t offset) {
  const int8_t* in = win.in;
  const int8_t* w = win.w;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    const int8_t* f = w;
    for (int32_t c = 0; c < win.cols; ++c) {
      const int32_t value = kOffset ? *x + offset : *x;
      acc = WrappingAdd(acc, *f * value);
      x += win.in_col_step;
      f += win.w_col_step;
    }
    in += win.in_row_step;
    w += win.w_row_step;
  }
  return acc;
}

// Output channels [first, end) one at a time, any depth multiplier.
void ChannelsScalar(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                    const int8_t* filter, const int32_t* bias, int8_t* output, int32_t first,
                    int32_t end);

// The Helium and DSP computes (each built only for its target): every output
// channel when they return true, nothing when the depth multiplier is one
// they leave to ChannelsScalar. RunHelium's scratch holds
// HeliumScratchBytes.
size_t HeliumScratchBytes(const DepthwiseParams& d, const DepthwiseShape& s);
bool RunHelium(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
               const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output);
bool RunDsp(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
            const int8_t* filter, const int32_t* bias, int8_t* output);

}  // namespace depthwise
}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_DEPTHWISE_WINDOW_H_
