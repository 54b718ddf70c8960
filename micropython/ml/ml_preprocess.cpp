// Image to input tensor (see ml_preprocess.h).
#include "ml_preprocess.h"

#include <math.h>

#include "ml_tensor_ops.h"

namespace {

struct Rgb {
  float c[3];
};

Rgb Fetch(const ml_image_t& img, int32_t x, int32_t y) {
  const size_t at =
      static_cast<size_t>(y) * static_cast<size_t>(img.width) + static_cast<size_t>(x);
  Rgb p;
  switch (img.format) {
    case ML_PIXEL_GRAY8: {
      const float g = img.pixels[at];
      p.c[0] = p.c[1] = p.c[2] = g;
      break;
    }
    case ML_PIXEL_RGB565: {
      const uint32_t v = static_cast<uint32_t>(img.pixels[2 * at]) |
                         (static_cast<uint32_t>(img.pixels[2 * at + 1]) << 8);
      const uint32_t r = (v >> 11) & 0x1F;
      const uint32_t g = (v >> 5) & 0x3F;
      const uint32_t b = v & 0x1F;
      // Replicate the top bits so that full scale maps to 255.
      p.c[0] = static_cast<float>((r << 3) | (r >> 2));
      p.c[1] = static_cast<float>((g << 2) | (g >> 4));
      p.c[2] = static_cast<float>((b << 3) | (b >> 2));
      break;
    }
    default: {
      const uint8_t* q = img.pixels + 3 * at;
      p.c[0] = q[0];
      p.c[1] = q[1];
      p.c[2] = q[2];
      break;
    }
  }
  return p;
}

float Luma(const float* c) {
  return 0.299f * c[0] + 0.587f * c[1] + 0.114f * c[2];
}

// Source coordinate of destination index i (pixel centres aligned), clamped to the roi.
void SourceAxis(int32_t i, int32_t out_len, int32_t start, int32_t len, int32_t* i0, int32_t* i1,
                float* frac) {
  float s = static_cast<float>(start) +
            (static_cast<float>(i) + 0.5f) * static_cast<float>(len) / static_cast<float>(out_len) -
            0.5f;
  const float last = static_cast<float>(start + len - 1);
  if (s < static_cast<float>(start)) {
    s = static_cast<float>(start);
  }
  if (s > last) {
    s = last;
  }
  *i0 = static_cast<int32_t>(floorf(s));
  *i1 = *i0 + 1 > start + len - 1 ? *i0 : *i0 + 1;
  *frac = s - static_cast<float>(*i0);
}

}  // namespace

extern "C" void ml_preprocess_image(const ml_image_t* image, const ml_norm_t* norm,
                                    const ml_image_tensor_t* out) {
  const ml_image_t& img = *image;
  const int32_t channels = out->channels;
  const bool colour_source = img.format != ML_PIXEL_GRAY8;
  // value = pixel * gain[c] + offset[c]
  float gain[3];
  float offset[3];
  for (int c = 0; c < 3; ++c) {
    float mean = norm->mean[c];
    float stdev = norm->stdev[c];
    if (channels == 1) {
      mean = Luma(norm->mean);
      stdev = Luma(norm->stdev);
    }
    gain[c] = (norm->hi - norm->lo) / 255.0f / stdev;
    offset[c] = (norm->lo - mean) / stdev;
  }
  size_t index = 0;
  for (int32_t y = 0; y < out->height; ++y) {
    int32_t y0, y1;
    float fy;
    SourceAxis(y, out->height, img.roi_y, img.roi_h, &y0, &y1, &fy);
    for (int32_t x = 0; x < out->width; ++x) {
      int32_t x0, x1;
      float fx;
      SourceAxis(x, out->width, img.roi_x, img.roi_w, &x0, &x1, &fx);
      const Rgb p00 = Fetch(img, x0, y0);
      const Rgb p01 = Fetch(img, x1, y0);
      const Rgb p10 = Fetch(img, x0, y1);
      const Rgb p11 = Fetch(img, x1, y1);
      float v[3];
      for (int c = 0; c < 3; ++c) {
        const float top = p00.c[c] + (p01.c[c] - p00.c[c]) * fx;
        const float bottom = p10.c[c] + (p11.c[c] - p10.c[c]) * fx;
        v[c] = top + (bottom - top) * fy;
      }
      if (channels == 1) {
        const float g = colour_source ? Luma(v) : v[0];
        ml_quantize_one(g * gain[0] + offset[0], out->data, index++, out->dtype, out->scale,
                        out->zero_point);
      } else {
        for (int c = 0; c < 3; ++c) {
          ml_quantize_one(v[c] * gain[c] + offset[c], out->data, index++, out->dtype, out->scale,
                          out->zero_point);
        }
      }
    }
  }
}
