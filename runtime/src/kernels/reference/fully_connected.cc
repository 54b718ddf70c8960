// FULLY_CONNECTED reference computes, bit-exact with TFLM's reference kernel,
// and the reference registration.
#include "kernels/prepare/fully_connected.h"

#include <stdint.h>

#include "kernels/reference/conv_compute.h"
#include "microml/kernels.h"

namespace microml {
namespace {

// Acc is TFLM's accumulator type: float for float, int32 for int8, and for
// int16 the bias type (int64 without bias).
template <typename In, typename Weights, typename Acc>
void Multiply(const FullyConnectedParams& d, const In* input, Weights filter, const Acc* bias,
              In* output) {
  for (int32_t b = 0; b < d.batches; ++b) {
    const In* in = input + b * d.depth;
    for (int32_t u = 0; u < d.units; ++u) {
      const int32_t w0 = u * d.depth;
      Acc acc = 0;
      for (int32_t i = 0; i < d.depth; ++i) {
        acc = conv::Accumulate(acc, in[i], filter[w0 + i], d.input_offset);
      }
      output[b * d.units + u] = conv::OutputValue<In>(d, acc, bias, u);
    }
  }
}

}  // namespace

namespace reference {

void FullyConnectedFloat(const FullyConnectedParams& d, const float* input, const float* filter,
                         const float* bias, float* output) {
  Multiply(d, input, filter, bias, output);
}

void FullyConnectedInt8(const FullyConnectedParams& d, const int8_t* input, const int8_t* filter,
                        const int32_t* bias, int8_t* output) {
  Multiply(d, input, conv::Int8Weights{filter}, bias, output);
}

void FullyConnectedInt8Int4(const FullyConnectedParams& d, const int8_t* input,
                            const uint8_t* filter, const int32_t* bias, int8_t* output) {
  Multiply(d, input, conv::Int4Weights{filter}, bias, output);
}

void FullyConnectedInt16(const FullyConnectedParams& d, const int16_t* input, const int8_t* filter,
                         const int32_t* bias, int16_t* output) {
  Multiply(d, input, conv::Int8Weights{filter}, bias, output);
}

void FullyConnectedInt16Bias64(const FullyConnectedParams& d, const int16_t* input,
                               const int8_t* filter, const int64_t* bias, int16_t* output) {
  Multiply(d, input, conv::Int8Weights{filter}, bias, output);
}

Status FullyConnectedEval(OpContext& ctx) {
  return FullyConnectedEvalWith(ctx, *ctx.op_data_as<FullyConnectedParams>());
}

Status FullyConnectedEvalWith(OpContext& ctx, const FullyConnectedParams& d) {
  const Tensor& input = *ctx.input(0);
  const Tensor& filter = *ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor& output = *ctx.output(0);
  const void* b = bias != nullptr ? bias->data : nullptr;
  switch (d.kind) {
    case FullyConnectedKind::kFloat:
      FullyConnectedFloat(d, input.data_as<const float>(), filter.data_as<const float>(),
                          static_cast<const float*>(b), output.data_as<float>());
      break;
    case FullyConnectedKind::kInt8:
      FullyConnectedInt8(d, input.data_as<const int8_t>(), filter.data_as<const int8_t>(),
                         static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case FullyConnectedKind::kInt8Int4:
      FullyConnectedInt8Int4(d, input.data_as<const int8_t>(), filter.data_as<const uint8_t>(),
                             static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case FullyConnectedKind::kInt16Bias32:
      FullyConnectedInt16(d, input.data_as<const int16_t>(), filter.data_as<const int8_t>(),
                          static_cast<const int32_t*>(b), output.data_as<int16_t>());
      break;
    case FullyConnectedKind::kInt16Bias64:
      FullyConnectedInt16Bias64(d, input.data_as<const int16_t>(), filter.data_as<const int8_t>(),
                                static_cast<const int64_t*>(b), output.data_as<int16_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace reference

const KernelRegistration kRegisterFullyConnected = {
    static_cast<int32_t>(BuiltinOp::kFULLY_CONNECTED),
    nullptr,
    13,
    FullyConnectedPrepare,
    reference::FullyConnectedEval,
    nullptr,
    "float32 int8 int8_int4 int16 int16_b32"};

}  // namespace microml
