// CONV_2D on x86-64: int8 on x86::GemmS8 (1x1 filters directly on the input,
// others a few im2col rows at a time) at the SSE4.1 level and above; the
// portable level is arm::Conv2DInt8, every other type the reference. At the
// VNNI level x86/conv_vnni.h takes the shapes it covers; for the rest a
// filter of up to kMaxPackedBytes is packed (PackVnni) once per invocation,
// for all the output pixels.
#if defined(__x86_64__)

#include "kernels/arm/conv2d.h"

#include <stddef.h>
#include <stdint.h>

#include "kernels/x86/conv2d_float.h"
#include "kernels/x86/conv_vnni.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/gemm_s8.h"
#include "kernels/x86/im2col.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {
namespace {

// Packing pays off for short rows (few lanes of the unpacked dot products
// used) over many output pixels. The packed copy lives on the stack, so the
// arena stays exactly the arm/ twin's (which the arena tests compare with
// TFLM's); the bound keeps the stack use small.
constexpr size_t kMaxPackedBytes = 16384;
constexpr int32_t kMinPackedPixels = 16;
// Output channels whose folded bias (FoldVnni) is worked out once per
// invocation, on the stack, rather than per GEMM call.
constexpr int32_t kMaxFoldedColumns = 1024;

// Bytes of packed weights (0: not packed).
size_t PackedBytes(const Conv2DShape& s) {
  if (ActiveLevel() != Level::kAvx512Vnni || s.out_h * s.out_w < kMinPackedPixels) return 0;
  const size_t bytes = PackedVnniBytes(s.out_c, s.f_h * s.f_w * s.in_c);
  return bytes <= kMaxPackedBytes ? bytes : 0;
}

// The im2col rows of as many output pixels as the scratch (the arm/ twin's
// request, at least 4 rows) holds per GEMM call.
void Im2col(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input, const int8_t* filter,
            const int8_t* packed, const int32_t* folded, const arm::GemmS8Output& q,
            int8_t* scratch, int8_t* output) {
  const int32_t depth = s.f_h * s.f_w * s.in_c;
  const int32_t rows = static_cast<int32_t>(arm::Conv2DInt8ScratchBytes(d, s) / depth);
  const int8_t pad_value = static_cast<int8_t>(-d.input_offset);
  int32_t pending = 0;
  int8_t* out = output;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* image = input + b * s.in_h * s.in_w * s.in_c;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        x86::FillIm2colRow(d, s, image, oy, ox, pad_value, scratch + pending * depth,
                           scratch + rows * depth);
        if (++pending == rows) {
          x86::GemmS8(scratch, depth, pending, filter, s.out_c, depth, q, out, s.out_c, packed,
                      folded);
          out += pending * s.out_c;
          pending = 0;
        }
      }
    }
  }
  if (pending > 0) {
    x86::GemmS8(scratch, depth, pending, filter, s.out_c, depth, q, out, s.out_c, packed, folded);
  }
}

// A 1x1 filter's rows read in place, at most kContractPixels per GEMM call:
// GemmS8 takes its columns a chunk at a time over all its rows, so over more
// pixels it would read inputs of pixels whose outputs (planned over them, see
// WindowOverlap) are already written. GemmS8 works kGemmRowBlock rows at a
// time in any case.
constexpr int32_t kContractPixels = kGemmRowBlock;

void Direct1x1(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* filter,
               const Conv2DShape& s, const arm::GemmS8Output& q, const int8_t* packed,
               const int32_t* folded, int8_t* out) {
  for (int32_t r = 0; r < rows; r += kContractPixels) {
    const int32_t n = rows - r < kContractPixels ? rows - r : kContractPixels;
    x86::GemmS8(lhs + r * lhs_stride, lhs_stride, n, filter, s.out_c, s.in_c, q, out + r * s.out_c,
                s.out_c, packed, folded);
  }
}

void Conv2DInt8(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output) {
  if (ActiveLevel() == Level::kPortable) {
    arm::Conv2DInt8(d, s, input, filter, bias, scratch, output);
    return;
  }
  if (!arm::Conv2DInt8Covers(s)) {
    reference::Conv2DInt8(d, s, input, filter, bias, output);
    return;
  }
  if (ActiveLevel() == Level::kAvx512Vnni &&
      Conv2DVnni(d, s, input, filter, bias, scratch, output)) {
    return;
  }
  const arm::GemmS8Output q = arm::GemmS8OutputOf(d, bias);
  alignas(64) int8_t packed_filter[kMaxPackedBytes];
  const int8_t* packed = nullptr;
  if (PackedBytes(s) > 0) {
    PackVnni(filter, s.out_c, s.f_h * s.f_w * s.in_c, packed_filter);
    packed = packed_filter;
  }
  int32_t folded_bias[kMaxFoldedColumns];
  const int32_t* folded = nullptr;
  if (ActiveLevel() == Level::kAvx512Vnni && s.out_c <= kMaxFoldedColumns) {
    FoldVnni(filter, s.out_c, s.f_h * s.f_w * s.in_c, d.input_offset, bias, folded_bias);
    folded = folded_bias;
  }
  if (!arm::Conv2DIsDirect1x1(d, s)) {
    Im2col(d, s, input, filter, packed, folded, q, scratch, output);
    return;
  }
  if (d.stride_h == 1 && d.stride_w == 1) {
    Direct1x1(input, s.in_c, s.batches * s.out_h * s.out_w, filter, s, q, packed, folded, output);
    return;
  }
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int8_t* lhs = input + ((b * s.in_h + oy * d.stride_h) * s.in_w) * s.in_c;
      int8_t* out = output + ((b * s.out_h + oy) * s.out_w) * s.out_c;
      Direct1x1(lhs, d.stride_w * s.in_c, s.out_w, filter, s, q, packed, folded, out);
    }
  }
}

// Conv2DInt8's output pixels in flight: the im2col rows of one GEMM call, or
// kContractPixels pixels of a 1x1 filter read in place. Conv2DVnni, which
// may take the shape at the VNNI level (depending on its scales, unknown when
// the arena is planned), works 4 pixels at a time and stores a row's last 16
// columns whole, up to 15 bytes into the next pixels' outputs.
int32_t Conv2DInt8Pixels(const Conv2DParams& d, const Conv2DShape& s) {
  if (ActiveLevel() == Level::kPortable) return arm::Conv2DInt8Pixels(d, s);
  if (!arm::Conv2DInt8Covers(s)) return 1;
  int32_t pixels = kContractPixels;
  if (!arm::Conv2DIsDirect1x1(d, s)) {
    pixels = static_cast<int32_t>(arm::Conv2DInt8ScratchBytes(d, s) / (s.f_h * s.f_w * s.in_c));
  }
  if (ActiveLevel() == Level::kAvx512Vnni) {
    const int32_t spill = s.out_c % 16 == 0 ? 0 : (15 + s.out_c - 1) / s.out_c;
    if (4 + spill > pixels) pixels = 4 + spill;
  }
  return pixels;
}

void Conv2DFloat(const Conv2DParams& d, const Conv2DShape& s, const float* input,
                 const float* filter, const float* bias, float* output) {
  Conv2DFloatAt(ActiveLevel(), d, s, input, filter, bias, output);
}

Status Eval(OpContext& ctx) {
  return arm::EvalConv2DOptimized(ctx, &Conv2DInt8, &Conv2DFloat);
}

bool Overlap(OpContext& ctx, WindowOverlap* out) {
  return arm::Conv2DOverlapWith(ctx, out, &Conv2DInt8Pixels);
}

}  // namespace
}  // namespace x86

// The arm/ twin's prepare at every level: its scratch holds the im2col rows.
const KernelRegistration kRegisterConv2DX86 = {static_cast<int32_t>(BuiltinOp::kCONV_2D),
                                               nullptr,
                                               8,
                                               arm::PrepareConv2DOptimized,
                                               x86::Eval,
                                               nullptr,
                                               "float32 int8 int8_int4 int16 int16_b32",
                                               0,
                                               x86::Overlap,
                                               arm::Conv2DRowWindowOpt};

}  // namespace microml

#endif  // __x86_64__
