#include "kernels/x86/depthwise_gemm.h"

#if defined(__x86_64__)

#include <stddef.h>

#include "kernels/arm/conv2d.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/gemm_s8.h"
#include "kernels/x86/im2col.h"

namespace microml {
namespace x86 {
namespace {

// Output pixels per GEMM call (kDepthwiseSingleChannelPixels): their im2col
// rows are copied before any of them is written.
constexpr int32_t kPixels = kDepthwiseSingleChannelPixels;
// Bounds of the stack copies: the transposed filter, its VNNI packing, the
// folded bias and kPixels im2col rows.
constexpr int32_t kMaxFilterBytes = 4096;
constexpr int32_t kMaxTaps = 256;
constexpr int32_t kMaxChannels = 256;
constexpr size_t kMaxPackedBytes = 8192;

}  // namespace

bool DepthwiseSingleChannelTakes(const DepthwiseShape& s) {
  const int32_t taps = s.f_h * s.f_w;
  return s.in_c == 1 && ActiveLevel() != Level::kPortable && taps <= kMaxTaps &&
         s.out_c <= kMaxChannels && taps * s.out_c <= kMaxFilterBytes;
}

bool DepthwiseSingleChannel(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, int8_t* output) {
  if (!DepthwiseSingleChannelTakes(s)) return false;
  const int32_t taps = s.f_h * s.f_w;
  alignas(64) int8_t transposed[kMaxFilterBytes];
  for (int32_t c = 0; c < s.out_c; ++c) {
    for (int32_t k = 0; k < taps; ++k) transposed[c * taps + k] = filter[k * s.out_c + c];
  }
  Conv2DParams p;
  static_cast<conv::QuantParams&>(p) = d;
  p.stride_h = d.stride_h;
  p.stride_w = d.stride_w;
  p.dilation_h = d.dilation_h;
  p.dilation_w = d.dilation_w;
  p.pad_h = d.pad_h;
  p.pad_w = d.pad_w;
  p.kind = Conv2DKind::kInt8;
  const Conv2DShape cs{s.batches, s.in_h, s.in_w, 1, s.f_h, s.f_w, 1, s.out_h, s.out_w, s.out_c};
  const arm::GemmS8Output q = arm::GemmS8OutputOf(p, bias);
  alignas(64) int8_t packed_filter[kMaxPackedBytes];
  int32_t folded_bias[kMaxChannels];
  const int8_t* packed = nullptr;
  const int32_t* folded = nullptr;
  if (ActiveLevel() == Level::kAvx512Vnni) {
    if (PackedVnniBytes(s.out_c, taps) <= kMaxPackedBytes) {
      PackVnni(transposed, s.out_c, taps, packed_filter);
      packed = packed_filter;
    }
    FoldVnni(transposed, s.out_c, taps, d.input_offset, bias, folded_bias);
    folded = folded_bias;
  }
  // Padding taps read the input zero point, which the offset makes 0: the
  // reference's skipped taps.
  const int8_t pad_value = static_cast<int8_t>(-d.input_offset);
  alignas(64) int8_t rows[kPixels * kMaxTaps];
  int32_t pending = 0;
  int8_t* out = output;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* image = input + b * s.in_h * s.in_w;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        FillIm2colRow(p, cs, image, oy, ox, pad_value, rows + pending * taps, rows + sizeof(rows));
        if (++pending == kPixels) {
          GemmS8(rows, taps, pending, transposed, s.out_c, taps, q, out, s.out_c, packed, folded);
          out += pending * s.out_c;
          pending = 0;
        }
      }
    }
  }
  if (pending > 0) {
    GemmS8(rows, taps, pending, transposed, s.out_c, taps, q, out, s.out_c, packed, folded);
  }
  return true;
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
