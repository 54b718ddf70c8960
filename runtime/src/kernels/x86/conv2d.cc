// CONV_2D on x86-64: int8 on x86::GemmS8 (1x1 filters directly on the input,
// others a few im2col rows at a time) at the SSE4.1 level and above; the
// portable level is arm::Conv2DInt8, every other type the reference. At the
// VNNI level a filter of up to kMaxPackedBytes is packed (PackVnni) once per
// invocation, for all the output pixels.
#if defined(__x86_64__)

#include "kernels/arm/conv2d.h"

#include <stddef.h>
#include <stdint.h>

#include "kernels/x86/conv2d_float.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/gemm_s8.h"
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
        arm::FillIm2colRow(d, s, image, oy, ox, pad_value, scratch + pending * depth);
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
    x86::GemmS8(input, s.in_c, s.batches * s.out_h * s.out_w, filter, s.out_c, s.in_c, q, output,
                s.out_c, packed, folded);
    return;
  }
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int8_t* lhs = input + ((b * s.in_h + oy * d.stride_h) * s.in_w) * s.in_c;
      int8_t* out = output + ((b * s.out_h + oy) * s.out_w) * s.out_c;
      x86::GemmS8(lhs, d.stride_w * s.in_c, s.out_w, filter, s.out_c, s.in_c, q, out, s.out_c,
                  packed, folded);
    }
  }
}

// Conv2DInt8's output pixels in flight: x86::GemmS8 takes a chunk of columns
// for all its rows, then the next chunk, so a call reading the input directly
// has all its rows in flight once there is more than one chunk.
int32_t Conv2DInt8Pixels(const Conv2DParams& d, const Conv2DShape& s) {
  if (ActiveLevel() == Level::kPortable) return arm::Conv2DInt8Pixels(d, s);
  if (!arm::Conv2DInt8Covers(s)) return 1;
  if (!arm::Conv2DIsDirect1x1(d, s)) {
    return static_cast<int32_t>(arm::Conv2DInt8ScratchBytes(d, s) / (s.f_h * s.f_w * s.in_c));
  }
  if (d.stride_h != 1 || d.stride_w != 1) return s.out_w;
  return s.out_c > arm::kGemmS8ColumnChunk ? 0 : kGemmRowBlock;
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
                                               x86::Overlap};

}  // namespace microml

#endif  // __x86_64__
