// CAST between float32, int8, int16, int32, uint32 and bool: the pairs TFLM
// converts. Integer narrowing wraps (two's complement); float-to-integer
// truncates toward zero and saturates (NaN gives 0), as TFLM does.
#include <stdint.h>

#include <cmath>
#include <limits>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

bool IsCastType(TensorType t) {
  return t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16 ||
         t == TensorType::kINT32 || t == TensorType::kUINT32 || t == TensorType::kBOOL;
}

Status CastPrepare(OpContext& ctx) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  if (!IsCastType(in->type) || !IsCastType(out->type)) return ctx.FailUnsupportedTypes();
  return Status::kOk;
}

// A bool tensor element: any nonzero byte is true.
struct BoolByte {
  uint8_t byte;
};

// Source values as integers of type Out, floats and truth values.
template <typename Out, typename In>
Out AsInteger(In v) {
  return static_cast<Out>(static_cast<uint64_t>(static_cast<int64_t>(v)));
}
template <typename Out>
Out AsInteger(float v) {
  const double lo = std::numeric_limits<Out>::min();
  const double hi = std::numeric_limits<Out>::max();
  if (std::isnan(v)) return 0;
  if (v <= lo) return std::numeric_limits<Out>::min();
  if (v >= hi) return std::numeric_limits<Out>::max();
  return static_cast<Out>(v);
}
template <typename Out>
Out AsInteger(BoolByte v) {
  return v.byte != 0 ? 1 : 0;
}

template <typename In>
float AsFloat(In v) {
  return static_cast<float>(v);
}
float AsFloat(BoolByte v) {
  return v.byte != 0 ? 1.0f : 0.0f;
}

template <typename In>
bool IsNonZero(In v) {
  return v != 0;
}
bool IsNonZero(BoolByte v) {
  return v.byte != 0;
}

template <typename In, typename Out>
void CastToInteger(const In* x, Out* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) y[i] = AsInteger<Out>(x[i]);
}

template <typename In>
void CastFrom(const In* x, const Tensor& out, uint32_t n) {
  switch (out.type) {
    case TensorType::kFLOAT32: {
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = AsFloat(x[i]);
      break;
    }
    case TensorType::kINT8:
      CastToInteger(x, out.data_as<int8_t>(), n);
      break;
    case TensorType::kINT16:
      CastToInteger(x, out.data_as<int16_t>(), n);
      break;
    case TensorType::kINT32:
      CastToInteger(x, out.data_as<int32_t>(), n);
      break;
    case TensorType::kUINT32:
      CastToInteger(x, out.data_as<uint32_t>(), n);
      break;
    default: {
      uint8_t* y = out.data_as<uint8_t>();
      for (uint32_t i = 0; i < n; ++i) y[i] = IsNonZero(x[i]) ? 1 : 0;
      break;
    }
  }
}

Status CastEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32:
      CastFrom(in.data_as<const float>(), out, n);
      break;
    case TensorType::kINT8:
      CastFrom(in.data_as<const int8_t>(), out, n);
      break;
    case TensorType::kINT16:
      CastFrom(in.data_as<const int16_t>(), out, n);
      break;
    case TensorType::kINT32:
      CastFrom(in.data_as<const int32_t>(), out, n);
      break;
    case TensorType::kUINT32:
      CastFrom(in.data_as<const uint32_t>(), out, n);
      break;
    default:
      CastFrom(in.data_as<const BoolByte>(), out, n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterCast = {
    static_cast<int32_t>(BuiltinOp::kCAST), nullptr, 6, CastPrepare, CastEval, nullptr,
    "float32 int8 int16 int32 uint32 bool"};

}  // namespace microml
