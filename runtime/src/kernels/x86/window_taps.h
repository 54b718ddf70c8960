// The taps of one output pixel's window that fall inside the input, for the
// x86 float convolutions (CONV_2D, DEPTHWISE_CONV_2D): their params and
// shapes name the window's fields alike.
#ifndef MICROML_KERNELS_X86_WINDOW_TAPS_H_
#define MICROML_KERNELS_X86_WINDOW_TAPS_H_

#if defined(__x86_64__)

#include <stddef.h>
#include <stdint.h>

namespace microml {
namespace x86 {

// Filter rows [fy0, fy1) and columns [fx0, fx1); `base` indexes the window's
// (batch, y0, x0) input, possibly outside the tensor.
struct WindowTaps {
  int32_t fy0, fy1, fx0, fx1;
  ptrdiff_t base;
};

template <typename Params, typename Shape>
WindowTaps TapsAt(const Params& d, const Shape& s, int32_t b, int32_t oy, int32_t ox) {
  const int32_t y0 = oy * d.stride_h - d.pad_h;
  const int32_t x0 = ox * d.stride_w - d.pad_w;
  WindowTaps t = {0, 0, 0, 0, 0};
  // Taps fy with 0 <= y0 + dilation * fy < in_h: a range, as dilation > 0.
  while (t.fy0 < s.f_h && y0 + d.dilation_h * t.fy0 < 0) ++t.fy0;
  t.fy1 = t.fy0;
  while (t.fy1 < s.f_h && y0 + d.dilation_h * t.fy1 < s.in_h) ++t.fy1;
  while (t.fx0 < s.f_w && x0 + d.dilation_w * t.fx0 < 0) ++t.fx0;
  t.fx1 = t.fx0;
  while (t.fx1 < s.f_w && x0 + d.dilation_w * t.fx1 < s.in_w) ++t.fx1;
  t.base =
      (static_cast<ptrdiff_t>(b) * s.in_h * s.in_w + static_cast<ptrdiff_t>(y0) * s.in_w + x0) *
      s.in_c;
  return t;
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_WINDOW_TAPS_H_
