// SPACE_TO_DEPTH on NHWC float32 and int8 tensors: each block_size x
// block_size spatial block is folded into one pixel's depth.
#include <string.h>

#include "kernels/reference/depth_space.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status SpaceToDepthPrepare(OpContext& ctx) {
  Tensor *in, *out;
  int32_t block = 0;
  MICROML_RETURN_IF_ERROR(
      PrepareBlockOp(ctx, OptionsType::kSpaceToDepthOptions, &in, &out, &block));
  if (in->dims[1] % block != 0 || in->dims[2] % block != 0) {
    return ctx.Fail(Status::kInvalidModel, "height %d and width %d must be multiples of %d",
                    static_cast<int>(in->dims[1]), static_cast<int>(in->dims[2]),
                    static_cast<int>(block));
  }
  const int64_t depth = static_cast<int64_t>(in->dims[3]) * block * block;
  if (depth > INT32_MAX) return ctx.Fail(Status::kUnsupported, "output depth overflows");
  const int32_t dims[4] = {in->dims[0], in->dims[1] / block, in->dims[2] / block,
                           static_cast<int32_t>(depth)};
  return FinishBlockOp(ctx, *out, dims, block);
}

Status SpaceToDepthEval(OpContext& ctx) {
  const int32_t block = ctx.op_data_as<DepthSpaceData>()->block;
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const size_t run = static_cast<size_t>(in.dims[3]) * TensorTypeSize(in.type);
  if (run == 0) return Status::kOk;
  const uint8_t* src = in.data_as<const uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  const size_t in_w = static_cast<size_t>(in.dims[2]);
  const size_t in_h = static_cast<size_t>(in.dims[1]);
  for (int32_t b = 0; b < out.dims[0]; ++b) {
    for (int32_t y = 0; y < out.dims[1]; ++y) {
      for (int32_t x = 0; x < out.dims[2]; ++x) {
        for (int32_t by = 0; by < block; ++by) {
          for (int32_t bx = 0; bx < block; ++bx, dst += run) {
            const size_t iy = static_cast<size_t>(y) * block + by;
            const size_t ix = static_cast<size_t>(x) * block + bx;
            memcpy(dst, src + ((static_cast<size_t>(b) * in_h + iy) * in_w + ix) * run, run);
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSpaceToDepth = {static_cast<int32_t>(BuiltinOp::kSPACE_TO_DEPTH),
                                                  nullptr,
                                                  2,
                                                  SpaceToDepthPrepare,
                                                  SpaceToDepthEval,
                                                  nullptr,
                                                  "float32 int8"};

}  // namespace microml
