// DEPTH_TO_SPACE on NHWC float32 and int8 tensors: each pixel's depth is
// unfolded into a block_size x block_size spatial block.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// DepthToSpaceOptions field position in the schema.
constexpr int kBlockSizeField = 0;

struct BlockData {
  int32_t block;
};

Status DepthToSpacePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (!IsOneOf(in->type, TensorType::kFLOAT32, TensorType::kINT8) || out->type != in->type) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 4) return ctx.Fail(Status::kUnsupported, "input rank %d, must be 4", in->rank);
  const int32_t block =
      OptionsAs(ctx, OptionsType::kDepthToSpaceOptions).GetInt32(kBlockSizeField, 0);
  if (block < 1 || block > (1 << 15)) {
    return ctx.Fail(Status::kInvalidModel, "block_size %d", static_cast<int>(block));
  }
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
  MICROML_RETURN_IF_ERROR(ExpectShape(ctx, *out, "output", dims, 4));
  BlockData* data = ctx.AllocatePersistent<BlockData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->block = block;
  return Status::kOk;
}

Status DepthToSpaceEval(OpContext& ctx) {
  const int32_t block = ctx.op_data_as<BlockData>()->block;
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
