// PAD and PADV2 (constant padding) for float32, int8, int16 and int32 tensors
// of up to 5 dimensions. Paddings must be a constant int32 [rank, 2] tensor.
// The fill value is the optional third input, else 0 (the zero point for int8;
// TFLM fills int16 with 0 whatever its zero point).
#include "kernels/prepare/pad.h"

#include <string.h>

#include "microml/kernels.h"

namespace microml {

namespace {

template <typename T>
void Fill(T* p, int32_t n, T v) {
  for (int32_t i = 0; i < n; ++i) p[i] = v;
}

template <typename T>
void PadImpl(const Tensor& in, const int32_t* pads, T value, const Tensor& out) {
  int32_t in_dims[kMaxPadRank], out_dims[kMaxPadRank], before[kMaxPadRank], after[kMaxPadRank];
  const int lead = kMaxPadRank - in.rank;
  for (int i = 0; i < kMaxPadRank; ++i) {
    const bool real = i >= lead;
    in_dims[i] = real ? in.dims[i - lead] : 1;
    out_dims[i] = real ? out.dims[i - lead] : 1;
    before[i] = real ? pads[2 * (i - lead)] : 0;
    after[i] = real ? pads[2 * (i - lead) + 1] : 0;
  }
  const T* src = in.data_as<const T>();
  T* dst = out.data_as<T>();
  const int32_t row = out_dims[4];
  const auto inside = [&](int d, int32_t i) {
    return i >= before[d] && i < out_dims[d] - after[d];
  };
  for (int32_t i0 = 0; i0 < out_dims[0]; ++i0) {
    for (int32_t i1 = 0; i1 < out_dims[1]; ++i1) {
      for (int32_t i2 = 0; i2 < out_dims[2]; ++i2) {
        for (int32_t i3 = 0; i3 < out_dims[3]; ++i3, dst += row) {
          if (!(inside(0, i0) && inside(1, i1) && inside(2, i2) && inside(3, i3))) {
            Fill(dst, row, value);
            continue;
          }
          Fill(dst, before[4], value);
          if (in_dims[4] > 0) {
            memcpy(dst + before[4], src, static_cast<size_t>(in_dims[4]) * sizeof(T));
            src += in_dims[4];
          }
          Fill(dst + before[4] + in_dims[4], after[4], value);
        }
      }
    }
  }
}

template <typename T>
void PadTyped(const Tensor& in, const Tensor& paddings, const Tensor* value, T default_value,
              const Tensor& out) {
  const T fill = value != nullptr ? *value->data_as<const T>() : default_value;
  PadImpl<T>(in, paddings.data_as<const int32_t>(), fill, out);
}

Status PadEval(OpContext& ctx) {
  reference::Pad(*ctx.op_data_as<PadData>(), *ctx.input(0), *ctx.input(1), ctx.input(2),
                 *ctx.output(0));
  return Status::kOk;
}

}  // namespace

namespace reference {

void Pad(const PadData& d, const Tensor& in, const Tensor& paddings, const Tensor* value,
         const Tensor& out) {
  switch (in.type) {
    case TensorType::kFLOAT32:
      PadTyped<float>(in, paddings, value, 0.0f, out);
      break;
    case TensorType::kINT8:
      PadTyped<int8_t>(in, paddings, value, static_cast<int8_t>(d.default_value), out);
      break;
    case TensorType::kINT16:
      PadTyped<int16_t>(in, paddings, value, 0, out);
      break;
    default:
      PadTyped<int32_t>(in, paddings, value, 0, out);
      break;
  }
}

}  // namespace reference

const KernelRegistration kRegisterPad = {static_cast<int32_t>(BuiltinOp::kPAD),
                                         nullptr,
                                         4,
                                         PadPrepare,
                                         PadEval,
                                         nullptr,
                                         "float32 int8 int16 int32"};

const KernelRegistration kRegisterPadV2 = {static_cast<int32_t>(BuiltinOp::kPADV2),
                                           nullptr,
                                           4,
                                           PadPrepare,
                                           PadEval,
                                           nullptr,
                                           "float32 int8 int16 int32"};

}  // namespace microml
