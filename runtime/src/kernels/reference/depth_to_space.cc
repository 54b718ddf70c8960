// DEPTH_TO_SPACE on NHWC float32 and int8 tensors: each pixel's depth is
// unfolded into a block_size x block_size spatial block.
#include <string.h>

#include "kernels/reference/depth_space.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status DepthToSpacePrepare(OpContext& ctx) {
  Tensor *in, *out;
  int32_t block = 0;
  MICROML_RETURN_IF_ERROR(
      PrepareBlockOp(ctx, OptionsType::kDepthToSpaceOptions, &in, &out, &block));
  const int32_t area = block * block;
  if (in->dims[3] % area != 0) {
    return ctx.Fail(Status::kInvalidModel, "depth %d is not a multiple of block_size^2 = %d",
                    static_cast<int>(in->dims[3]), static_cast<int>(area));
  }
  const int64_t h = static_cast<int64_t>(in->dims[1]) * block;
  const int64_t w = static_cast<int64_t>(in->dims[2]) * block;
  if (h > INT32_MAX || w > INT32_MAX) {
    return ctx.Fail(Status::kUnsupported, "output size overflows");
  }
  const int32_t dims[4] = {in->dims[0], static_cast<int32_t>(h), static_cast<int32_t>(w),
                           in->dims[3] / area};
  return FinishBlockOp(ctx, *out, dims, block);
}

Status DepthToSpaceEval(OpContext& ctx) {
  const int32_t block = ctx.op_data_as<DepthSpaceData>()->block;
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const size_t width = TensorTypeSize(in.type);
  const size_t run = static_cast<size_t>(out.dims[3]) * width;
  if (run == 0) return Status::kOk;
  const uint8_t* src = in.data_as<const uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  const size_t in_w = static_cast<size_t>(in.dims[2]);
  const size_t in_h = static_cast<size_t>(in.dims[1]);
  const size_t in_pixel = static_cast<size_t>(in.dims[3]) * width;
  for (int32_t b = 0; b < out.dims[0]; ++b) {
    for (int32_t y = 0; y < out.dims[1]; ++y) {
      for (int32_t x = 0; x < out.dims[2]; ++x, dst += run) {
        const size_t pixel =
            (static_cast<size_t>(b) * in_h + static_cast<size_t>(y / block)) * in_w +
            static_cast<size_t>(x / block);
        const size_t phase = static_cast<size_t>((y % block) * block + x % block);
        memcpy(dst, src + pixel * in_pixel + phase * run, run);
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterDepthToSpace = {static_cast<int32_t>(BuiltinOp::kDEPTH_TO_SPACE),
                                                  nullptr,
                                                  2,
                                                  DepthToSpacePrepare,
                                                  DepthToSpaceEval,
                                                  nullptr,
                                                  "float32 int8"};

}  // namespace microml
