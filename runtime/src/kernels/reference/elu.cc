// ELU: float32 (expm1 below zero) and int8 through a 256-entry table built at
// prepare from the float function, as TFLM does.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct EluData {
  int8_t table[256];  // indexed by the input byte
};

float EluForTable(float x) {
  return x < 0.0f ? std::exp(x) - 1.0f : x;
}

Status EluPrepare(OpContext& ctx) {
  TensorType t = TensorType::kFLOAT32;
  EluData* d = nullptr;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR((PrepareActivation<EluData, false>(ctx, &t, &d, &qi, &qo)));
  if (d == nullptr) return Status::kOk;
  // Every step in float, in TFLM's order.
  const float inverse_scale = 1.0f / qo.scale;
  for (int32_t v = -128; v <= 127; ++v) {
    const float dequantized = qi.scale * static_cast<float>(v - qi.zero_point);
    const float rescaled = std::round(EluForTable(dequantized) * inverse_scale);
    const float shifted = rescaled + static_cast<float>(qo.zero_point);
    // Saturating before converting keeps the conversion defined; NaN (from an
    // infinite inverse scale) lands on -128 as TFLM's x86 build gives.
    const int32_t q =
        !(shifted > -128.0f) ? -128 : (shifted >= 127.0f ? 127 : static_cast<int32_t>(shifted));
    d->table[static_cast<uint8_t>(static_cast<int8_t>(v))] = static_cast<int8_t>(q);
  }
  return Status::kOk;
}

float EluFloat(float x) {
  return x < 0.0f ? std::expm1(x) : x;
}

Status EluEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  if (in.type == TensorType::kFLOAT32) return EvalFloatUnary<EluFloat>(ctx);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  const EluData& d = *ctx.op_data_as<EluData>();
  const uint8_t* x = in.data_as<const uint8_t>();
  int8_t* y = out.data_as<int8_t>();
  for (uint32_t i = 0; i < n; ++i) y[i] = d.table[x[i]];
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterElu = {static_cast<int32_t>(BuiltinOp::kELU),
                                         nullptr,
                                         1,
                                         EluPrepare,
                                         EluEval,
                                         nullptr,
                                         "float32 int8"};

}  // namespace microml
