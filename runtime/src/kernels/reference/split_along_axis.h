// Shared by SPLIT and SPLIT_V: the output shapes are authoritative (as in
// TFLM, which never reads SPLIT_V's size_splits), so prepare checks that they
// tile the input along the axis and eval copies each output's slab in turn.
#ifndef MICROML_KERNELS_REFERENCE_SPLIT_ALONG_AXIS_H_
#define MICROML_KERNELS_REFERENCE_SPLIT_ALONG_AXIS_H_

#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernel.h"

namespace microml {

struct SplitData {
  int32_t axis;
  int32_t input;  // index of the data input among the operator's inputs
};

inline bool IsSplitType(TensorType t) {
  return t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16 ||
         t == TensorType::kINT32;
}

// Reads the constant int32 axis tensor and checks every output against the
// input. With `equal_parts` all outputs must have the same size along the axis.
inline Status PrepareSplit(OpContext& ctx, int input_index, int axis_index, bool equal_parts) {
  Tensor *in, *axis_tensor;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, input_index, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, axis_index, &axis_tensor));
  if (!IsSplitType(in->type)) return ctx.FailUnsupportedTypes();
  MICROML_RETURN_IF_ERROR(RequireConstIndex(ctx, *axis_tensor, "axis", false));
  if (axis_tensor->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "axis tensor has %u elements, expected 1",
                    static_cast<unsigned>(axis_tensor->element_count()));
  }
  const int32_t raw_axis = axis_tensor->data_as<const int32_t>()[0];
  int axis = 0;
  if (!NormalizeAxis(raw_axis, in->rank, &axis)) {
    return ctx.Fail(Status::kInvalidModel, "axis %d outside a rank-%d input",
                    static_cast<int>(raw_axis), in->rank);
  }
  if (ctx.num_outputs() < 1) return ctx.Fail(Status::kInvalidModel, "has no outputs");
  int64_t total = 0;
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    Tensor* out;
    MICROML_RETURN_IF_ERROR(RequireOutput(ctx, i, &out));
    if (out->type != in->type) return ctx.FailUnsupportedTypes();
    bool ok = out->rank == in->rank;
    for (int d = 0; ok && d < in->rank; ++d) ok = d == axis || out->dims[d] == in->dims[d];
    if (!ok) {
      return ctx.Fail(Status::kInvalidModel,
                      "output %d must match the input's shape except along axis %d", i, axis);
    }
    if (equal_parts && out->dims[axis] != ctx.output(0)->dims[axis]) {
      return ctx.Fail(Status::kInvalidModel, "output %d has %d along axis %d, output 0 has %d", i,
                      static_cast<int>(out->dims[axis]), axis,
                      static_cast<int>(ctx.output(0)->dims[axis]));
    }
    total += out->dims[axis];
  }
  if (total != in->dims[axis]) {
    return ctx.Fail(Status::kInvalidModel, "outputs add up to %lld along axis %d, input has %d",
                    static_cast<long long>(total), axis, static_cast<int>(in->dims[axis]));
  }
  SplitData* data = ctx.AllocatePersistent<SplitData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->axis = axis;
  data->input = input_index;
  return Status::kOk;
}

inline Status EvalSplit(OpContext& ctx) {
  const SplitData& data = *ctx.op_data_as<SplitData>();
  const Tensor& in = *ctx.input(data.input);
  size_t outer = 1;
  for (int d = 0; d < data.axis; ++d) outer *= static_cast<size_t>(in.dims[d]);
  size_t inner = TensorTypeSize(in.type);
  for (int d = data.axis + 1; d < in.rank; ++d) inner *= static_cast<size_t>(in.dims[d]);
  const uint8_t* src = in.data_as<const uint8_t>();
  const int n = ctx.num_outputs();
  for (size_t k = 0; k < outer; ++k) {
    for (int i = 0; i < n; ++i) {
      const Tensor& out = *ctx.output(i);
      const size_t chunk = static_cast<size_t>(out.dims[data.axis]) * inner;
      if (chunk == 0) continue;
      memcpy(out.data_as<uint8_t>() + k * chunk, src, chunk);
      src += chunk;
    }
  }
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_SPLIT_ALONG_AXIS_H_
