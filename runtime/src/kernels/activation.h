// Fused-activation ranges, computed once in prepare.
#ifndef MICROML_KERNELS_ACTIVATION_H_
#define MICROML_KERNELS_ACTIVATION_H_

#include <stdint.h>

#include <cmath>
#include <limits>

namespace microml {

// Values of the schema's ActivationFunctionType.
enum class Activation : int8_t {
  kNone = 0,
  kRelu = 1,
  kReluN1To1 = 2,
  kRelu6 = 3,
  kTanh = 4,
  kSignBit = 5,
};

inline bool ActivationIsClamp(Activation a) {
  return a == Activation::kNone || a == Activation::kRelu || a == Activation::kReluN1To1 ||
         a == Activation::kRelu6;
}

inline void FloatActivationRange(Activation a, float* lo, float* hi) {
  *lo = -std::numeric_limits<float>::max();
  *hi = std::numeric_limits<float>::max();
  if (a == Activation::kRelu) {
    *lo = 0.0f;
  } else if (a == Activation::kRelu6) {
    *lo = 0.0f;
    *hi = 6.0f;
  } else if (a == Activation::kReluN1To1) {
    *lo = -1.0f;
    *hi = 1.0f;
  }
}

// Clamp range of unquantized int32 results (TFLM's CalculateActivationRange
// for int32): activations other than the three clamps leave the full range.
inline void Int32ActivationRange(Activation a, int32_t* lo, int32_t* hi) {
  *lo = std::numeric_limits<int32_t>::min();
  *hi = std::numeric_limits<int32_t>::max();
  if (a == Activation::kRelu) {
    *lo = 0;
  } else if (a == Activation::kRelu6) {
    *lo = 0;
    *hi = 6;
  } else if (a == Activation::kReluN1To1) {
    *lo = -1;
    *hi = 1;
  }
}

// min(max(x, lo), hi) in TFLM's order, so NaN propagates as it does there.
inline float ClampFloat(float x, float lo, float hi) {
  x = x < lo ? lo : x;
  return hi < x ? hi : x;
}

// Clamp range in the output's quantized domain, intersected with [qmin, qmax],
// as TFLM's CalculateActivationRangeQuantized computes it (float division and
// rounding). Returns false where TFLM fails: a bound that does not fit int32.
inline bool QuantizedActivationRangeChecked(Activation a, float scale, int32_t zero_point,
                                            int32_t qmin, int32_t qmax, int32_t* lo, int32_t* hi) {
  bool ok = true;
  const auto quantize = [scale, zero_point, &ok](float f) {
    const float q = std::round(f / scale);
    // 2^31 is exact in float; anything at or beyond it does not fit.
    if (!(q >= -2147483648.0f && q < 2147483648.0f)) {
      ok = false;
      return zero_point;
    }
    return static_cast<int32_t>(static_cast<int64_t>(zero_point) + static_cast<int64_t>(q));
  };
  *lo = qmin;
  *hi = qmax;
  if (a == Activation::kRelu) {
    const int32_t q0 = quantize(0.0f);
    *lo = q0 > qmin ? q0 : qmin;
  } else if (a == Activation::kRelu6) {
    const int32_t q0 = quantize(0.0f);
    const int32_t q6 = quantize(6.0f);
    *lo = q0 > qmin ? q0 : qmin;
    *hi = q6 < qmax ? q6 : qmax;
  } else if (a == Activation::kReluN1To1) {
    const int32_t qm1 = quantize(-1.0f);
    const int32_t q1 = quantize(1.0f);
    *lo = qm1 > qmin ? qm1 : qmin;
    *hi = q1 < qmax ? q1 : qmax;
  }
  return ok;
}

inline void QuantizedActivationRange(Activation a, float scale, int32_t zero_point, int32_t qmin,
                                     int32_t qmax, int32_t* lo, int32_t* hi) {
  QuantizedActivationRangeChecked(a, scale, zero_point, qmin, qmax, lo, hi);
}

}  // namespace microml

#endif  // MICROML_KERNELS_ACTIVATION_H_
