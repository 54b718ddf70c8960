// Element conversions between Python-side floats and model tensors (C++).
#ifndef MICROPY_ML_TENSOR_OPS_H
#define MICROPY_ML_TENSOR_OPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Stores real value v as element i of a `dtype` tensor: float tensors take it
// as is, integer ones get round(v / scale) + zero_point (halves away from
// zero), clamped to the type's range; NaN counts as 0.
void ml_quantize_one(float v, void* dst, size_t i, char dtype, float scale, int32_t zero_point);
void ml_quantize_f32(const float* src, size_t n, void* dst, char dtype, float scale,
                     int32_t zero_point);
void ml_quantize_f64(const double* src, size_t n, void* dst, char dtype, float scale,
                     int32_t zero_point);

// dst[i] = (src[i] - zero_point) * scale in float (a copy for float tensors).
void ml_dequantize(const void* src, size_t n, char dtype, float scale, int32_t zero_point,
                   float* dst);

#ifdef __cplusplus
}
#endif

#endif  // MICROPY_ML_TENSOR_OPS_H
