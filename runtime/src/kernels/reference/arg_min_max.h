// Prepare and eval shared by ARG_MAX and ARG_MIN: the index of the largest or
// smallest value along one axis, for float32 and int8 inputs (int8 compared
// raw) and an int32 output, TFLM's set. Ties keep the first index; a NaN never
// wins a comparison. The axis (one int32) may be a runtime input, as in TFLM;
// the output shape is then checked once its value is known.
#ifndef MICROML_KERNELS_REFERENCE_ARG_MIN_MAX_H_
#define MICROML_KERNELS_REFERENCE_ARG_MIN_MAX_H_

#include <stdint.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

struct ArgMinMaxData {
  bool axis_constant;
  int32_t axis;  // resolved, when axis_constant
};

// The axis of this invocation, in [0, rank), and the output shape it implies.
inline Status ResolveArgAxis(OpContext& ctx, const Tensor& input, const Tensor& axis_tensor,
                             const Tensor& output, int32_t* axis) {
  const int32_t raw = axis_tensor.data_as<const int32_t>()[0];
  const int32_t a = raw < 0 ? raw + input.rank : raw;
  if (a < 0 || a >= input.rank) {
    return ctx.Fail(Status::kInvalidModel, "axis %d out of range for rank %d",
                    static_cast<int>(raw), input.rank);
  }
  bool same = output.rank == input.rank - 1;
  for (int d = 0, o = 0; same && d < input.rank; ++d) {
    if (d != a) same = output.dims[o++] == input.dims[d];
  }
  if (!same) {
    return ctx.Fail(Status::kInvalidModel,
                    "output has rank %d and %u elements, input rank %d without axis %d differs",
                    output.rank, static_cast<unsigned>(output.element_count()), input.rank,
                    static_cast<int>(a));
  }
  *axis = a;
  return Status::kOk;
}

inline Status PrepareArgMinMax(OpContext& ctx) {
  ArgMinMaxData* data = ctx.AllocatePersistent<ArgMinMaxData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *input, *axis, *output;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &input));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &axis));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &output));
  if (!IsOneOf(input->type, TensorType::kFLOAT32, TensorType::kINT8) ||
      axis->type != TensorType::kINT32 || output->type != TensorType::kINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (axis->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "axis holds %u values, expected 1",
                    static_cast<unsigned>(axis->element_count()));
  }
  if (input->rank < 1) return ctx.Fail(Status::kInvalidModel, "input is a scalar");
  data->axis_constant = axis->is_constant();
  if (!data->axis_constant) return Status::kOk;
  return ResolveArgAxis(ctx, *input, *axis, *output, &data->axis);
}

template <bool kMax, typename T>
void ArgMinMax(const Tensor& input, int axis, int32_t* out) {
  uint32_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= static_cast<uint32_t>(input.dims[d]);
  for (int d = axis + 1; d < input.rank; ++d) inner *= static_cast<uint32_t>(input.dims[d]);
  const uint32_t size = static_cast<uint32_t>(input.dims[axis]);
  // An empty axis leaves index 0, where TFLM would read past the input.
  if (size == 0) {
    for (uint32_t k = 0; k < outer * inner; ++k) out[k] = 0;
    return;
  }
  const T* x = input.data_as<const T>();
  for (uint32_t o = 0; o < outer; ++o) {
    for (uint32_t i = 0; i < inner; ++i) {
      const T* row = x + o * size * inner + i;
      T best = row[0];
      int32_t best_index = 0;
      for (uint32_t j = 1; j < size; ++j) {
        const T v = row[j * inner];
        if (kMax ? v > best : v < best) {
          best = v;
          best_index = static_cast<int32_t>(j);
        }
      }
      out[o * inner + i] = best_index;
    }
  }
}

template <bool kMax>
Status EvalArgMinMax(OpContext& ctx) {
  const ArgMinMaxData& d = *ctx.op_data_as<ArgMinMaxData>();
  const Tensor& input = *ctx.input(0);
  const Tensor& output = *ctx.output(0);
  int32_t axis = d.axis;
  if (!d.axis_constant) {
    MICROML_RETURN_IF_ERROR(ResolveArgAxis(ctx, input, *ctx.input(1), output, &axis));
  }
  if (input.type == TensorType::kFLOAT32) {
    ArgMinMax<kMax, float>(input, axis, output.data_as<int32_t>());
  } else {
    ArgMinMax<kMax, int8_t>(input, axis, output.data_as<int32_t>());
  }
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_ARG_MIN_MAX_H_
