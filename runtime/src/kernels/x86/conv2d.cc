// CONV_2D on x86-64: int8 on x86::GemmS8 (1x1 filters directly on the input,
// others a few im2col rows at a time) at the SSE4.1 level and above; the
// portable level is arm::Conv2DInt8, every other type the reference. At the
// VNNI level a filter of up to kMaxPackedBytes is packed (PackVnni) into
// scratch once per invocation, for all the output pixels.
#if defined(__x86_64__)

#include <stddef.h>
#include <stdint.h>

#include "kernels/arm/conv2d.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/gemm_s8.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {
namespace {

// Output pixels per im2col GEMM call: two VNNI row blocks, over which the
// per-call folding of the weight sums is spread; more with packed weights,
// whose rows are short.
constexpr int32_t kIm2colRows = 8;
constexpr int32_t kIm2colPackedRows = 32;
// Packing pays off for short rows (few lanes of the unpacked dot products
// used) over many pixels; the bound keeps the arena growth small.
constexpr size_t kMaxPackedBytes = 16384;

bool IsDirect1x1(const Conv2DParams& d, const Conv2DShape& s) {
  return s.f_h == 1 && s.f_w == 1 && d.pad_h == 0 && d.pad_w == 0;
}

// Bytes of packed weights (0: not packed); the filter's size is bounded by
// the model file, so depth * out_c fits.
size_t PackedBytes(const Conv2DShape& s) {
  if (ActiveLevel() != Level::kAvx512Vnni || s.out_h * s.out_w < kIm2colPackedRows) return 0;
  const int32_t depth = s.f_h * s.f_w * s.in_c;
  const size_t bytes = PackedVnniBytes(s.out_c, depth);
  return bytes <= kMaxPackedBytes ? bytes : 0;
}

int32_t Im2colRows(const Conv2DShape& s) {
  return PackedBytes(s) > 0 ? kIm2colPackedRows : kIm2colRows;
}

size_t ScratchBytes(const Conv2DParams& d, const Conv2DShape& s) {
  if (ActiveLevel() == Level::kPortable) return arm::Conv2DInt8ScratchBytes(d, s);
  if (!arm::Conv2DInt8Covers(s)) return 0;
  uint64_t bytes = PackedBytes(s);
  if (!IsDirect1x1(d, s)) {
    bytes += static_cast<uint64_t>(Im2colRows(s)) * static_cast<uint64_t>(s.f_h) *
             static_cast<uint64_t>(s.f_w) * static_cast<uint64_t>(s.in_c);
  }
  // Beyond size_t, a size RequestScratch refuses.
  return bytes > SIZE_MAX ? SIZE_MAX : static_cast<size_t>(bytes);
}

void Im2col(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input, const int8_t* filter,
            const int8_t* packed, const arm::GemmS8Output& q, int8_t* scratch, int8_t* output) {
  const int32_t depth = s.f_h * s.f_w * s.in_c;
  const int32_t rows = Im2colRows(s);
  const int8_t pad_value = static_cast<int8_t>(-d.input_offset);
  int32_t pending = 0;
  int8_t* out = output;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* image = input + b * s.in_h * s.in_w * s.in_c;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        arm::FillIm2colRow(d, s, image, oy, ox, pad_value, scratch + pending * depth);
        if (++pending == rows) {
          x86::GemmS8(scratch, depth, pending, filter, s.out_c, depth, q, out, s.out_c, packed);
          out += pending * s.out_c;
          pending = 0;
        }
      }
    }
  }
  if (pending > 0) {
    x86::GemmS8(scratch, depth, pending, filter, s.out_c, depth, q, out, s.out_c, packed);
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
  // The packed weights first in scratch, the im2col rows after them.
  const size_t packed_bytes = PackedBytes(s);
  const int8_t* packed = nullptr;
  if (packed_bytes > 0) {
    PackVnni(filter, s.out_c, s.f_h * s.f_w * s.in_c, scratch);
    packed = scratch;
  }
  if (!IsDirect1x1(d, s)) {
    Im2col(d, s, input, filter, packed, q, scratch + packed_bytes, output);
    return;
  }
  if (d.stride_h == 1 && d.stride_w == 1) {
    x86::GemmS8(input, s.in_c, s.batches * s.out_h * s.out_w, filter, s.out_c, s.in_c, q, output,
                s.out_c, packed);
    return;
  }
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int8_t* lhs = input + ((b * s.in_h + oy * d.stride_h) * s.in_w) * s.in_c;
      int8_t* out = output + ((b * s.out_h + oy) * s.out_w) * s.out_c;
      x86::GemmS8(lhs, d.stride_w * s.in_c, s.out_w, filter, s.out_c, s.in_c, q, out, s.out_c,
                  packed);
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
  const size_t scratch_bytes = params->kind == Conv2DKind::kInt8 ? ScratchBytes(*params, s) : 0;
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
