// Image to input tensor exactly as OpenMV does it (see ml_preprocess.h).
//
// OpenMV's ml.preprocessing.Normalization draws the roi into an image over the
// tensor (grayscale for 1 channel, RGB565 for 3) with imlib's draw_image and
// the hints BILINEAR | CENTER | SCALE_ASPECT_IGNORE | BLACK_BACKGROUND, then
// converts that image in place with to_ndarray. The arithmetic below follows
// imlib: float32 scale factors, a 16.16 fixed-point source position per
// destination pixel, 8-bit (grayscale) or 5-bit (RGB565) interpolation
// weights with rounding, RGB565 channels blended in their own bit widths,
// and imlib's integer colour conversions.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ml_preprocess.h"

namespace {

// imlib's fast_floorf on int-sized values; saturating where OpenMV's would
// overflow (scales no sane roi reaches), so that nothing here is undefined.
int64_t FloorToInt(float v) {
  const float f = floorf(v);
  if (!(f > -2147483648.0f)) {
    return INT32_MIN;
  }
  if (f >= 2147483648.0f) {
    return INT32_MAX;
  }
  return static_cast<int64_t>(f);
}

// One axis of draw_image: which destination pixels are drawn and the 16.16
// source position of the first one.
struct Axis {
  int64_t dst_start;
  int64_t dst_end;
  int64_t accum;  // 16.16 source position of dst_start (absolute image coordinates)
  int64_t step;   // 16.16 source distance between destination pixels
  int32_t first;  // the roi's first and last source index: positions outside
  int32_t last;   // them read the edge pixel
};

Axis MakeAxis(int32_t dst_len, int32_t roi_start, int32_t roi_len) {
  Axis a;
  // SCALE_ASPECT_IGNORE: each axis stretched to the destination on its own.
  const float scale = static_cast<float>(dst_len) / static_cast<float>(roi_len);
  const int64_t scaled = FloorToInt(scale * static_cast<float>(roi_len));
  // CENTER. The float product can fall one pixel short: OpenMV then leaves the
  // last row or column undrawn (black here, see ml_preprocess.h).
  a.dst_start = FloorToInt(static_cast<float>(dst_len - scaled) / 2.0f);
  int64_t src_start = 0;
  if (a.dst_start < 0) {
    src_start = -a.dst_start;
    a.dst_start = 0;
  }
  a.dst_end = a.dst_start + scaled - src_start;
  if (a.dst_end > dst_len) {
    a.dst_end = dst_len;
  }
  src_start += FloorToInt(static_cast<float>(roi_start) * scale);
  a.step = FloorToInt(65536.0f / scale);
  a.accum = FloorToInt(static_cast<float>(src_start * 65536) / scale);
  a.first = roi_start;
  a.last = roi_start + roi_len - 1;
  return a;
}

// Source pixel in the drawing domain: grayscale stays 8-bit, colour becomes
// RGB565 (RGB888 sources are converted as imlib converts RGB888 values).
uint32_t Pixel(const ml_image_t& img, int32_t x, int32_t y) {
  const size_t at =
      static_cast<size_t>(y) * static_cast<size_t>(img.width) + static_cast<size_t>(x);
  switch (img.format) {
    case ML_PIXEL_GRAY8:
      return img.pixels[at];
    case ML_PIXEL_RGB565:
      return static_cast<uint32_t>(img.pixels[2 * at]) |
             (static_cast<uint32_t>(img.pixels[2 * at + 1]) << 8);
    default: {
      const uint8_t* p = img.pixels + 3 * at;
      return ((p[0] & 0xF8u) << 8) | ((p[1] & 0xFCu) << 3) | (p[2] >> 3);
    }
  }
}

// Weighted mean of two values with weights (one - f, f), rounded: imlib's
// SMLAD blend, done per RGB565 channel (5, 6, 5 bits) with a 5-bit weight and
// on grayscale with an 8-bit weight.
uint32_t Blend(uint32_t a, uint32_t b, uint32_t f, uint32_t bits) {
  const uint32_t one = 1u << bits;
  return ((one - f) * a + f * b + (one >> 1)) >> bits;
}

uint32_t BlendRgb565(uint32_t a, uint32_t b, uint32_t f) {
  const uint32_t r = Blend(a >> 11, b >> 11, f, 5);
  const uint32_t g = Blend((a >> 5) & 0x3F, (b >> 5) & 0x3F, f, 5);
  const uint32_t bl = Blend(a & 0x1F, b & 0x1F, f, 5);
  return (r << 11) | (g << 5) | bl;
}

// The two source indices around a 16.16 position, clamped to the roi the way
// imlib clamps them (both to the edge when outside).
void Neighbours(int64_t accum, const Axis& a, int32_t* i0, int32_t* i1) {
  const int64_t i = accum >> 16;
  if (i < a.first) {
    *i0 = *i1 = a.first;
  } else if (i >= a.last) {
    *i0 = *i1 = a.last;
  } else {
    *i0 = static_cast<int32_t>(i);
    *i1 = *i0 + 1;
  }
}

uint32_t R8(uint32_t p) {
  const uint32_t v = (p >> 8) & 0xF8;
  return v | (v >> 5);
}
uint32_t G8(uint32_t p) {
  const uint32_t v = (p >> 3) & 0xFC;
  return v | (v >> 6);
}
uint32_t B8(uint32_t p) {
  const uint32_t v = (p << 3) & 0xF8;
  return v | (v >> 5);
}

uint32_t Rgb565ToY(uint32_t p) {
  return (R8(p) * 38 + G8(p) * 75 + B8(p) * 15) >> 7;
}

uint32_t YToRgb565(uint32_t y) {
  const uint32_t rb = (y >> 3) & 0x1F;
  return rb * 0x0801 + ((y << 3) & 0x7E0);
}

float Luma(const float* c) {
  return c[0] * 0.299f + c[1] * 0.587f + c[2] * 0.114f;
}

// to_ndarray's conversion of one channel value, then (float tensors only)
// Normalization's `array *= fscale; array += fadd` in float32.
void Store(const ml_image_tensor_t& out, size_t index, uint32_t v, float fscale, float fadd) {
  switch (out.dtype) {
    case 'B':
      static_cast<uint8_t*>(out.data)[index] = static_cast<uint8_t>(v);
      break;
    case 'b':
      static_cast<uint8_t*>(out.data)[index] = static_cast<uint8_t>(v ^ 0x80);
      break;
    default: {
      float f = static_cast<float>(v) * fscale;
      f = f + fadd;
      memcpy(static_cast<float*>(out.data) + index, &f, sizeof(f));
      break;
    }
  }
}

}  // namespace

extern "C" void ml_preprocess_image_openmv(const ml_image_t* image, const ml_norm_t* norm,
                                           const ml_image_tensor_t* out) {
  const ml_image_t& img = *image;
  const bool gray_source = img.format == ML_PIXEL_GRAY8;
  const Axis ax = MakeAxis(out->width, img.roi_x, img.roi_w);
  const Axis ay = MakeAxis(out->height, img.roi_y, img.roi_h);
  // imlib copies (nearest neighbour) when nothing is scaled and cannot
  // interpolate a roi one pixel wide or high.
  const bool bilinear = !(ax.step == 65536 && ay.step == 65536) && img.roi_w > 1 && img.roi_h > 1;
  const int64_t shift = bilinear ? 0x8000 : 0;  // bilinear samples at pixel centres

  float fscale[3];
  float fadd[3];
  const float span = (norm->hi - norm->lo) / 255.0f;
  for (int c = 0; c < 3; ++c) {
    const float mean = out->channels == 1 ? Luma(norm->mean) : norm->mean[c];
    const float stdev = out->channels == 1 ? Luma(norm->stdev) : norm->stdev[c];
    fadd[c] = (norm->lo - mean) / stdev;
    fscale[c] = span / stdev;
  }

  size_t index = 0;
  for (int32_t y = 0; y < out->height; ++y) {
    const bool row_drawn = y >= ay.dst_start && y < ay.dst_end;
    const int64_t acc_y = ay.accum - shift + (y - ay.dst_start) * ay.step;
    int32_t y0 = 0, y1 = 0;
    if (row_drawn) {
      Neighbours(acc_y, ay, &y0, &y1);
    }
    for (int32_t x = 0; x < out->width; ++x) {
      // Pixels draw_image leaves alone stay black (pixel value 0).
      uint32_t p = 0;
      if (row_drawn && x >= ax.dst_start && x < ax.dst_end) {
        const int64_t acc_x = ax.accum - shift + (x - ax.dst_start) * ax.step;
        int32_t x0, x1;
        Neighbours(acc_x, ax, &x0, &x1);
        if (!bilinear) {
          p = Pixel(img, x0, y0);
        } else if (gray_source) {
          const uint32_t fy = static_cast<uint32_t>(acc_y >> 8) & 0xFF;
          const uint32_t fx = static_cast<uint32_t>(acc_x >> 8) & 0xFF;
          const uint32_t left = Blend(Pixel(img, x0, y0), Pixel(img, x0, y1), fy, 8);
          const uint32_t right = Blend(Pixel(img, x1, y0), Pixel(img, x1, y1), fy, 8);
          p = Blend(left, right, fx, 8);
        } else {
          const uint32_t fy = static_cast<uint32_t>(acc_y >> 11) & 0x1F;
          const uint32_t fx = static_cast<uint32_t>(acc_x >> 11) & 0x1F;
          const uint32_t left = BlendRgb565(Pixel(img, x0, y0), Pixel(img, x0, y1), fy);
          const uint32_t right = BlendRgb565(Pixel(img, x1, y0), Pixel(img, x1, y1), fy);
          p = BlendRgb565(left, right, fx);
        }
      }
      if (out->channels == 1) {
        Store(*out, index++, gray_source ? p : Rgb565ToY(p), fscale[0], fadd[0]);
      } else {
        const uint32_t rgb = gray_source ? YToRgb565(p) : p;
        Store(*out, index++, R8(rgb), fscale[0], fadd[0]);
        Store(*out, index++, G8(rgb), fscale[1], fadd[1]);
        Store(*out, index++, B8(rgb), fscale[2], fadd[2]);
      }
    }
  }
}
