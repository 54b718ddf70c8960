// DEPTHWISE_CONV_2D int8, optimized. Channels are independent, so the work
// is split into groups of channels, and each group walks every output pixel
// with its biases and requantization parameters worked out once. For each
// pixel the filter taps that fall inside the input are found once, so the
// multiply-accumulate loops have no bounds checks. Pixels whose window lies
// wholly inside the input start from the bias plus input offset times the
// sum of the weights and multiply raw inputs; the others add the offset to
// each input. All sums are modulo 2^32 like the reference's wrapping
// accumulator, so regrouping them changes no result.
//
// arm/depthwise_window.h has the window walk and requantization,
// arm/depthwise_helium.cc and arm/depthwise_dsp.cc the vector computes; here
// are the dispatch, the one-channel-at-a-time compute (portable build,
// channels left over, depth multipliers the others do not take) and the
// registration.
#include "kernels/arm/depthwise_conv2d.h"

#include "kernels/arm/depthwise_window.h"
#include "microml/kernels.h"

namespace microml {
namespace arm {

namespace depthwise {

// Output channels [first, end) one at a time, any depth multiplier.
void ChannelsScalar(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                    const int8_t* filter, const int32_t* bias, int8_t* output, int32_t first,
                    int32_t end) {
  const int32_t taps = s.f_h * s.f_w;
  const OutputRange range = {d.output_offset, d.act_min, d.act_max};
  const int32_t input_offset = d.input_offset;
  for (int32_t oc = first; oc < end; ++oc) {
    const int32_t start = bias != nullptr ? bias[oc] : 0;
    uint32_t weight_sum = 0;
    for (int32_t t = 0; t < taps; ++t) {
      weight_sum += static_cast<uint32_t>(filter[t * s.out_c + oc]);
    }
    const int32_t folded = FoldOffset(start, weight_sum, input_offset);
    const ChannelQuant q = ChannelQuantOf(d, oc);
    ForEachPixel(d, s, input + oc / d.multiplier, filter + oc, output + oc,
                 [&](const Window& win, bool interior, int8_t* out) {
                   const int32_t acc = interior ? AccumulateChannel<false>(win, folded, 0)
                                                : AccumulateChannel<true>(win, start, input_offset);
                   *out = Quantize(q, range, acc);
                 });
  }
}

}  // namespace depthwise

size_t DepthwiseConv2DInt8ScratchBytes(const DepthwiseParams& d, const DepthwiseShape& s) {
#if defined(__ARM_FEATURE_MVE)
  return depthwise::HeliumScratchBytes(d, s);
#else
  static_cast<void>(d);
  static_cast<void>(s);
  return 0;
#endif
}

void DepthwiseConv2DInt8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                         const int8_t* filter, const int32_t* bias, int8_t* scratch,
                         int8_t* output) {
#if defined(__ARM_FEATURE_MVE)
  if (depthwise::RunHelium(d, s, input, filter, bias, scratch, output)) return;
#elif defined(__ARM_FEATURE_DSP)
  static_cast<void>(scratch);
  if (depthwise::RunDsp(d, s, input, filter, bias, output)) return;
#else
  static_cast<void>(scratch);
#endif
  depthwise::ChannelsScalar(d, s, input, filter, bias, output, 0, s.out_c);
}

DepthwiseWalk DepthwiseInt8Walk(const DepthwiseParams& d, const DepthwiseShape& s,
                                int32_t* pixels) {
  // Helium takes the interior pixels of a 3x3 filter two at a time.
  *pixels = 2;
  if (d.multiplier == 1) return DepthwiseWalk::kChannelGroups;
  // With a larger multiplier the groups read each other's input channels: only
  // a single group, all channels of a pixel at once, walks in order.
  int32_t width = 1;
#if defined(__ARM_FEATURE_MVE) || defined(__ARM_FEATURE_DSP)
  width = d.multiplier % 8 == 0 ? 8 : (d.multiplier % 4 == 0 ? 4 : 1);
#endif
  return s.out_c == width ? DepthwiseWalk::kPixels : DepthwiseWalk::kOther;
}

namespace {

struct OptData {
  const DepthwiseParams* params;
  int scratch_index;
};

}  // namespace

bool DepthwiseOverlapWith(OpContext& ctx, WindowOverlap* out, DepthwiseInt8WalkOf int8_walk) {
  const DepthwiseParams& d = *ctx.op_data_as<OptData>()->params;
  if (d.kind != DepthwiseKind::kInt8) {
    *out = {d.stride_h, d.pad_h, 1, false};
    return true;
  }
  int32_t pixels = 1;
  const DepthwiseWalk walk =
      int8_walk(d, DepthwiseShapeOf(*ctx.input(0), *ctx.input(1), *ctx.output(0)), &pixels);
  *out = {d.stride_h, d.pad_h, pixels, walk == DepthwiseWalk::kChannelGroups};
  return walk != DepthwiseWalk::kOther;
}

bool DepthwiseRowWindowOpt(OpContext& ctx, RowWindow* out) {
  return conv::FilterRowWindow(*ctx.op_data_as<OptData>()->params, *ctx.input(1), out);
}

Status PrepareDepthwiseConv2DOptimized(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(DepthwiseConv2DPrepare(ctx));
  const DepthwiseParams* params = ctx.op_data_as<DepthwiseParams>();
  OptData* data = ctx.AllocatePersistent<OptData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->params = params;
  data->scratch_index = -1;
  ctx.set_op_data(data);
  const size_t scratch_bytes =
      params->kind == DepthwiseKind::kInt8
          ? DepthwiseConv2DInt8ScratchBytes(
                *params, DepthwiseShapeOf(*ctx.input(0), *ctx.input(1), *ctx.output(0)))
          : 0;
  if (scratch_bytes > 0) {
    MICROML_RETURN_IF_ERROR(ctx.RequestScratch(scratch_bytes, &data->scratch_index));
  }
  return Status::kOk;
}

Status EvalDepthwiseConv2DOptimized(OpContext& ctx, DepthwiseInt8Compute int8,
                                    DepthwiseFloatCompute float32) {
  const OptData& data = *ctx.op_data_as<OptData>();
  const DepthwiseParams& d = *data.params;
  const Tensor& input = *ctx.input(0);
  const Tensor& filter = *ctx.input(1);
  const Tensor* bias = ctx.input(2);
  if (d.kind == DepthwiseKind::kFloat && float32 != nullptr) {
    float32(d, DepthwiseShapeOf(input, filter, *ctx.output(0)), input.data_as<const float>(),
            filter.data_as<const float>(), bias != nullptr ? bias->data_as<const float>() : nullptr,
            ctx.output(0)->data_as<float>());
    return Status::kOk;
  }
  if (d.kind != DepthwiseKind::kInt8) return reference::DepthwiseConv2DEvalWith(ctx, d);
  int8_t* scratch =
      data.scratch_index >= 0 ? static_cast<int8_t*>(ctx.scratch(data.scratch_index)) : nullptr;
  int8(d, DepthwiseShapeOf(input, filter, *ctx.output(0)), input.data_as<const int8_t>(),
       filter.data_as<const int8_t>(), bias != nullptr ? bias->data_as<const int32_t>() : nullptr,
       scratch, ctx.output(0)->data_as<int8_t>());
  return Status::kOk;
}

namespace {

Status Eval(OpContext& ctx) {
  return EvalDepthwiseConv2DOptimized(ctx, &DepthwiseConv2DInt8);
}

bool Overlap(OpContext& ctx, WindowOverlap* out) {
  return DepthwiseOverlapWith(ctx, out, &DepthwiseInt8Walk);
}

}  // namespace

}  // namespace arm

// The weight sums are formed per group of channels at eval, where they cost
// one pass over the filter; the Helium path asks for scratch (see
// DepthwiseConv2DInt8ScratchBytes).
const KernelRegistration kRegisterDepthwiseConv2DOpt = {
    static_cast<int32_t>(BuiltinOp::kDEPTHWISE_CONV_2D),
    nullptr,
    7,
    arm::PrepareDepthwiseConv2DOptimized,
    arm::Eval,
    nullptr,
    "float32 int8 int8_int4 int16",
    0,
    arm::Overlap,
    arm::DepthwiseRowWindowOpt};

}  // namespace microml
