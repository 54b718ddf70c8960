// Detection decoders (see ml_decode.h).
#include "ml_decode.h"

#include <math.h>
#include <string.h>

namespace {

// Quantized view of one output tensor with element type T.
template <typename T>
struct View {
  const T* data;
  float scale;
  float zero_point;

  float Real(size_t i) const { return (static_cast<float>(Load(i)) - zero_point) * scale; }
  T Load(size_t i) const {
    T v;
    memcpy(&v, data + i, sizeof(T));
    return v;
  }
  // True when the element's real value is above `threshold` (as the OpenMV
  // decoders compare: against the unrounded quantized threshold).
  bool Above(size_t i, float quantized_threshold) const {
    const float q = static_cast<float>(Load(i));
    return scale > 0.0f ? q > quantized_threshold : q < quantized_threshold;
  }
  bool Better(float q, float best) const { return scale > 0.0f ? q > best : q < best; }
};

template <typename T>
View<T> MakeView(const ml_qdata_t* q) {
  return View<T>{static_cast<const T*>(q->data), q->scale, static_cast<float>(q->zero_point)};
}

float QuantizedThreshold(const ml_qdata_t* q, float threshold) {
  return threshold / q->scale + static_cast<float>(q->zero_point);
}

float Sigmoid(float x) {
  return 1.0f / (1.0f + expf(-x));
}

float Logit(float p) {
  return logf(p / (1.0f - p));
}

void Emit(const ml_decode_args_t* a, float cx, float cy, float half_w, float half_h, float score,
          int32_t label, const float* keypoints = nullptr, int32_t n_keypoints = 0) {
  const float box[4] = {
      (cx - half_w) * a->input_w,
      (cy - half_h) * a->input_h,
      (cx + half_w) * a->input_w,
      (cy + half_h) * a->input_h,
  };
  a->emit(a->ctx, box, score, label, keypoints, n_keypoints);
}

template <typename T>
void YoloV8(const ml_qdata_t* q, int32_t attrs, int32_t anchors, const ml_decode_args_t* a) {
  const View<T> v = MakeView<T>(q);
  const float t = QuantizedThreshold(q, a->threshold);
  const int32_t classes = attrs - 4;
  const size_t n = static_cast<size_t>(anchors);
  // Blocks of anchors keep the class scan on consecutive addresses.
  constexpr int32_t kBlock = 32;
  float best[kBlock];
  int32_t best_class[kBlock];
  for (int32_t start = 0; start < anchors; start += kBlock) {
    const int32_t count = anchors - start < kBlock ? anchors - start : kBlock;
    for (int32_t j = 0; j < count; ++j) {
      best[j] = static_cast<float>(v.Load(4 * n + static_cast<size_t>(start + j)));
      best_class[j] = 0;
    }
    for (int32_t c = 1; c < classes; ++c) {
      const size_t row = static_cast<size_t>(4 + c) * n + static_cast<size_t>(start);
      for (int32_t j = 0; j < count; ++j) {
        const float s = static_cast<float>(v.Load(row + static_cast<size_t>(j)));
        if (v.Better(s, best[j])) {
          best[j] = s;
          best_class[j] = c;
        }
      }
    }
    for (int32_t j = 0; j < count; ++j) {
      const bool above = v.scale > 0.0f ? best[j] > t : best[j] < t;
      if (!above) {
        continue;
      }
      const size_t i = static_cast<size_t>(start + j);
      const float score = (best[j] - v.zero_point) * v.scale;
      Emit(a, v.Real(i), v.Real(n + i), v.Real(2 * n + i) * 0.5f, v.Real(3 * n + i) * 0.5f, score,
           best_class[j]);
    }
  }
}

template <typename T>
int32_t ArgBest(const View<T>& v, size_t first, int32_t count) {
  int32_t best = 0;
  float best_q = static_cast<float>(v.Load(first));
  for (int32_t c = 1; c < count; ++c) {
    const float q = static_cast<float>(v.Load(first + static_cast<size_t>(c)));
    if (v.Better(q, best_q)) {
      best_q = q;
      best = c;
    }
  }
  return best;
}

template <typename T>
void YoloV5(const ml_qdata_t* q, int32_t rows, int32_t cols, const ml_decode_args_t* a) {
  const View<T> v = MakeView<T>(q);
  const float t = QuantizedThreshold(q, a->threshold);
  for (int32_t r = 0; r < rows; ++r) {
    const size_t base = static_cast<size_t>(r) * static_cast<size_t>(cols);
    if (!v.Above(base + 4, t)) {
      continue;
    }
    const int32_t label = cols > 5 ? ArgBest(v, base + 5, cols - 5) : 0;
    Emit(a, v.Real(base), v.Real(base + 1), v.Real(base + 2) * 0.5f, v.Real(base + 3) * 0.5f,
         v.Real(base + 4), label);
  }
}

template <typename T>
void YoloV2(const ml_qdata_t* q, int32_t oh, int32_t ow, int32_t oc, const float* anchors,
            int32_t n_anchors, const ml_decode_args_t* a) {
  const View<T> v = MakeView<T>(q);
  const float t = QuantizedThreshold(q, Logit(a->threshold));
  const int32_t per_anchor = oc / n_anchors;
  const int32_t classes = per_anchor - 5;
  const int32_t rows = oh * ow * n_anchors;
  for (int32_t r = 0; r < rows; ++r) {
    const size_t base = static_cast<size_t>(r) * static_cast<size_t>(per_anchor);
    if (!v.Above(base + 4, t)) {
      continue;
    }
    const int32_t row = r / (ow * n_anchors);
    const int32_t col = (r / n_anchors) % ow;
    const int32_t anchor = r % n_anchors;
    const int32_t label = classes > 0 ? ArgBest(v, base + 5, classes) : 0;
    const float cx = (static_cast<float>(col) + Sigmoid(v.Real(base))) / static_cast<float>(ow);
    const float cy = (static_cast<float>(row) + Sigmoid(v.Real(base + 1))) / static_cast<float>(oh);
    const float half_w =
        anchors[2 * anchor] * expf(v.Real(base + 2)) / static_cast<float>(ow) * 0.5f;
    const float half_h =
        anchors[2 * anchor + 1] * expf(v.Real(base + 3)) / static_cast<float>(oh) * 0.5f;
    Emit(a, cx, cy, half_w, half_h, Sigmoid(v.Real(base + 4)), label);
  }
}

template <typename T>
void Fomo(const ml_qdata_t* q, int32_t oh, int32_t ow, int32_t oc, float w_scale, float h_scale,
          const ml_decode_args_t* a) {
  const View<T> v = MakeView<T>(q);
  const float t = QuantizedThreshold(q, a->threshold);
  for (int32_t row = 0; row < oh; ++row) {
    for (int32_t col = 0; col < ow; ++col) {
      const size_t base =
          (static_cast<size_t>(row) * static_cast<size_t>(ow) + static_cast<size_t>(col)) *
          static_cast<size_t>(oc);
      const int32_t best = ArgBest(v, base + 1, oc - 1);
      const size_t at = base + 1 + static_cast<size_t>(best);
      if (!v.Above(at, t)) {
        continue;
      }
      const float cx = (static_cast<float>(col) + 0.5f) / static_cast<float>(ow);
      const float cy = (static_cast<float>(row) + 0.5f) / static_cast<float>(oh);
      Emit(a, cx, cy, w_scale / static_cast<float>(ow) * 0.5f,
           h_scale / static_cast<float>(oh) * 0.5f, v.Real(at), best + 1);
    }
  }
}

template <typename S, typename C>
void BlazeFace(const ml_qdata_t* sq, const ml_qdata_t* cq, int32_t n, int32_t k,
               const float* anchors, const ml_decode_args_t* a) {
  const View<S> scores = MakeView<S>(sq);
  const View<C> coords = MakeView<C>(cq);
  const float t = QuantizedThreshold(sq, Logit(a->threshold));
  constexpr int32_t kMaxKeypoints = 64;
  float keypoints[2 * kMaxKeypoints];
  int32_t n_kp = (k - 4) / 2;
  if (n_kp > kMaxKeypoints) {
    n_kp = kMaxKeypoints;
  }
  const float iw = a->input_w;
  const float ih = a->input_h;
  for (int32_t i = 0; i < n; ++i) {
    if (!scores.Above(static_cast<size_t>(i), t)) {
      continue;
    }
    const size_t base = static_cast<size_t>(i) * static_cast<size_t>(k);
    const float ax = anchors[2 * i];
    const float ay = anchors[2 * i + 1];
    const float cx = coords.Real(base) / iw + ax;
    const float cy = coords.Real(base + 1) / ih + ay;
    const float half_w = coords.Real(base + 2) / iw * 0.5f;
    const float half_h = coords.Real(base + 3) / ih * 0.5f;
    for (int32_t p = 0; p < n_kp; ++p) {
      keypoints[2 * p] = (coords.Real(base + 4 + 2 * static_cast<size_t>(p)) / iw + ax) * iw;
      keypoints[2 * p + 1] = (coords.Real(base + 5 + 2 * static_cast<size_t>(p)) / ih + ay) * ih;
    }
    Emit(a, cx, cy, half_w, half_h, Sigmoid(scores.Real(static_cast<size_t>(i))), 0, keypoints,
         n_kp);
  }
}

// Runs CALL with T bound to the element type of `q`.
#define ML_DISPATCH(q, CALL) \
  switch ((q)->dtype) {      \
    case 'b': {              \
      using T = int8_t;      \
      CALL;                  \
      break;                 \
    }                        \
    case 'B': {              \
      using T = uint8_t;     \
      CALL;                  \
      break;                 \
    }                        \
    case 'h': {              \
      using T = int16_t;     \
      CALL;                  \
      break;                 \
    }                        \
    case 'H': {              \
      using T = uint16_t;    \
      CALL;                  \
      break;                 \
    }                        \
    case 'f': {              \
      using T = float;       \
      CALL;                  \
      break;                 \
    }                        \
    default:                 \
      break;                 \
  }

template <typename S>
void BlazeFaceCoords(const ml_qdata_t* sq, const ml_qdata_t* cq, int32_t n, int32_t k,
                     const float* anchors, const ml_decode_args_t* a) {
  ML_DISPATCH(cq, (BlazeFace<S, T>(sq, cq, n, k, anchors, a)));
}

}  // namespace

extern "C" {

void ml_decode_yolov8(const ml_qdata_t* out, int32_t attrs, int32_t anchors,
                      const ml_decode_args_t* a) {
  if (attrs < 5) {
    return;
  }
  ML_DISPATCH(out, (YoloV8<T>(out, attrs, anchors, a)));
}

void ml_decode_yolov5(const ml_qdata_t* out, int32_t rows, int32_t cols,
                      const ml_decode_args_t* a) {
  if (cols < 5) {
    return;
  }
  ML_DISPATCH(out, (YoloV5<T>(out, rows, cols, a)));
}

void ml_decode_yolov2(const ml_qdata_t* out, int32_t oh, int32_t ow, int32_t oc,
                      const float* anchors, int32_t n_anchors, const ml_decode_args_t* a) {
  if (n_anchors <= 0 || oc % n_anchors != 0 || oc / n_anchors < 5) {
    return;
  }
  ML_DISPATCH(out, (YoloV2<T>(out, oh, ow, oc, anchors, n_anchors, a)));
}

void ml_decode_fomo(const ml_qdata_t* out, int32_t oh, int32_t ow, int32_t oc, float w_scale,
                    float h_scale, const ml_decode_args_t* a) {
  if (oc < 2) {
    return;
  }
  ML_DISPATCH(out, (Fomo<T>(out, oh, ow, oc, w_scale, h_scale, a)));
}

void ml_decode_blazeface(const ml_qdata_t* scores, const ml_qdata_t* coords, int32_t n, int32_t k,
                         const float* anchors, const ml_decode_args_t* a) {
  if (k < 4) {
    return;
  }
  ML_DISPATCH(scores, (BlazeFaceCoords<T>(scores, coords, n, k, anchors, a)));
}

}  // extern "C"
