// Shared by RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: a rank-4 NHWC input,
// a constant int32 size tensor [new_height, new_width] and an output whose
// shape must be exactly [batch, new_height, new_width, depth] (TFLM loops over
// the size tensor's values, so a mismatch would run past the output).
#ifndef MICROML_KERNELS_REFERENCE_RESIZE_SHAPE_H_
#define MICROML_KERNELS_REFERENCE_RESIZE_SHAPE_H_

#include "kernels/reference/index_tensor.h"
#include "microml/kernel.h"

namespace microml {

// Keeps TFLM's fixed-point scale arithmetic ((1 << 10) * size) inside int32.
constexpr int32_t kMaxResizeExtent = 1 << 20;

struct ResizeOptions {
  bool align_corners;
  bool half_pixel_centers;
};

// ResizeBilinearOptions: align_corners = 2, half_pixel_centers = 3 (fields 0
// and 1 are deprecated); ResizeNearestNeighborOptions: 0 and 1.
inline ResizeOptions ReadResizeOptions(const OpContext& ctx, OptionsType type, int align_field,
                                       int half_pixel_field) {
  const TableRef opts = OptionsAs(ctx, type);
  return ResizeOptions{opts.GetBool(align_field, false), opts.GetBool(half_pixel_field, false)};
}

inline Status PrepareResizeShapes(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *size, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &size));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->rank != 4) return ctx.Fail(Status::kUnsupported, "input rank %d, must be 4", in->rank);
  MICROML_RETURN_IF_ERROR(RequireConstIndex(ctx, *size, "size", false));
  if (size->rank != 1 || size->dims[0] != 2) {
    return ctx.Fail(Status::kInvalidModel, "size must be a vector of 2 elements");
  }
  const int32_t* hw = size->data_as<const int32_t>();
  for (int i = 0; i < 2; ++i) {
    if (hw[i] < 1 || hw[i] > kMaxResizeExtent || in->dims[1 + i] > kMaxResizeExtent) {
      return ctx.Fail(Status::kUnsupported, "size [%d, %d] from input %dx%d, each 1 to %d",
                      static_cast<int>(hw[0]), static_cast<int>(hw[1]),
                      static_cast<int>(in->dims[1]), static_cast<int>(in->dims[2]),
                      static_cast<int>(kMaxResizeExtent));
    }
  }
  if (in->dims[1] < 1 || in->dims[2] < 1) {
    return ctx.Fail(Status::kInvalidModel, "input has an empty spatial dimension");
  }
  const int32_t dims[4] = {in->dims[0], hw[0], hw[1], in->dims[3]};
  return ExpectShape(ctx, *out, "output", dims, 4);
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_RESIZE_SHAPE_H_
