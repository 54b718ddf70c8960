// Output size and padding for windowed operators (conv, pooling), per the
// schema's Padding enum: SAME = 0, VALID = 1. Same arithmetic as TFLM's
// ComputeOutSize / ComputePaddingWithOffset, done in 64 bits so that hostile
// strides or dilations cannot overflow; results are clamped to int32.
#ifndef MICROML_KERNELS_PADDING_H_
#define MICROML_KERNELS_PADDING_H_

#include <stdint.h>

namespace microml {

enum class Padding : int8_t { kSame = 0, kValid = 1 };

namespace padding_detail {
inline int32_t ClampToInt32(int64_t v) {
  if (v > INT32_MAX) return INT32_MAX;
  if (v < INT32_MIN) return INT32_MIN;
  return static_cast<int32_t>(v);
}
}  // namespace padding_detail

// 0 when stride is not positive (TFLM's convention); callers reject outputs < 1.
inline int32_t WindowOutputSize(Padding padding, int32_t in, int32_t filter, int32_t stride,
                                int32_t dilation) {
  if (stride <= 0) return 0;
  const int64_t effective = (static_cast<int64_t>(filter) - 1) * dilation + 1;
  if (padding == Padding::kSame) {
    return padding_detail::ClampToInt32((static_cast<int64_t>(in) + stride - 1) / stride);
  }
  return padding_detail::ClampToInt32((static_cast<int64_t>(in) + stride - effective) / stride);
}

// Leading padding; `*extra` receives the odd pixel that goes to the trailing side.
inline int32_t WindowPadding(int32_t stride, int32_t dilation, int32_t in, int32_t filter,
                             int32_t out, int32_t* extra) {
  const int64_t effective = (static_cast<int64_t>(filter) - 1) * dilation + 1;
  int64_t total = (static_cast<int64_t>(out) - 1) * stride + effective - in;
  if (total < 0) total = 0;
  *extra = static_cast<int32_t>(total % 2);
  return padding_detail::ClampToInt32(total / 2);
}

}  // namespace microml

#endif  // MICROML_KERNELS_PADDING_H_
