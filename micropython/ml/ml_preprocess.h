// Image to input tensor: crop, resize, colour conversion, normalization and
// (in the quantized mapping) quantization in one pass (C++).
#ifndef MICROPY_ML_PREPROCESS_H
#define MICROPY_ML_PREPROCESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { ML_PIXEL_GRAY8 = 1, ML_PIXEL_RGB565 = 2, ML_PIXEL_RGB888 = 3 };

typedef struct {
  const uint8_t* pixels;  // row-major; RGB565 little-endian, red in the top bits
  int32_t width;
  int32_t height;
  int32_t format;                      // ML_PIXEL_*, which is also the bytes per pixel
  int32_t roi_x, roi_y, roi_w, roi_h;  // inside the image (a roi reaching outside it is
                                       // cut to the image first), w and h >= 1
} ml_image_t;

typedef struct {
  float lo, hi;  // pixel 0 maps to lo, 255 to hi
  float mean[3];
  float stdev[3];  // non-zero
} ml_norm_t;

typedef struct {
  void* data;
  int32_t height, width, channels;  // channels 1 or 3
  char dtype;                       // 'b' 'B' 'h' 'H' 'f'
  float scale;
  int32_t zero_point;
} ml_image_tensor_t;

// OpenMV's mapping (the default): the roi is drawn into the tensor's H x W with
// imlib's fixed-point bilinear scaling in the grayscale (1-channel tensor) or
// RGB565 (3-channel) domain, then stored as the pixel value (uint8), pixel ^
// 0x80 (int8) or, for float tensors only, pixel * (hi - lo) / 255 / stdev +
// (lo - mean) / stdev; the tensor's scale and zero point are not used. dtype is
// 'b', 'B' or 'f'. Where imlib's float arithmetic stretches the roi one pixel
// short of the tensor, OpenMV leaves stale tensor bytes; that row or column is
// black (pixel 0) here.
void ml_preprocess_image_openmv(const ml_image_t* image, const ml_norm_t* norm,
                                const ml_image_tensor_t* out);

// The quantized mapping (Normalization(quantize=True), and int16 tensors):
// float bilinear resize with pixel centres aligned, then
// value = ((pixel / 255) * (hi - lo) + lo - mean[c]) / stdev[c], stored
// quantized with the tensor's scale and zero point (float tensors as is).
// Grayscale tensors from colour images take the luma 0.299 R + 0.587 G + 0.114 B
// and the same weighting of mean and stdev.
void ml_preprocess_image(const ml_image_t* image, const ml_norm_t* norm,
                         const ml_image_tensor_t* out);

#ifdef __cplusplus
}
#endif

#endif  // MICROPY_ML_PREPROCESS_H
