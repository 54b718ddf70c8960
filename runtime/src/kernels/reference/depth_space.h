// Prepare pieces shared by DEPTH_TO_SPACE and SPACE_TO_DEPTH, which move
// NHWC float32 or int8 values between block_size x block_size spatial blocks
// and depth: the same tensor checks, the same block_size option, and the
// block kept as op data for eval.
#ifndef MICROML_KERNELS_REFERENCE_DEPTH_SPACE_H_
#define MICROML_KERNELS_REFERENCE_DEPTH_SPACE_H_

#include <stdint.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernel.h"

namespace microml {

struct DepthSpaceData {
  int32_t block;
};

// One rank-4 float32 or int8 input, one output of its type, and block_size
// (field 0 of `options`) within 1..2^15.
inline Status PrepareBlockOp(OpContext& ctx, OptionsType options, Tensor** in, Tensor** out,
                             int32_t* block) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, out));
  if (!IsOneOf((*in)->type, TensorType::kFLOAT32, TensorType::kINT8) ||
      (*out)->type != (*in)->type) {
    return ctx.FailUnsupportedTypes();
  }
  if ((*in)->rank != 4) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, must be 4", (*in)->rank);
  }
  constexpr int kBlockSizeField = 0;
  *block = OptionsAs(ctx, options).GetInt32(kBlockSizeField, 0);
  if (*block < 1 || *block > (1 << 15)) {
    return ctx.Fail(Status::kInvalidModel, "block_size %d", static_cast<int>(*block));
  }
  return Status::kOk;
}

// Checks the output against the shape `dims` and keeps `block` for eval.
inline Status FinishBlockOp(OpContext& ctx, const Tensor& out, const int32_t* dims, int32_t block) {
  MICROML_RETURN_IF_ERROR(ExpectShape(ctx, out, "output", dims, 4));
  DepthSpaceData* data = ctx.AllocatePersistent<DepthSpaceData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->block = block;
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_DEPTH_SPACE_H_
