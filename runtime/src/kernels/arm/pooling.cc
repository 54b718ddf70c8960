// AVERAGE_POOL_2D and MAX_POOL_2D: each output pixel's window is walked once
// per group of channels, which are contiguous in NHWC, instead of once per
// channel. Helium and DSP keep int8 window sums in 16-bit lanes, exact while
// a window has at most 256 pixels (|sum| <= 128 * 256); larger windows take
// the portable path.
#include "kernels/arm/pooling.h"

#include <string.h>

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#elif defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

#include "kernels/arm/pool_window.h"
#include "microml/kernels.h"

namespace microml {
namespace arm {

namespace {

// Pixels a window may have for 16-bit int8 sums.
constexpr int32_t kMaxNarrowWindow = 256;

// Channels per portable step; sums and maxima stay in registers.
constexpr int32_t kLanes = 4;

template <typename T>
void AveragePortable(const Window<T>& w, int32_t c, int32_t count, int32_t lo, int32_t hi, T* y) {
  for (; c < w.depth; c += kLanes) {
    const int32_t n = w.depth - c < kLanes ? w.depth - c : kLanes;
    int32_t acc[kLanes] = {0, 0, 0, 0};
    for (int32_t r = 0; r < w.rows; ++r) {
      const T* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        for (int32_t k = 0; k < n; ++k) acc[k] += p[k];
      }
    }
    for (int32_t k = 0; k < n; ++k) y[c + k] = static_cast<T>(Average(acc[k], count, lo, hi));
  }
}

template <typename T>
void MaxPortable(const Window<T>& w, int32_t c, int32_t lo, int32_t hi, T* y) {
  for (; c < w.depth; c += kLanes) {
    const int32_t n = w.depth - c < kLanes ? w.depth - c : kLanes;
    int32_t acc[kLanes] = {lo, lo, lo, lo};
    for (int32_t r = 0; r < w.rows; ++r) {
      const T* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        for (int32_t k = 0; k < n; ++k) acc[k] = acc[k] < p[k] ? p[k] : acc[k];
      }
    }
    // Starting from `lo` is max(max(window), lo); only `hi` is left to apply.
    for (int32_t k = 0; k < n; ++k) y[c + k] = static_cast<T>(hi < acc[k] ? hi : acc[k]);
  }
}

// Int8 average over channels from `c` on with 16-bit sums; returns the first
// channel left for the portable path.
int32_t AverageInt8Narrow(const Window<int8_t>& w, int32_t count, int32_t lo, int32_t hi,
                          int8_t* y) {
  int32_t c = 0;
#if defined(__ARM_FEATURE_MVE)
  // Whole groups of 16 channels unpredicated (each predicated load costs a
  // VPST more), 32 at a time where they can (a pixel's loop then serves
  // twice the channels), the even and odd channels widened into separate
  // sums.
  int16_t sums[4][8];
  const auto finish = [&](int32_t groups) {
    for (int32_t k = 0; k < 16 * groups; ++k) {
      y[c + k] =
          static_cast<int8_t>(Average(sums[2 * (k >> 4) + (k & 1)][(k & 15) >> 1], count, lo, hi));
    }
  };
  for (; c + 32 <= w.depth; c += 32) {
    int16x8_t s0 = vdupq_n_s16(0), s1 = s0, s2 = s0, s3 = s0;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        const int8x16_t v0 = vldrbq_s8(p);
        const int8x16_t v1 = vldrbq_s8(p + 16);
        s0 = vaddq_s16(s0, vmovlbq_s8(v0));
        s1 = vaddq_s16(s1, vmovltq_s8(v0));
        s2 = vaddq_s16(s2, vmovlbq_s8(v1));
        s3 = vaddq_s16(s3, vmovltq_s8(v1));
      }
    }
    vst1q_s16(sums[0], s0);
    vst1q_s16(sums[1], s1);
    vst1q_s16(sums[2], s2);
    vst1q_s16(sums[3], s3);
    finish(2);
  }
  for (; c + 16 <= w.depth; c += 16) {
    int16x8_t s0 = vdupq_n_s16(0), s1 = s0;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        const int8x16_t v = vldrbq_s8(p);
        s0 = vaddq_s16(s0, vmovlbq_s8(v));
        s1 = vaddq_s16(s1, vmovltq_s8(v));
      }
    }
    vst1q_s16(sums[0], s0);
    vst1q_s16(sums[1], s1);
    finish(1);
  }
  for (; c < w.depth; c += 8) {
    const mve_pred16_t lanes = vctp16q(static_cast<uint32_t>(w.depth - c));
    int16x8_t acc = vdupq_n_s16(0);
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        acc = vaddq_s16(acc, vldrbq_z_s16(p, lanes));
      }
    }
    int16_t sums[8];
    vst1q_s16(sums, acc);
    const int32_t n = w.depth - c < 8 ? w.depth - c : 8;
    for (int32_t k = 0; k < n; ++k) {
      y[c + k] = static_cast<int8_t>(Average(sums[k], count, lo, hi));
    }
  }
#elif defined(__ARM_FEATURE_DSP)
  for (; c + 4 <= w.depth; c += 4) {
    // Channels 0 and 2 of the group in `even`, 1 and 3 in `odd`.
    int16x2_t even = 0, odd = 0;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        uint32_t four;
        memcpy(&four, p, 4);
        even = __sxtab16(even, four);
        odd = __sxtab16(odd, (four >> 8) | (four << 24));
      }
    }
    y[c] = static_cast<int8_t>(Average(static_cast<int16_t>(even), count, lo, hi));
    y[c + 1] = static_cast<int8_t>(Average(static_cast<int16_t>(odd), count, lo, hi));
    y[c + 2] = static_cast<int8_t>(Average(static_cast<int32_t>(even) >> 16, count, lo, hi));
    y[c + 3] = static_cast<int8_t>(Average(static_cast<int32_t>(odd) >> 16, count, lo, hi));
  }
#else
  (void)w, (void)count, (void)lo, (void)hi, (void)y;
#endif
  return c;
}

// Int8 maximum over channels from `c` on; returns the first channel left for
// the portable path.
int32_t MaxInt8Simd(const Window<int8_t>& w, int32_t lo, int32_t hi, int8_t* y) {
  int32_t c = 0;
#if defined(__ARM_FEATURE_MVE)
  const int8x16_t low = vdupq_n_s8(static_cast<int8_t>(lo));
  const int8x16_t high = vdupq_n_s8(static_cast<int8_t>(hi));
  for (; c < w.depth; c += 16) {
    const mve_pred16_t lanes = vctp8q(static_cast<uint32_t>(w.depth - c));
    int8x16_t acc = low;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        acc = vmaxq_s8(acc, vldrbq_z_s8(p, lanes));
      }
    }
    vstrbq_p_s8(y + c, vminq_s8(acc, high), lanes);
  }
#elif defined(__ARM_FEATURE_DSP)
  const uint32_t low = 0x01010101u * static_cast<uint8_t>(lo);
  const uint32_t high = 0x01010101u * static_cast<uint8_t>(hi);
  for (; c + 4 <= w.depth; c += 4) {
    uint32_t acc = low;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.first + static_cast<size_t>(r) * w.row_stride + c;
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        uint32_t four;
        memcpy(&four, p, 4);
        // SSUB8 sets a GE flag per byte where four >= acc; SEL picks by them.
        __ssub8(four, acc);
        acc = __sel(four, acc);
      }
    }
    __ssub8(high, acc);
    acc = __sel(acc, high);
    memcpy(y + c, &acc, 4);
  }
#else
  (void)w, (void)lo, (void)hi, (void)y;
#endif
  return c;
}

}  // namespace

void AveragePool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out) {
  ForEachWindow<int8_t>(d, in, out, [&d](const Window<int8_t>& w, int8_t* y) {
    const int32_t count = w.rows * w.cols;
    const int32_t c =
        count <= kMaxNarrowWindow ? AverageInt8Narrow(w, count, d.act_min, d.act_max, y) : 0;
    AveragePortable(w, c, count, d.act_min, d.act_max, y);
  });
}

void AveragePool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out) {
  ForEachWindow<int16_t>(d, in, out, [&d](const Window<int16_t>& w, int16_t* y) {
    AveragePortable(w, 0, w.rows * w.cols, d.act_min, d.act_max, y);
  });
}

void MaxPool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out) {
  ForEachWindow<int8_t>(d, in, out, [&d](const Window<int8_t>& w, int8_t* y) {
    MaxPortable(w, MaxInt8Simd(w, d.act_min, d.act_max, y), d.act_min, d.act_max, y);
  });
}

void MaxPool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out) {
  ForEachWindow<int16_t>(d, in, out, [&d](const Window<int16_t>& w, int16_t* y) {
    MaxPortable(w, 0, d.act_min, d.act_max, y);
  });
}

}  // namespace arm

const KernelRegistration kRegisterAveragePool2DOpt = {
    static_cast<int32_t>(BuiltinOp::kAVERAGE_POOL_2D),
    nullptr,
    3,
    PoolPrepare,
    EvalPool<reference::AveragePool2DFloat, arm::AveragePool2DInt8, arm::AveragePool2DInt16>,
    nullptr,
    "float32 int8 int16",
    0,
    PoolOverlap,
    PoolRowWindow};

const KernelRegistration kRegisterMaxPool2DOpt = {
    static_cast<int32_t>(BuiltinOp::kMAX_POOL_2D),
    nullptr,
    3,
    PoolPrepare,
    EvalPool<reference::MaxPool2DFloat, arm::MaxPool2DInt8, arm::MaxPool2DInt16>,
    nullptr,
    "float32 int8 int16",
    0,
    PoolOverlap,
    PoolRowWindow};

}  // namespace microml
