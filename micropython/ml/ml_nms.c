// ml.utils.NMS: Gaussian soft non-maximum suppression, natively (OpenMV's
// algorithm), so decoders can feed candidates without building Python objects
// per candidate and a predict() callback stays within a few KB of heap.
//
//   nms = NMS(window_w, window_h, roi)
//   nms.add_bounding_box(xmin, ymin, xmax, ymax, score, label_index, keypoints=None)
//   nms.get_bounding_boxes(threshold=0.1, sigma=0.1)
//       -> one entry per class index up to the highest one found: a list of
//          (rect, score[, keypoints]) tuples, rect = [x, y, w, h] in
//          source-image pixels; classes without boxes get the shared empty
//          tuple, so 80-class models do not allocate 80 empty lists per call
#include <math.h>
#include <string.h>

#include "ml_checked.h"
#include "ml_module.h"
#include "ml_ndarray.h"
#include "py/runtime.h"

typedef struct {
  int32_t x, y, w, h;  // in window pixels
  mp_float_t score;
  int32_t label;
  mp_obj_t keypoints;  // (K, 2) ml.ndarray in window pixels, or MP_OBJ_NULL
} nms_box_t;

// Window and roi coordinates stay below this, so box geometry in float and
// int32 is exact and cannot overflow.
#define ML_MAX_COORD ((mp_float_t)16777216.0)
// Class indices above this are refused: the result has one entry per class.
#define ML_MAX_LABEL (65535)

typedef struct _ml_nms_obj_t {
  mp_obj_base_t base;
  mp_float_t window_w;
  mp_float_t window_h;
  mp_obj_t roi;
  mp_float_t roi_f[4];
  nms_box_t* boxes;  // GC block: keeps the keypoints arrays alive
  size_t len;
  size_t cap;
} ml_nms_obj_t;

static mp_obj_t nms_make_new(const mp_obj_type_t* type, size_t n_args, size_t n_kw,
                             const mp_obj_t* args) {
  (void)type;
  mp_arg_check_num(n_args, n_kw, 3, 3, false);
  ml_nms_obj_t* self = mp_obj_malloc(ml_nms_obj_t, &ml_nms_type);
  self->window_w = ml_get_finite(args[0], "window width");
  self->window_h = ml_get_finite(args[1], "window height");
  if (self->window_w <= 0 || self->window_h <= 0 || self->window_w > ML_MAX_COORD ||
      self->window_h > ML_MAX_COORD) {
    mp_raise_ValueError(MP_ERROR_TEXT("window width and height must be > 0 and <= 2**24"));
  }
  self->roi = args[2];
  if (self->roi == mp_const_none) {
    self->roi_f[0] = self->roi_f[1] = 0;
    self->roi_f[2] = self->window_w;
    self->roi_f[3] = self->window_h;
  } else {
    size_t n = ml_seq_len(self->roi);
    if (n != 4) {
      mp_raise_ValueError(MP_ERROR_TEXT("roi must be (x, y, w, h)"));
    }
    for (size_t i = 0; i < 4; ++i) {
      self->roi_f[i] = ml_get_finite(ml_seq_item(self->roi, i, n), "roi");
      if (self->roi_f[i] < -ML_MAX_COORD || self->roi_f[i] > ML_MAX_COORD) {
        mp_raise_ValueError(MP_ERROR_TEXT("roi values must be within +-2**24"));
      }
    }
    if (self->roi_f[2] < 1 || self->roi_f[3] < 1) {
      mp_raise_ValueError(MP_ERROR_TEXT("roi width and height must be >= 1"));
    }
  }
  self->boxes = NULL;
  self->len = 0;
  self->cap = 0;
  return MP_OBJ_FROM_PTR(self);
}

static float clampf(float v, float hi) {
  return v < 0 ? 0 : (v > hi ? hi : v);
}

// Box geometry is single precision on every port, as on OpenMV's cameras,
// so double- and single-precision builds cut the same pixel edges.
void ml_nms_add(mp_obj_t nms, mp_float_t xmin, mp_float_t ymin, mp_float_t xmax, mp_float_t ymax,
                mp_float_t score, int32_t label, mp_obj_t keypoints) {
  ml_nms_obj_t* self = MP_OBJ_TO_PTR(nms);
  if (!(score >= 0 && score <= 1)) {
    return;
  }
  if (!isfinite(xmin) || !isfinite(ymin) || !isfinite(xmax) || !isfinite(ymax)) {
    return;
  }
  if (label > ML_MAX_LABEL) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("label_index must be <= %d, got %ld"),
                      ML_MAX_LABEL, (long)label);
  }
  float w_max = (float)self->window_w;
  float h_max = (float)self->window_h;
  float x0 = clampf((float)xmin, w_max);
  float y0 = clampf((float)ymin, h_max);
  float x1 = clampf((float)xmax, w_max);
  float y1 = clampf((float)ymax, h_max);
  int32_t w = (int32_t)(x1 - x0);
  int32_t h = (int32_t)(y1 - y0);
  if (w <= 0 || h <= 0) {
    return;
  }
  if (self->len == self->cap) {
    size_t cap = self->cap ? 2 * self->cap : 8;
    self->boxes = m_renew(nms_box_t, self->boxes, self->cap, cap);
    self->cap = cap;
  }
  nms_box_t* b = &self->boxes[self->len++];
  b->x = (int32_t)x0;
  b->y = (int32_t)y0;
  b->w = w;
  b->h = h;
  b->score = score;
  b->label = label;
  b->keypoints = keypoints == mp_const_none ? MP_OBJ_NULL : keypoints;
}

static mp_obj_t nms_add_bounding_box(size_t n_args, const mp_obj_t* pos_args, mp_map_t* kw_args) {
  const mp_arg_t allowed[] = {
      {MP_QSTR_xmin, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_ymin, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_xmax, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_ymax, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_score, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_label_index, MP_ARG_REQUIRED | MP_ARG_INT, {.u_int = 0}},
      {MP_QSTR_keypoints, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
  };
  mp_arg_val_t a[MP_ARRAY_SIZE(allowed)];
  mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed), allowed, a);
  // Negative labels are accepted and left out of the result, as before.
  mp_int_t label = a[5].u_int < -1 ? -1 : a[5].u_int;
  if (label > ML_MAX_LABEL) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("label_index must be <= %d, got %ld"),
                      ML_MAX_LABEL, (long)label);
  }
  ml_nms_add(pos_args[0], mp_obj_get_float(a[0].u_obj), mp_obj_get_float(a[1].u_obj),
             mp_obj_get_float(a[2].u_obj), mp_obj_get_float(a[3].u_obj),
             mp_obj_get_float(a[4].u_obj), (int32_t)label, a[6].u_obj);
  return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(nms_add_bounding_box_obj, 7, nms_add_bounding_box);

static mp_float_t iou(const nms_box_t* a, const nms_box_t* b) {
  int32_t x1 = a->x > b->x ? a->x : b->x;
  int32_t y1 = a->y > b->y ? a->y : b->y;
  int32_t x2 = a->x + a->w < b->x + b->w ? a->x + a->w : b->x + b->w;
  int32_t y2 = a->y + a->h < b->y + b->h ? a->y + a->h : b->y + b->h;
  int32_t w = x2 - x1 > 0 ? x2 - x1 : 0;
  int32_t h = y2 - y1 > 0 ? y2 - y1 : 0;
  mp_float_t inter = (mp_float_t)w * (mp_float_t)h;
  mp_float_t uni =
      (mp_float_t)a->w * (mp_float_t)a->h + (mp_float_t)b->w * (mp_float_t)b->h - inter;
  return uni > 0 ? inter / uni : 0;
}

static mp_obj_t map_keypoints(mp_obj_t keypoints, float sx, float sy, float ox, float oy) {
  if (!mp_obj_is_type(keypoints, &ml_ndarray_type)) {
    return keypoints;
  }
  ml_ndarray_obj_t* kp = MP_OBJ_TO_PTR(keypoints);
  if (kp->rank != 2 || kp->shape[1] < 2) {
    return keypoints;
  }
  ml_ndarray_obj_t* out = ml_ndarray_new('f', 2, kp->shape);
  float* dst = (float*)out->data;
  size_t cols = (size_t)kp->shape[1];
  for (size_t i = 0; i < (size_t)kp->shape[0]; ++i) {
    dst[i * cols] = (float)ml_ndarray_get_flat(kp, i * cols) * sx + ox;
    dst[i * cols + 1] = (float)ml_ndarray_get_flat(kp, i * cols + 1) * sy + oy;
    for (size_t j = 2; j < cols; ++j) {
      dst[i * cols + j] = (float)ml_ndarray_get_flat(kp, i * cols + j);
    }
  }
  return MP_OBJ_FROM_PTR(out);
}

static mp_obj_t nms_get_bounding_boxes(size_t n_args, const mp_obj_t* pos_args, mp_map_t* kw_args) {
  const mp_arg_t allowed[] = {
      {MP_QSTR_threshold, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_sigma, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
  };
  mp_arg_val_t a[MP_ARRAY_SIZE(allowed)];
  mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed), allowed, a);
  ml_nms_obj_t* self = MP_OBJ_TO_PTR(pos_args[0]);
  mp_float_t threshold =
      a[0].u_obj == mp_const_none ? (mp_float_t)0.1 : mp_obj_get_float(a[0].u_obj);
  mp_float_t sigma = a[1].u_obj == mp_const_none ? (mp_float_t)0.1 : mp_obj_get_float(a[1].u_obj);
  mp_float_t decay = sigma > 0 ? -1 / sigma : 0;

  // Work on the boxes in place: stable sort by score (best first), then
  // [0, kept) holds the survivors in order and [kept, live) the candidates.
  nms_box_t* b = self->boxes;
  size_t n = self->len;
  for (size_t i = 1; i < n; ++i) {
    nms_box_t t = b[i];
    size_t j = i;
    for (; j > 0 && b[j - 1].score < t.score; --j) {
      b[j] = b[j - 1];
    }
    b[j] = t;
  }
  size_t kept = 0;
  size_t live = n;
  size_t best = 0;
  while (kept < live) {
    nms_box_t chosen = b[kept + best];
    memmove(&b[kept + 1], &b[kept], best * sizeof(nms_box_t));
    b[kept++] = chosen;
    size_t out = kept;
    best = 0;
    for (size_t i = kept; i < live; ++i) {
      nms_box_t c = b[i];
      mp_float_t v = iou(&chosen, &c);
      c.score *= MICROPY_FLOAT_C_FUN(exp)(decay * v * v);
      if (c.score < threshold || !(c.score > 0)) {
        continue;
      }
      b[out] = c;
      if (c.score > b[kept + best].score) {
        best = out - kept;
      }
      ++out;
    }
    live = out;
  }
  self->len = kept;

  // Labels are <= ML_MAX_LABEL (checked when added): no overflow here.
  int32_t classes = 1;
  for (size_t i = 0; i < kept; ++i) {
    if (b[i].label >= classes) {
      classes = b[i].label + 1;
    }
  }
  mp_obj_t result = mp_obj_new_list(classes, NULL);
  mp_obj_t* lists = ((mp_obj_list_t*)MP_OBJ_TO_PTR(result))->items;
  for (int32_t c = 0; c < classes; ++c) {
    lists[c] = mp_obj_new_list(0, NULL);  // as OpenMV: [] for a class without boxes
  }
  float sx = (float)self->roi_f[2] / (float)self->window_w;
  float sy = (float)self->roi_f[3] / (float)self->window_h;
  float ox = (float)self->roi_f[0];
  float oy = (float)self->roi_f[1];
  for (size_t i = 0; i < kept; ++i) {
    if (b[i].label < 0) {
      continue;
    }
    mp_obj_t rect[4] = {
        mp_obj_new_int(ml_float_to_int_sat((float)b[i].x * sx + ox)),
        mp_obj_new_int(ml_float_to_int_sat((float)b[i].y * sy + oy)),
        mp_obj_new_int(ml_float_to_int_sat((float)b[i].w * sx)),
        mp_obj_new_int(ml_float_to_int_sat((float)b[i].h * sy)),
    };
    mp_obj_t item[3] = {mp_obj_new_list(4, rect), mp_obj_new_float(b[i].score), MP_OBJ_NULL};
    size_t len = 2;
    if (b[i].keypoints != MP_OBJ_NULL) {
      item[len++] = map_keypoints(b[i].keypoints, sx, sy, ox, oy);
    }
    mp_obj_list_append(lists[b[i].label], mp_obj_new_tuple(len, item));
  }
  return result;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(nms_get_bounding_boxes_obj, 1, nms_get_bounding_boxes);

static mp_obj_t nms_unary_op(mp_unary_op_t op, mp_obj_t self_in) {
  ml_nms_obj_t* self = MP_OBJ_TO_PTR(self_in);
  switch (op) {
    case MP_UNARY_OP_LEN:
      return MP_OBJ_NEW_SMALL_INT(self->len);
    case MP_UNARY_OP_BOOL:
      return mp_obj_new_bool(self->len != 0);
    default:
      return MP_OBJ_NULL;
  }
}

static void nms_attr(mp_obj_t self_in, qstr attr, mp_obj_t* dest) {
  ml_nms_obj_t* self = MP_OBJ_TO_PTR(self_in);
  if (dest[0] != MP_OBJ_NULL) {
    return;
  }
  // if/else rather than switch: qstrs are not constants in a native module.
  if (attr == MP_QSTR_window_w) {
    dest[0] = mp_obj_new_float(self->window_w);
  } else if (attr == MP_QSTR_window_h) {
    dest[0] = mp_obj_new_float(self->window_h);
  } else if (attr == MP_QSTR_roi) {
    dest[0] = self->roi;
  } else {
    dest[1] = MP_OBJ_SENTINEL;
  }
}

static const mp_rom_map_elem_t nms_locals_dict_table[] = {
    {MP_ROM_QSTR(MP_QSTR_add_bounding_box), MP_ROM_PTR(&nms_add_bounding_box_obj)},
    {MP_ROM_QSTR(MP_QSTR_get_bounding_boxes), MP_ROM_PTR(&nms_get_bounding_boxes_obj)},
};
static MP_DEFINE_CONST_DICT(nms_locals_dict, nms_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(ml_nms_type, MP_QSTR_NMS, MP_TYPE_FLAG_NONE, make_new, nms_make_new,
                         unary_op, nms_unary_op, attr, nms_attr, locals_dict, &nms_locals_dict);
