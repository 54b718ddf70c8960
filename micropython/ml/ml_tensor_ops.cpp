// Quantization of input values and dequantization of outputs.
#include "ml_tensor_ops.h"

#include <math.h>
#include <string.h>

#include <limits>

namespace {

template <typename T>
T Saturate(float q) {
  constexpr float lo = static_cast<float>(std::numeric_limits<T>::min());
  constexpr float hi = static_cast<float>(std::numeric_limits<T>::max());
  return static_cast<T>(q < lo ? lo : (q > hi ? hi : q));
}

// round(v / scale) + zero_point with TFLite's rounding (half away from zero);
// done in float like TFLite's reference quantizer.
float Scaled(float v, float scale, int32_t zero_point) {
  if (v != v) {
    v = 0.0f;
  }
  return roundf(v / scale) + static_cast<float>(zero_point);
}

template <typename T>
void Store(void* dst, size_t i, T value) {
  memcpy(static_cast<uint8_t*>(dst) + i * sizeof(T), &value, sizeof(T));
}

template <typename T>
T Load(const void* src, size_t i) {
  T value;
  memcpy(&value, static_cast<const uint8_t*>(src) + i * sizeof(T), sizeof(T));
  return value;
}

template <typename T>
void Dequantize(const void* src, size_t n, float scale, int32_t zero_point, float* dst) {
  for (size_t i = 0; i < n; ++i) {
    dst[i] = static_cast<float>(static_cast<int32_t>(Load<T>(src, i)) - zero_point) * scale;
  }
}

}  // namespace

extern "C" {

void ml_quantize_one(float v, void* dst, size_t i, char dtype, float scale, int32_t zero_point) {
  switch (dtype) {
    case 'f':
      Store<float>(dst, i, v);
      break;
    case 'b':
      Store<int8_t>(dst, i, Saturate<int8_t>(Scaled(v, scale, zero_point)));
      break;
    case 'B':
      Store<uint8_t>(dst, i, Saturate<uint8_t>(Scaled(v, scale, zero_point)));
      break;
    case 'h':
      Store<int16_t>(dst, i, Saturate<int16_t>(Scaled(v, scale, zero_point)));
      break;
    case 'H':
      Store<uint16_t>(dst, i, Saturate<uint16_t>(Scaled(v, scale, zero_point)));
      break;
    case 'i': {
      // float cannot hold INT32_MAX exactly; clamp in double.
      double q = v != v ? 0.0 : static_cast<double>(roundf(v / scale)) + zero_point;
      q = q < -2147483648.0 ? -2147483648.0 : (q > 2147483647.0 ? 2147483647.0 : q);
      Store<int32_t>(dst, i, static_cast<int32_t>(q));
      break;
    }
    default:
      break;
  }
}

void ml_quantize_f32(const float* src, size_t n, void* dst, char dtype, float scale,
                     int32_t zero_point) {
  if (dtype == 'f') {
    memcpy(dst, src, n * sizeof(float));
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    ml_quantize_one(src[i], dst, i, dtype, scale, zero_point);
  }
}

void ml_quantize_f64(const double* src, size_t n, void* dst, char dtype, float scale,
                     int32_t zero_point) {
  for (size_t i = 0; i < n; ++i) {
    ml_quantize_one(static_cast<float>(src[i]), dst, i, dtype, scale, zero_point);
  }
}

void ml_dequantize(const void* src, size_t n, char dtype, float scale, int32_t zero_point,
                   float* dst) {
  switch (dtype) {
    case 'f':
      memcpy(dst, src, n * sizeof(float));
      break;
    case 'b':
      Dequantize<int8_t>(src, n, scale, zero_point, dst);
      break;
    case 'B':
      Dequantize<uint8_t>(src, n, scale, zero_point, dst);
      break;
    case 'h':
      Dequantize<int16_t>(src, n, scale, zero_point, dst);
      break;
    case 'H':
      Dequantize<uint16_t>(src, n, scale, zero_point, dst);
      break;
    case 'i':
      for (size_t i = 0; i < n; ++i) {
        dst[i] =
            static_cast<float>(static_cast<int64_t>(Load<int32_t>(src, i)) - zero_point) * scale;
      }
      break;
    default:
      break;
  }
}

}  // extern "C"
