// RESIZE_BILINEAR of NHWC float32 and int8 tensors to a constant size, with
// align_corners or half_pixel_centers. float32 follows TFLM's float
// interpolation expression term by term; int8 its 10-bit fixed-point path
// (raw values are interpolated, the quantization parameters are not used).
#include <cmath>

#include "kernels/reference/resize_shape.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kAlignCornersField = 2;
constexpr int kHalfPixelCentersField = 3;

Status ResizeBilinearPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(PrepareResizeShapes(ctx));
  const TensorType type = ctx.input(0)->type;
  if (!IsOneOf(type, TensorType::kFLOAT32, TensorType::kINT8) || ctx.output(0)->type != type) {
    return ctx.FailUnsupportedTypes();
  }
  const ResizeOptions o = ReadResizeOptions(ctx, OptionsType::kResizeBilinearOptions,
                                            kAlignCornersField, kHalfPixelCentersField);
  if (o.align_corners && o.half_pixel_centers) {
    return ctx.Fail(Status::kInvalidModel, "align_corners and half_pixel_centers are both set");
  }
  return Status::kOk;
}

struct FloatTap {
  float pos;
  int32_t lo, hi;
};

FloatTap FloatTapAt(int32_t i, float scale, bool half_pixel, int32_t size) {
  const float v = static_cast<float>(i);
  FloatTap t;
  t.pos = half_pixel ? (v + 0.5f) * scale - 0.5f : v * scale;
  const int32_t floor_pos = static_cast<int32_t>(std::floor(t.pos));
  const int32_t ceil_pos = static_cast<int32_t>(std::ceil(t.pos));
  t.lo = floor_pos > 0 ? floor_pos : 0;
  t.hi = ceil_pos < size - 1 ? ceil_pos : size - 1;
  return t;
}

float FloatScale(int32_t in, int32_t out, bool align_corners) {
  if (align_corners && out > 1) return static_cast<float>(in - 1) / static_cast<float>(out - 1);
  return static_cast<float>(in) / static_cast<float>(out);
}

void ResizeFloat(const Tensor& in, const Tensor& out, const ResizeOptions& o) {
  const int32_t batches = in.dims[0], in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  const int32_t out_h = out.dims[1], out_w = out.dims[2];
  const float scale_h = FloatScale(in_h, out_h, o.align_corners);
  const float scale_w = FloatScale(in_w, out_w, o.align_corners);
  const float* src = in.data_as<const float>();
  float* dst = out.data_as<float>();
  const size_t row = static_cast<size_t>(in_w) * depth;
  for (int32_t b = 0; b < batches; ++b) {
    const float* image = src + static_cast<size_t>(b) * in_h * row;
    for (int32_t y = 0; y < out_h; ++y) {
      const FloatTap ty = FloatTapAt(y, scale_h, o.half_pixel_centers, in_h);
      const float dy = ty.pos - static_cast<float>(ty.lo);
      for (int32_t x = 0; x < out_w; ++x) {
        const FloatTap tx = FloatTapAt(x, scale_w, o.half_pixel_centers, in_w);
        const float dx = tx.pos - static_cast<float>(tx.lo);
        const float* p00 = image + ty.lo * row + static_cast<size_t>(tx.lo) * depth;
        const float* p10 = image + ty.hi * row + static_cast<size_t>(tx.lo) * depth;
        const float* p01 = image + ty.lo * row + static_cast<size_t>(tx.hi) * depth;
        const float* p11 = image + ty.hi * row + static_cast<size_t>(tx.hi) * depth;
        for (int32_t c = 0; c < depth; ++c) {
          *dst++ = p00[c] * (1 - dy) * (1 - dx) + p10[c] * dy * (1 - dx) + p01[c] * (1 - dy) * dx +
                   p11[c] * dy * dx;
        }
      }
    }
  }
}

struct FixedTap {
  int32_t pos;  // in 1/1024 input pixels
  int32_t lo, hi;
};

FixedTap FixedTapAt(int32_t i, int32_t scale_10, bool half_pixel, int32_t size) {
  FixedTap t;
  t.pos = half_pixel ? i * scale_10 + scale_10 / 2 - (1 << 9) : i * scale_10;
  const int32_t floor_pos = t.pos / (1 << 10);
  const int32_t ceil_pos = (t.pos + (1 << 10) - 1) / (1 << 10);
  t.lo = floor_pos > 0 ? floor_pos : 0;
  t.hi = ceil_pos < size - 1 ? ceil_pos : size - 1;
  return t;
}

int32_t FixedScale(int32_t in, int32_t out, bool align_corners) {
  if (align_corners && out > 1) return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((1 << 10) * in + out / 2) / out;
}

void ResizeInt8(const Tensor& in, const Tensor& out, const ResizeOptions& o) {
  const int32_t batches = in.dims[0], in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  const int32_t out_h = out.dims[1], out_w = out.dims[2];
  const int32_t scale_h = FixedScale(in_h, out_h, o.align_corners);
  const int32_t scale_w = FixedScale(in_w, out_w, o.align_corners);
  const int8_t* src = in.data_as<const int8_t>();
  int8_t* dst = out.data_as<int8_t>();
  const size_t row = static_cast<size_t>(in_w) * depth;
  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* image = src + static_cast<size_t>(b) * in_h * row;
    for (int32_t y = 0; y < out_h; ++y) {
      const FixedTap ty = FixedTapAt(y, scale_h, o.half_pixel_centers, in_h);
      const int64_t wy1 = ty.pos - (1 << 10) * ty.lo;
      const int64_t wy0 = (1 << 10) - wy1;
      for (int32_t x = 0; x < out_w; ++x) {
        const FixedTap tx = FixedTapAt(x, scale_w, o.half_pixel_centers, in_w);
        const int64_t wx1 = tx.pos - (1 << 10) * tx.lo;
        const int64_t wx0 = (1 << 10) - wx1;
        const int8_t* p00 = image + ty.lo * row + static_cast<size_t>(tx.lo) * depth;
        const int8_t* p10 = image + ty.hi * row + static_cast<size_t>(tx.lo) * depth;
        const int8_t* p01 = image + ty.lo * row + static_cast<size_t>(tx.hi) * depth;
        const int8_t* p11 = image + ty.hi * row + static_cast<size_t>(tx.hi) * depth;
        for (int32_t c = 0; c < depth; ++c) {
          const int64_t sum =
              p00[c] * wy0 * wx0 + p10[c] * wy1 * wx0 + p01[c] * wy0 * wx1 + p11[c] * wy1 * wx1;
          const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
          *dst++ = static_cast<int8_t>((sum + round) / (1 << 20));
        }
      }
    }
  }
}

Status ResizeBilinearEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const ResizeOptions o = ReadResizeOptions(ctx, OptionsType::kResizeBilinearOptions,
                                            kAlignCornersField, kHalfPixelCentersField);
  if (in.type == TensorType::kFLOAT32) {
    ResizeFloat(in, out, o);
  } else {
    ResizeInt8(in, out, o);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterResizeBilinear = {
    static_cast<int32_t>(BuiltinOp::kRESIZE_BILINEAR),
    nullptr,
    4,
    ResizeBilinearPrepare,
    ResizeBilinearEval,
    nullptr,
    "float32 int8"};

}  // namespace microml
