#include "kernels/prepare/pooling.h"

#include <cmath>

#include "kernels/activation.h"
#include "kernels/padding.h"
#include "kernels/reference/op_checks.h"

namespace microml {

namespace {

// Pool2DOptions field positions in the schema.
constexpr int kPadding = 0;
constexpr int kStrideW = 1;
constexpr int kStrideH = 2;
constexpr int kFilterW = 3;
constexpr int kFilterH = 4;
constexpr int kActivation = 5;
// Bound on sizes, strides and filters that keeps all window arithmetic in int32.
constexpr int32_t kMaxExtent = 1 << 24;
// Largest window whose quantized sum (plus rounding) cannot overflow int32.
constexpr int64_t kMaxQuantizedWindow = 65535;

Status AxisGeometry(OpContext& ctx, const char* axis, Padding padding, int32_t in, int32_t filter,
                    int32_t stride, int32_t out, int32_t* pad) {
  if (stride < 1 || filter < 1 || stride > kMaxExtent || filter > kMaxExtent || in > kMaxExtent) {
    return ctx.Fail(Status::kUnsupported, "%s: input %d, filter %d, stride %d out of range", axis,
                    static_cast<int>(in), static_cast<int>(filter), static_cast<int>(stride));
  }
  const int32_t want = WindowOutputSize(padding, in, filter, stride, 1);
  if (out != (want < 0 ? 0 : want)) {
    return ctx.Fail(Status::kInvalidModel, "%s: output size %d, padding/filter/stride give %d",
                    axis, static_cast<int>(out), static_cast<int>(want));
  }
  int32_t extra = 0;
  *pad = WindowPadding(stride, 1, in, filter, out, &extra);
  // The first and the last window must overlap the input; TFLM divides by the
  // window's pixel count.
  if (out > 0 && (filter <= *pad || (out - 1) * stride - *pad >= in)) {
    return ctx.Fail(Status::kUnsupported, "%s: a pooling window lies wholly in the padding", axis);
  }
  return Status::kOk;
}

}  // namespace

Status PreparePool(OpContext& ctx, PoolData** out_data) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = in->type;
  if (out->type != type ||
      !(type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 4 || out->rank != 4) {
    return ctx.Fail(Status::kUnsupported, "input rank %d and output rank %d, both must be 4",
                    in->rank, out->rank);
  }
  if (in->dims[0] != out->dims[0] || in->dims[3] != out->dims[3]) {
    return ctx.Fail(Status::kInvalidModel, "input [%d,_,_,%d] and output [%d,_,_,%d] differ",
                    static_cast<int>(in->dims[0]), static_cast<int>(in->dims[3]),
                    static_cast<int>(out->dims[0]), static_cast<int>(out->dims[3]));
  }
  PoolData* d = ctx.AllocatePersistent<PoolData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  const TableRef opts = OptionsAs(ctx, OptionsType::kPool2DOptions);
  const int8_t padding = opts.GetInt8(kPadding, 0);
  if (padding != 0 && padding != 1) {
    return ctx.Fail(Status::kInvalidModel, "padding kind %d is neither SAME (0) nor VALID (1)",
                    padding);
  }
  d->stride_w = opts.GetInt32(kStrideW, 0);
  d->stride_h = opts.GetInt32(kStrideH, 0);
  d->filter_w = opts.GetInt32(kFilterW, 0);
  d->filter_h = opts.GetInt32(kFilterH, 0);
  const Activation act = static_cast<Activation>(opts.GetInt8(kActivation, 0));
  const Padding pad_kind = static_cast<Padding>(padding);
  MICROML_RETURN_IF_ERROR(AxisGeometry(ctx, "height", pad_kind, in->dims[1], d->filter_h,
                                       d->stride_h, out->dims[1], &d->pad_h));
  MICROML_RETURN_IF_ERROR(AxisGeometry(ctx, "width", pad_kind, in->dims[2], d->filter_w,
                                       d->stride_w, out->dims[2], &d->pad_w));
  if (type == TensorType::kFLOAT32) {
    FloatActivationRange(act, &d->f_min, &d->f_max);
  } else {
    const int64_t rows = d->filter_h < in->dims[1] ? d->filter_h : in->dims[1];
    const int64_t cols = d->filter_w < in->dims[2] ? d->filter_w : in->dims[2];
    if (rows * cols > kMaxQuantizedWindow) {
      return ctx.Fail(Status::kUnsupported, "window of %lld pixels, at most %lld for %s",
                      static_cast<long long>(rows * cols),
                      static_cast<long long>(kMaxQuantizedWindow), TensorTypeName(type));
    }
    QuantParams qi, qo;
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), type, "input", &qi));
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), type, "output", &qo));
    if (std::fabs(static_cast<double>(qi.scale) - static_cast<double>(qo.scale)) > 1.0e-6 ||
        qi.zero_point != qo.zero_point) {
      return ctx.Fail(Status::kUnsupported,
                      "input and output must share scale (within 1e-6) and zero point (%d, %d)",
                      static_cast<int>(qi.zero_point), static_cast<int>(qo.zero_point));
    }
    const int32_t qmin = type == TensorType::kINT8 ? -128 : -32768;
    const int32_t qmax = type == TensorType::kINT8 ? 127 : 32767;
    QuantizedActivationRange(act, qo.scale, qo.zero_point, qmin, qmax, &d->act_min, &d->act_max);
  }
  *out_data = d;
  return Status::kOk;
}

bool PoolOverlap(OpContext& ctx, WindowOverlap* out) {
  const PoolData& d = *ctx.op_data_as<PoolData>();
  *out = {d.stride_h, d.pad_h, 1, false};
  return true;
}

bool PoolRowWindow(OpContext& ctx, RowWindow* out) {
  const PoolData& d = *ctx.op_data_as<PoolData>();
  *out = {d.filter_h, d.stride_h, d.pad_h};
  return true;
}

Status PoolPrepare(OpContext& ctx) {
  PoolData* d = nullptr;
  return PreparePool(ctx, &d);
}

}  // namespace microml
