// Detection decoders: the per-anchor loops of ml.postprocessing, run over the
// model's output tensors in their own type (no float copy). A candidate that
// passes the score threshold is reported through `emit` with its box in input
// pixels (xmin, ymin, xmax, ymax), its score and its class.
//
// Thresholds are compared in the quantized domain (threshold / scale +
// zero_point), as OpenMV's decoders do; survivors are dequantized.
#ifndef MICROPY_ML_DECODE_H
#define MICROPY_ML_DECODE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const void* data;  // contiguous
  char dtype;        // 'b' 'B' 'h' 'H' 'f'
  float scale;
  int32_t zero_point;
} ml_qdata_t;

typedef void (*ml_emit_fn)(void* ctx, const float box[4], float score, int32_t label,
                           const float* keypoints, int32_t n_keypoints);

typedef struct {
  float threshold;
  float input_w, input_h;
  ml_emit_fn emit;
  void* ctx;
} ml_decode_args_t;

// (1, 4 + C, N): rows cx, cy, w, h (normalized), then C class scores per anchor.
void ml_decode_yolov8(const ml_qdata_t* out, int32_t attrs, int32_t anchors,
                      const ml_decode_args_t* a);
// (1, N, 5 + C): cx, cy, w, h (normalized), objectness, C class scores per row.
void ml_decode_yolov5(const ml_qdata_t* out, int32_t rows, int32_t cols, const ml_decode_args_t* a);
// (1, H, W, A * (5 + C)): tx, ty, tw, th, objectness logit, C class logits per
// anchor; `anchors` holds A (w, h) pairs in grid cells. a->threshold is a probability.
void ml_decode_yolov2(const ml_qdata_t* out, int32_t oh, int32_t ow, int32_t oc,
                      const float* anchors, int32_t n_anchors, const ml_decode_args_t* a);
// (1, H, W, C): per-cell class probabilities, class 0 the background; boxes of
// w_scale x h_scale cells centred on the cell.
void ml_decode_fomo(const ml_qdata_t* out, int32_t oh, int32_t ow, int32_t oc, float w_scale,
                    float h_scale, const ml_decode_args_t* a);
// scores (N) logits and coords (N, K): cx, cy, w, h offsets in input pixels
// then (K - 4) / 2 keypoints, relative to `anchors` (N (x, y) pairs, normalized).
// a->threshold is a probability.
void ml_decode_blazeface(const ml_qdata_t* scores, const ml_qdata_t* coords, int32_t n, int32_t k,
                         const float* anchors, const ml_decode_args_t* a);

#ifdef __cplusplus
}
#endif

#endif  // MICROPY_ML_DECODE_H
