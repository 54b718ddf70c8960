// CONV_2D on x86-64: int8 on x86::GemmS8 (1x1 filters directly on the input,
// others a few im2col rows at a time) at the SSE4.1 level and above; the
// portable level is arm::Conv2DInt8, every other type the reference. At the
// VNNI level a filter of up to kMaxPackedBytes is packed (PackVnni) once per
// invocation, for all the output pixels.
#if defined(__x86_64__)

#include "kernels/arm/conv2d.h"

#include <stddef.h>
#include <stdint.h>

#include "kernels/x86/cpu.h"
#include "kernels/x86/gemm_s8.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {
namespace {

bool IsDirect1x1(const Conv2DParams& d, const Conv2DShape& s) {
  return s.f_h == 1 && s.f_w == 1 && d.pad_h == 0 && d.pad_w == 0;
}

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
  const arm::GemmS8Output q = {bias,           d.scales.multiplier, d.scales.shift, d.scales.step,
                               d.input_offset, d.output_offset,     d.act_min,      d.act_max};
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
  if (!IsDirect1x1(d, s)) {
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

struct OpData {
  const Conv2DParams* params;
  int scratch_index;
};

Status Prepare(OpContext& ctx) {
  Conv2DParams* params = nullptr;
  MICROML_RETURN_IF_ERROR(PrepareConv2D(ctx, &params));
  OpData* data = ctx.AllocatePersistent<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->params = params;
  data->scratch_index = -1;
  ctx.set_op_data(data);
  const Conv2DShape s = Conv2DShapeOf(*ctx.input(0), *ctx.input(1), *ctx.output(0));
  // The arm/ twin's request at every level: the im2col rows.
  const size_t scratch_bytes =
      params->kind == Conv2DKind::kInt8 ? arm::Conv2DInt8ScratchBytes(*params, s) : 0;
  if (scratch_bytes > 0) {
    MICROML_RETURN_IF_ERROR(ctx.RequestScratch(scratch_bytes, &data->scratch_index));
  }
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  const OpData& data = *ctx.op_data_as<OpData>();
  if (data.params->kind != Conv2DKind::kInt8) return reference::Conv2DEvalWith(ctx, *data.params);
  const Tensor& input = *ctx.input(0);
  const Tensor& filter = *ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor& output = *ctx.output(0);
  int8_t* scratch =
      data.scratch_index >= 0 ? static_cast<int8_t*>(ctx.scratch(data.scratch_index)) : nullptr;
  Conv2DInt8(*data.params, Conv2DShapeOf(input, filter, output), input.data_as<const int8_t>(),
             filter.data_as<const int8_t>(),
             bias != nullptr ? bias->data_as<const int32_t>() : nullptr, scratch,
             output.data_as<int8_t>());
  return Status::kOk;
}

}  // namespace
}  // namespace x86

const KernelRegistration kRegisterConv2DX86 = {
    static_cast<int32_t>(BuiltinOp::kCONV_2D), nullptr, 8, x86::Prepare, x86::Eval, nullptr,
    "float32 int8 int8_int4 int16 int16_b32"};

}  // namespace microml

#endif  // __x86_64__
