#include "kernels/x86/im2col.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <stdint.h>

#include "kernels/arm/conv2d.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/target.h"

namespace microml {
namespace x86 {
namespace {

// Writes the row's runs of bytes in address order, each a whole 64-byte store
// (which the next run overwrites past its end) while the buffer has room,
// else a masked one: masked stores are slow on some CPUs (AMD Zen 4) and
// block store-to-load forwarding to the GEMM that reads the row next.
class RowWriter {
 public:
  explicit RowWriter(const int8_t* end) : end_(end) {}

  // Loads are masked to the n bytes at src: none past the input tensor.
  MICROML_TARGET_VNNI void Copy(int8_t* dst, const int8_t* src, int32_t n) const {
    for (; n > 64; n -= 64, dst += 64, src += 64) {
      _mm512_storeu_si512(dst, _mm512_loadu_si512(src));
    }
    const __mmask64 m = (__mmask64{1} << (n - 1) << 1) - 1;
    Put(dst, _mm512_maskz_loadu_epi8(m, src), m);
  }

  MICROML_TARGET_VNNI void Fill(int8_t* dst, int8_t value, int32_t n) const {
    const __m512i v = _mm512_set1_epi8(value);
    for (; n > 64; n -= 64, dst += 64) _mm512_storeu_si512(dst, v);
    Put(dst, v, (__mmask64{1} << (n - 1) << 1) - 1);
  }

 private:
  MICROML_TARGET_VNNI void Put(int8_t* dst, __m512i v, __mmask64 m) const {
    if (end_ - dst >= 64) {
      _mm512_storeu_si512(dst, v);
    } else {
      _mm512_mask_storeu_epi8(dst, m, v);
    }
  }

  const int8_t* end_;
};

MICROML_TARGET_VNNI void FillRowVnni(const Conv2DParams& d, const Conv2DShape& s,
                                     const int8_t* image, int32_t oy, int32_t ox, int8_t pad_value,
                                     int8_t* row, const RowWriter& w) {
  const int32_t y0 = oy * d.stride_h - d.pad_h;
  const int32_t x0 = ox * d.stride_w - d.pad_w;
  const int32_t row_bytes = s.f_w * s.in_c;
  const int32_t line_bytes = s.in_w * s.in_c;
  for (int32_t fy = 0; fy < s.f_h; ++fy, row += row_bytes) {
    const int32_t iy = y0 + d.dilation_h * fy;
    if (iy < 0 || iy >= s.in_h) {
      w.Fill(row, pad_value, row_bytes);
      continue;
    }
    const int8_t* line = image + iy * line_bytes;
    if (d.dilation_w == 1) {
      if (x0 >= 0 && x0 + s.f_w <= s.in_w) {
        w.Copy(row, line + x0 * s.in_c, row_bytes);
        continue;
      }
      // Padding on the left, the columns inside the input, padding on the
      // right, in that order.
      const int32_t left = x0 < 0 ? (-x0 < s.f_w ? -x0 : s.f_w) : 0;
      const int32_t end = x0 + s.f_w < s.in_w ? x0 + s.f_w : s.in_w;
      const int32_t inside = end - (x0 + left) > 0 ? end - (x0 + left) : 0;
      const int32_t right = s.f_w - left - inside;
      if (left > 0) w.Fill(row, pad_value, left * s.in_c);
      if (inside > 0) w.Copy(row + left * s.in_c, line + (x0 + left) * s.in_c, inside * s.in_c);
      if (right > 0) w.Fill(row + (left + inside) * s.in_c, pad_value, right * s.in_c);
      continue;
    }
    for (int32_t fx = 0; fx < s.f_w; ++fx) {
      const int32_t ix = x0 + d.dilation_w * fx;
      if (ix < 0 || ix >= s.in_w) {
        w.Fill(row + fx * s.in_c, pad_value, s.in_c);
      } else {
        w.Copy(row + fx * s.in_c, line + ix * s.in_c, s.in_c);
      }
    }
  }
}

// n bytes from src into bytes [at, at + n) of v (at + n <= 64); the masked
// load reads no byte outside [src, src + n).
MICROML_TARGET_VNNI inline __m512i Insert(__m512i v, int32_t at, const int8_t* src, int32_t n) {
  const __mmask64 m = ((__mmask64{1} << (n - 1) << 1) - 1) << at;
  return _mm512_mask_loadu_epi8(
      v, m,
      reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(src) - static_cast<uintptr_t>(at)));
}

}  // namespace

MICROML_TARGET_VNNI void FillIm2colRow64(const Conv2DParams& d, const Conv2DShape& s,
                                         const int8_t* image, int32_t oy, int32_t ox,
                                         int8_t pad_value, int8_t* row) {
  const int32_t y0 = oy * d.stride_h - d.pad_h;
  const int32_t x0 = ox * d.stride_w - d.pad_w;
  const int32_t row_bytes = s.f_w * s.in_c;
  const int32_t line_bytes = s.in_w * s.in_c;
  __m512i v = _mm512_set1_epi8(pad_value);
  for (int32_t fy = 0; fy < s.f_h; ++fy) {
    const int32_t iy = y0 + d.dilation_h * fy;
    if (iy < 0 || iy >= s.in_h) continue;
    const int8_t* line = image + iy * line_bytes;
    if (d.dilation_w == 1) {
      const int32_t begin = x0 > 0 ? x0 : 0;
      const int32_t end = x0 + s.f_w < s.in_w ? x0 + s.f_w : s.in_w;
      if (end > begin) {
        v = Insert(v, fy * row_bytes + (begin - x0) * s.in_c, line + begin * s.in_c,
                   (end - begin) * s.in_c);
      }
      continue;
    }
    for (int32_t fx = 0; fx < s.f_w; ++fx) {
      const int32_t ix = x0 + d.dilation_w * fx;
      if (ix >= 0 && ix < s.in_w)
        v = Insert(v, fy * row_bytes + fx * s.in_c, line + ix * s.in_c, s.in_c);
    }
  }
  _mm512_storeu_si512(row, v);
}

void FillIm2colRow(const Conv2DParams& d, const Conv2DShape& s, const int8_t* image, int32_t oy,
                   int32_t ox, int8_t pad_value, int8_t* row, const int8_t* end) {
  if (ActiveLevel() == Level::kAvx512Vnni) {
    FillRowVnni(d, s, image, oy, ox, pad_value, row, RowWriter(end));
  } else {
    arm::FillIm2colRow(d, s, image, oy, ox, pad_value, row);
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
