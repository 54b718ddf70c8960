// CUMSUM: running sums along one axis, optionally exclusive (each output omits
// its own element) and/or reversed (summing from the end); float32 and
// per-tensor quantized int8, TFLM's set. The axis (one int32) may be a runtime
// input, as in TFLM, which then checks it on every invocation.
// The int8 path is TFLM's sum (int8_sum.h), each running sum rescaled to the
// output.
#include "kernels/reference/int8_sum.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kExclusiveField = 0;
constexpr int kReverseField = 1;

struct CumsumData {
  bool exclusive;
  bool reverse;
  bool axis_constant;
  int32_t axis;        // resolved, when axis_constant
  Int8SumQuant quant;  // int8
};

Status ResolveAxis(OpContext& ctx, const Tensor& input, const Tensor& axis, int32_t* resolved) {
  const int32_t raw = axis.data_as<const int32_t>()[0];
  const int32_t a = raw < 0 ? raw + input.rank : raw;
  if (a < 0 || a >= input.rank) {
    return ctx.Fail(Status::kInvalidModel, "axis %d out of range for rank %d",
                    static_cast<int>(raw), input.rank);
  }
  *resolved = a;
  return Status::kOk;
}

Status CumsumPrepare(OpContext& ctx) {
  CumsumData* data = ctx.AllocatePersistent<CumsumData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *input, *axis, *output;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &input));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &axis));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &output));
  const TensorType t = input->type;
  if (!IsOneOf(t, TensorType::kFLOAT32, TensorType::kINT8) || output->type != t ||
      axis->type != TensorType::kINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (axis->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "axis holds %u values, expected 1",
                    static_cast<unsigned>(axis->element_count()));
  }
  if (input->rank < 1) return ctx.Fail(Status::kInvalidModel, "input is a scalar");
  if (!SameShape(*input, *output)) {
    return ctx.Fail(Status::kInvalidModel,
                    "output shape (rank %d, %u elements) differs from input shape (rank %d, %u "
                    "elements)",
                    output->rank, static_cast<unsigned>(output->element_count()), input->rank,
                    static_cast<unsigned>(input->element_count()));
  }
  const TableRef options = OptionsAs(ctx, OptionsType::kCumsumOptions);
  data->exclusive = options.GetBool(kExclusiveField, false);
  data->reverse = options.GetBool(kReverseField, false);
  data->axis_constant = axis->is_constant();
  if (data->axis_constant) {
    MICROML_RETURN_IF_ERROR(ResolveAxis(ctx, *input, *axis, &data->axis));
  }
  if (t != TensorType::kINT8) return Status::kOk;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), t, "output", &qo));
  return PrepareInt8Sum(ctx, qi, qo, &data->quant);
}

// Runs `step(index, first)` along the axis for every line of the tensor, in
// summing order; `first` marks the start of a line.
template <typename F>
void ForEachLine(const Tensor& input, int axis, bool reverse, F step) {
  uint32_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= static_cast<uint32_t>(input.dims[d]);
  for (int d = axis + 1; d < input.rank; ++d) inner *= static_cast<uint32_t>(input.dims[d]);
  const uint32_t size = static_cast<uint32_t>(input.dims[axis]);
  for (uint32_t o = 0; o < outer; ++o) {
    for (uint32_t i = 0; i < inner; ++i) {
      for (uint32_t j = 0; j < size; ++j) {
        const uint32_t k = reverse ? size - 1 - j : j;
        step((o * size + k) * inner + i, j == 0);
      }
    }
  }
}

Status CumsumEval(OpContext& ctx) {
  const CumsumData& d = *ctx.op_data_as<CumsumData>();
  const Tensor& input = *ctx.input(0);
  int32_t axis = d.axis;
  if (!d.axis_constant) MICROML_RETURN_IF_ERROR(ResolveAxis(ctx, input, *ctx.input(1), &axis));
  const Tensor& output = *ctx.output(0);
  if (input.type == TensorType::kFLOAT32) {
    const float* x = input.data_as<const float>();
    float* y = output.data_as<float>();
    float sum = 0.0f;
    ForEachLine(input, axis, d.reverse, [&](uint32_t k, bool first) {
      if (first) sum = 0.0f;
      const float v = x[k];
      if (d.exclusive) {
        y[k] = sum;
        sum += v;
      } else {
        sum += v;
        y[k] = sum;
      }
    });
    return Status::kOk;
  }
  const int8_t* x = input.data_as<const int8_t>();
  int8_t* y = output.data_as<int8_t>();
  const Int8SumQuant& q = d.quant;
  const int32_t start = Int8SumInput(q, 0);
  int32_t sum = start;
  ForEachLine(input, axis, d.reverse, [&](uint32_t k, bool first) {
    if (first) sum = start;
    const int32_t v = Int8SumInput(q, x[k]);
    if (d.exclusive) {
      y[k] = Int8SumOutput(q, sum);
      sum = WrapAdd(sum, v);
    } else {
      sum = WrapAdd(sum, v);
      y[k] = Int8SumOutput(q, sum);
    }
  });
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterCumsum = {static_cast<int32_t>(BuiltinOp::kCUMSUM),
                                            nullptr,
                                            1,
                                            CumsumPrepare,
                                            CumsumEval,
                                            nullptr,
                                            "float32 int8"};

}  // namespace microml
