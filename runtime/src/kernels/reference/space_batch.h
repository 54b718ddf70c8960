// Shared by SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (NHWC, or NHC treated as
// NH1C, as in TFLM): the int32 block shape and the [spatial, 2] int32
// paddings/crops tensors. Their values are read in prepare when constant,
// else at every eval; either way they are checked against the tensor shapes
// before any copy.
#ifndef MICROML_KERNELS_REFERENCE_SPACE_BATCH_H_
#define MICROML_KERNELS_REFERENCE_SPACE_BATCH_H_

#include <stdint.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernel.h"

namespace microml {

// Largest block size accepted; keeps every product of sizes and blocks
// inside int64.
constexpr int32_t kMaxSpaceBatchBlock = 1 << 15;

// A rank-3 or rank-4 tensor seen as [batch, height, width, depth].
struct Nhwc {
  int32_t n, h, w, c;
};

inline Nhwc AsNhwc(const Tensor& t) {
  return t.rank == 4 ? Nhwc{t.dims[0], t.dims[1], t.dims[2], t.dims[3]}
                     : Nhwc{t.dims[0], t.dims[1], 1, t.dims[2]};
}

// Block sizes and the leading/trailing amounts (paddings or crops) per
// spatial axis; width entries are 1 and 0 for rank-3 tensors.
struct BlockGeometry {
  int32_t block_h, block_w;
  int32_t before_h, after_h, before_w, after_w;
};

struct SpaceBatchData {
  bool constant;
  BlockGeometry geometry;  // valid when `constant`
};

inline BlockGeometry ReadGeometry(const Tensor& in, const Tensor& block, const Tensor& amounts) {
  const int32_t* b = block.data_as<const int32_t>();
  const int32_t* a = amounts.data_as<const int32_t>();
  if (in.rank == 4) return BlockGeometry{b[0], b[1], a[0], a[1], a[2], a[3]};
  return BlockGeometry{b[0], 1, a[0], a[1], 0, 0};
}

// Block sizes within 1..kMaxSpaceBatchBlock and non-negative paddings or
// crops (`amounts_name`).
inline Status CheckBlockRange(OpContext& ctx, const BlockGeometry& g, const char* amounts_name,
                              Status status) {
  if (g.block_h < 1 || g.block_w < 1 || g.block_h > kMaxSpaceBatchBlock ||
      g.block_w > kMaxSpaceBatchBlock || g.before_h < 0 || g.after_h < 0 || g.before_w < 0 ||
      g.after_w < 0) {
    return ctx.Fail(status, "block %dx%d must be 1 to %d and %s %d,%d,%d,%d non-negative",
                    static_cast<int>(g.block_h), static_cast<int>(g.block_w),
                    static_cast<int>(kMaxSpaceBatchBlock), amounts_name,
                    static_cast<int>(g.before_h), static_cast<int>(g.after_h),
                    static_cast<int>(g.before_w), static_cast<int>(g.after_w));
  }
  return Status::kOk;
}

inline Status FailShapeMismatch(OpContext& ctx, const Nhwc& in, const Nhwc& out,
                                const BlockGeometry& g, Status status) {
  return ctx.Fail(status,
                  "output [%d,%d,%d,%d] does not match input [%d,%d,%d,%d] with block %dx%d",
                  static_cast<int>(out.n), static_cast<int>(out.h), static_cast<int>(out.w),
                  static_cast<int>(out.c), static_cast<int>(in.n), static_cast<int>(in.h),
                  static_cast<int>(in.w), static_cast<int>(in.c), static_cast<int>(g.block_h),
                  static_cast<int>(g.block_w));
}

// Checks ranks, types and the shapes of the block and amounts tensors, and
// with `check` the geometry when it is constant.
template <typename Check>
inline Status PrepareSpaceBatch(OpContext& ctx, const char* amounts_name, Check check) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 3, 3, 1));
  Tensor *in, *block, *amounts, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &block));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 2, &amounts));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const bool type_ok = IsOneOf(in->type, TensorType::kFLOAT32, TensorType::kINT8);
  if (!type_ok || out->type != in->type || block->type != TensorType::kINT32 ||
      amounts->type != TensorType::kINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if ((in->rank != 3 && in->rank != 4) || out->rank != in->rank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d and output rank %d, both must be 3 or 4",
                    in->rank, out->rank);
  }
  const int32_t spatial = in->rank - 2;
  if (block->rank != 1 || block->dims[0] != spatial || amounts->rank != 2 ||
      amounts->dims[0] != spatial || amounts->dims[1] != 2) {
    return ctx.Fail(Status::kInvalidModel, "block_shape must be [%d] and %s [%d, 2]",
                    static_cast<int>(spatial), amounts_name, static_cast<int>(spatial));
  }
  SpaceBatchData* data = ctx.AllocatePersistent<SpaceBatchData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->constant = block->is_constant() && amounts->is_constant();
  if (!data->constant) return Status::kOk;
  data->geometry = ReadGeometry(*in, *block, *amounts);
  return check(ctx, AsNhwc(*in), AsNhwc(*out), data->geometry, Status::kInvalidModel);
}

// The geometry to use in eval: the stored one, or freshly read and checked.
template <typename Check>
inline Status EvalGeometry(OpContext& ctx, Check check, BlockGeometry* g) {
  const SpaceBatchData& data = *ctx.op_data_as<SpaceBatchData>();
  if (data.constant) {
    *g = data.geometry;
    return Status::kOk;
  }
  *g = ReadGeometry(*ctx.input(0), *ctx.input(1), *ctx.input(2));
  return check(ctx, AsNhwc(*ctx.input(0)), AsNhwc(*ctx.output(0)), *g, Status::kInvalidArgument);
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_SPACE_BATCH_H_
