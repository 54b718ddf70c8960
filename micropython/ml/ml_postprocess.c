// _ml.decode_*: Python entry points of the detection decoders. Each takes the
// output view(s) straight from predict(), their quantization, the score
// threshold, the input size and a sink for the candidates: an ml.utils.NMS
// (fed directly, without Python objects per candidate) or any callable, called
// as sink(xmin, ymin, xmax, ymax, score, label[, keypoints]).
#include <string.h>

#include "ml_checked.h"
#include "ml_decode.h"
#include "ml_module.h"
#include "ml_ndarray.h"
#include "py/runtime.h"

typedef struct {
  mp_obj_t sink;
} sink_ctx_t;

static mp_obj_t keypoints_array(const float* keypoints, int32_t n_keypoints) {
  int32_t shape[2] = {n_keypoints, 2};
  ml_ndarray_obj_t* kp = ml_ndarray_new('f', 2, shape);
  memcpy(kp->data, keypoints, (size_t)n_keypoints * 2 * sizeof(float));
  return MP_OBJ_FROM_PTR(kp);
}

static void emit(void* ctx, const float box[4], float score, int32_t label, const float* keypoints,
                 int32_t n_keypoints) {
  sink_ctx_t* c = ctx;
  if (mp_obj_is_type(c->sink, &ml_nms_type)) {
    ml_nms_add(c->sink, box[0], box[1], box[2], box[3], score, label,
               keypoints != NULL ? keypoints_array(keypoints, n_keypoints) : mp_const_none);
    return;
  }
  mp_obj_t args[7];
  for (size_t i = 0; i < 4; ++i) {
    args[i] = mp_obj_new_float_from_f(box[i]);
  }
  args[4] = mp_obj_new_float_from_f(score);
  args[5] = MP_OBJ_NEW_SMALL_INT(label);
  size_t n = 6;
  if (keypoints != NULL) {
    args[n++] = keypoints_array(keypoints, n_keypoints);
  }
  mp_call_function_n_kw(c->sink, n, 0, args);
}

// An output view as decoder input; `rank` dims are copied to dims.
static void get_output(mp_obj_t obj, mp_obj_t scale, mp_obj_t zero_point, ml_qdata_t* q,
                       int32_t* dims, size_t* rank) {
  if (!mp_obj_is_type(obj, &ml_ndarray_type)) {
    mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("expected an ml.ndarray output, got %s"),
                      mp_obj_get_type_str(obj));
  }
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(obj);
  if (!ml_ndarray_is_contiguous(a) || a->dtype == 'i' || a->dtype == '?') {
    mp_raise_ValueError(
        MP_ERROR_TEXT("decoders take the contiguous b/B/h/H/f outputs predict() passes"));
  }
  // The array keeps its memory alive (it is an argument) and never moves it,
  // so q->data stays valid while the sink runs Python code.
  q->data = a->data;
  q->dtype = a->dtype;
  q->scale = (float)ml_get_finite(scale, "scale");
  q->zero_point = (int32_t)ml_get_int_in(zero_point, INT32_MIN, INT32_MAX, "zero_point");
  if (q->scale == 0.0f) {
    q->scale = 1.0f;
  }
  memcpy(dims, a->shape, a->rank * sizeof(int32_t));
  *rank = a->rank;
}

static void common_args(const mp_obj_t* args, ml_decode_args_t* d, sink_ctx_t* ctx) {
  // args: threshold, input_w, input_h, sink
  d->threshold = (float)mp_obj_get_float(args[0]);
  d->input_w = (float)ml_get_finite(args[1], "input width");
  d->input_h = (float)ml_get_finite(args[2], "input height");
  ctx->sink = args[3];
  d->emit = emit;
  d->ctx = ctx;
}

// Product of all dims but the last `keep`.
static int32_t leading(const int32_t* dims, size_t rank, size_t keep) {
  int32_t n = 1;
  for (size_t i = 0; i + keep < rank; ++i) {
    n *= dims[i];
  }
  return n;
}

NORETURN static void bad_shape(const char* decoder, const char* want, const int32_t* dims,
                               size_t rank) {
  mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s needs an output of shape %s, got %s"),
                    decoder, want, mp_obj_str_get_str(ml_shape_str(dims, rank)));
}

// decode_yolov8(output, scale, zero_point, threshold, input_w, input_h, sink)
static mp_obj_t decode_yolov8(size_t n_args, const mp_obj_t* args) {
  (void)n_args;
  ml_qdata_t q;
  int32_t dims[ML_MAX_DIMS];
  size_t rank;
  get_output(args[0], args[1], args[2], &q, dims, &rank);
  if (rank < 2 || leading(dims, rank, 2) != 1 || dims[rank - 2] < 5) {
    bad_shape("YoloV8", "(1, 4 + classes, anchors)", dims, rank);
  }
  ml_decode_args_t d;
  sink_ctx_t ctx;
  common_args(args + 3, &d, &ctx);
  ml_decode_yolov8(&q, dims[rank - 2], dims[rank - 1], &d);
  return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_yolov8_obj, 7, 7, decode_yolov8);

// decode_yolov5(output, scale, zero_point, threshold, input_w, input_h, sink)
static mp_obj_t decode_yolov5(size_t n_args, const mp_obj_t* args) {
  (void)n_args;
  ml_qdata_t q;
  int32_t dims[ML_MAX_DIMS];
  size_t rank;
  get_output(args[0], args[1], args[2], &q, dims, &rank);
  if (rank < 1 || dims[rank - 1] < 5) {
    bad_shape("YoloV5", "(1, rows, 5 + classes)", dims, rank);
  }
  ml_decode_args_t d;
  sink_ctx_t ctx;
  common_args(args + 3, &d, &ctx);
  ml_decode_yolov5(&q, leading(dims, rank, 1), dims[rank - 1], &d);
  return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_yolov5_obj, 7, 7, decode_yolov5);

// Pair i of a sequence of (x, y) pairs of `n` items, into out[0..1]. Items are
// read one at a time: a __float__ may change either list.
static void get_pair(mp_obj_t seq, size_t i, size_t n, float* out, const char* what) {
  mp_obj_t pair = ml_seq_item(seq, i, n);
  if (!ml_is_list_or_tuple(pair) || ml_seq_len(pair) != 2) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s must be (x, y) pairs"), what);
  }
  out[0] = (float)ml_get_finite(ml_seq_item(pair, 0, 2), what);
  out[1] = (float)ml_get_finite(ml_seq_item(pair, 1, 2), what);
}

static size_t get_pairs(mp_obj_t seq, float* out, size_t max_pairs, const char* what) {
  size_t n = ml_seq_len(seq);
  if (n > max_pairs) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s: at most %u pairs"), what,
                      (unsigned)max_pairs);
  }
  for (size_t i = 0; i < n; ++i) {
    get_pair(seq, i, n, out + 2 * i, what);
  }
  return n;
}

// decode_yolov2(output, scale, zero_point, threshold, input_w, input_h, sink, anchors)
static mp_obj_t decode_yolov2(size_t n_args, const mp_obj_t* args) {
  (void)n_args;
  ml_qdata_t q;
  int32_t dims[ML_MAX_DIMS];
  size_t rank;
  get_output(args[0], args[1], args[2], &q, dims, &rank);
  float anchors[2 * 32];
  size_t n_anchors = get_pairs(args[7], anchors, 32, "anchors");
  if (rank < 3 || leading(dims, rank, 3) != 1 || n_anchors == 0 ||
      dims[rank - 1] % (int32_t)n_anchors != 0 || dims[rank - 1] / (int32_t)n_anchors < 5) {
    bad_shape("YoloV2", "(1, H, W, anchors * (5 + classes))", dims, rank);
  }
  ml_decode_args_t d;
  sink_ctx_t ctx;
  common_args(args + 3, &d, &ctx);
  ml_decode_yolov2(&q, dims[rank - 3], dims[rank - 2], dims[rank - 1], anchors, (int32_t)n_anchors,
                   &d);
  return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_yolov2_obj, 8, 8, decode_yolov2);

// decode_fomo(output, scale, zero_point, threshold, input_w, input_h, sink, w_scale, h_scale)
static mp_obj_t decode_fomo(size_t n_args, const mp_obj_t* args) {
  (void)n_args;
  ml_qdata_t q;
  int32_t dims[ML_MAX_DIMS];
  size_t rank;
  get_output(args[0], args[1], args[2], &q, dims, &rank);
  if (rank < 3 || leading(dims, rank, 3) != 1 || dims[rank - 1] < 2) {
    bad_shape("Fomo", "(1, H, W, classes)", dims, rank);
  }
  ml_decode_args_t d;
  sink_ctx_t ctx;
  common_args(args + 3, &d, &ctx);
  ml_decode_fomo(&q, dims[rank - 3], dims[rank - 2], dims[rank - 1],
                 (float)mp_obj_get_float(args[7]), (float)mp_obj_get_float(args[8]), &d);
  return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_fomo_obj, 9, 9, decode_fomo);

// decode_blazeface(scores, s_scale, s_zero_point, coords, c_scale, c_zero_point,
//                  threshold, input_w, input_h, sink, anchors)
// anchors: an 'f' ml.ndarray of shape (N, 2) (or any (x, y) sequence).
static mp_obj_t decode_blazeface(size_t n_args, const mp_obj_t* args) {
  (void)n_args;
  ml_qdata_t sq, cq;
  int32_t sdims[ML_MAX_DIMS], cdims[ML_MAX_DIMS];
  size_t srank, crank;
  get_output(args[0], args[1], args[2], &sq, sdims, &srank);
  get_output(args[3], args[4], args[5], &cq, cdims, &crank);
  int32_t n = leading(sdims, srank, 0);
  if (crank < 2 || leading(cdims, crank, 1) != n) {
    mp_raise_msg_varg(&mp_type_ValueError,
                      MP_ERROR_TEXT("BlazeFace needs one coordinate row per score: %d scores, "
                                    "coordinates of %d dimensions"),
                      (int)n, (int)crank);
  }
  mp_obj_t anchors = args[10];
  const float* anchor_data;
  if (mp_obj_is_type(anchors, &ml_ndarray_type)) {
    ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(anchors);
    if (a->dtype != 'f' || !ml_ndarray_is_contiguous(a) || ml_ndarray_count(a) < 2 * (size_t)n) {
      mp_raise_msg_varg(&mp_type_ValueError,
                        MP_ERROR_TEXT("BlazeFace needs %d float anchors (x, y)"), (int)n);
    }
    anchor_data = (const float*)a->data;
  } else {
    size_t m = ml_seq_len(anchors);
    if (m < (size_t)n) {
      mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("BlazeFace needs %d anchors, got %u"),
                        (int)n, (unsigned)m);
    }
    float* buf = m_new(float, ml_mul_or_raise(2, (size_t)n, "anchors"));
    for (int32_t i = 0; i < n; ++i) {
      get_pair(anchors, (size_t)i, m, buf + 2 * i, "anchors");
    }
    anchor_data = buf;
  }
  ml_decode_args_t d;
  sink_ctx_t ctx;
  common_args(args + 6, &d, &ctx);
  ml_decode_blazeface(&sq, &cq, n, cdims[crank - 1], anchor_data, &d);
  return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_blazeface_obj, 11, 11, decode_blazeface);
