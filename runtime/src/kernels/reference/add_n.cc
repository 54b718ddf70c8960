// ADD_N: the sum of two or more tensors of one shape; float32 and per-tensor
// quantized int8 whose inputs share one scale and zero point, as in TFLM.
// The int8 sum is TFLM's (int8_sum.h).
#include "kernels/reference/int8_sum.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status AddNPrepare(OpContext& ctx) {
  if (ctx.num_inputs() < 2 || ctx.num_outputs() != 1) {
    return ctx.Fail(Status::kInvalidModel, "has %d inputs and %d outputs, expected 2 or more and 1",
                    ctx.num_inputs(), ctx.num_outputs());
  }
  Tensor *first, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &first));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = out->type;
  if (type != TensorType::kFLOAT32 && type != TensorType::kINT8) return ctx.FailUnsupportedTypes();
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    Tensor* in;
    MICROML_RETURN_IF_ERROR(RequireInput(ctx, i, &in));
    if (in->type != type) return ctx.FailUnsupportedTypes();
    if (!SameShape(*in, *out)) {
      return ctx.Fail(Status::kInvalidModel,
                      "input %d (rank %d, %u elements) and output (rank %d, %u elements) differ "
                      "in shape",
                      i, in->rank, static_cast<unsigned>(in->element_count()), out->rank,
                      static_cast<unsigned>(out->element_count()));
    }
  }
  if (type == TensorType::kFLOAT32) return Status::kOk;

  Int8SumQuant* data = ctx.AllocatePersistent<Int8SumQuant>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  QuantParams q0, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), type, "input 0", &q0));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), type, "output", &qo));
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    QuantParams q;
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(i), type, "input", &q));
    if (q.scale != q0.scale || q.zero_point != q0.zero_point) {
      return ctx.Fail(Status::kUnsupported,
                      "input %d zero point %d differs from input 0's %d or its scale does", i,
                      static_cast<int>(q.zero_point), static_cast<int>(q0.zero_point));
    }
  }
  return PrepareInt8Sum(ctx, q0, qo, data);
}

Status AddNEval(OpContext& ctx) {
  const Tensor& out = *ctx.output(0);
  const uint32_t n = out.element_count();
  const int num_inputs = ctx.num_inputs();
  if (out.type == TensorType::kFLOAT32) {
    float* y = out.data_as<float>();
    for (uint32_t i = 0; i < n; ++i) {
      float sum = 0.0f;
      for (int j = 0; j < num_inputs; ++j) sum += ctx.input(j)->data_as<const float>()[i];
      y[i] = sum;
    }
    return Status::kOk;
  }
  const Int8SumQuant& q = *ctx.op_data_as<Int8SumQuant>();
  const int32_t start = Int8SumInput(q, 0);
  int8_t* y = out.data_as<int8_t>();
  for (uint32_t i = 0; i < n; ++i) {
    int32_t sum = start;
    for (int j = 0; j < num_inputs; ++j) {
      sum = WrapAdd(sum, Int8SumInput(q, ctx.input(j)->data_as<const int8_t>()[i]));
    }
    y[i] = Int8SumOutput(q, sum);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterAddN = {static_cast<int32_t>(BuiltinOp::kADD_N),
                                          nullptr,
                                          1,
                                          AddNPrepare,
                                          AddNEval,
                                          nullptr,
                                          "float32 int8"};

}  // namespace microml
