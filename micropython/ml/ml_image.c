// ml.preprocessing.Normalization and duck-typed images.
//
// An image is any object with width(), height(), format() and bytearray()
// (OpenMV's image.Image, or ml.preprocessing.Image over a raw buffer). format()
// is one of ml.preprocessing.GRAYSCALE, RGB565, RGB888 - or any integer whose
// low byte is the bytes per pixel, as OpenMV's pixel formats are - or the
// format's name as a string.
#include <string.h>

#include "ml_checked.h"
#include "ml_module.h"
#include "ml_preprocess.h"
#include "py/objstr.h"
#include "py/objtuple.h"
#include "py/runtime.h"

typedef struct _ml_normalization_obj_t {
  mp_obj_base_t base;
  mp_obj_t scale;  // as given, for reading back
  mp_obj_t mean;
  mp_obj_t stdev;
  mp_obj_t roi;    // (x, y, w, h) or None
  mp_obj_t image;  // the bound image, or MP_OBJ_NULL
  bool quantize;   // the tensor's quantization rather than OpenMV's pixel values
  ml_norm_t norm;
} ml_normalization_obj_t;

// ---------------------------------------------------------------- images

static mp_obj_t call_method0(mp_obj_t obj, qstr name) {
  mp_obj_t dest[2];
  mp_load_method(obj, name, dest);
  return mp_call_method_n_kw(0, 0, dest);
}

bool ml_is_image(mp_obj_t obj) {
  if (mp_obj_is_str_or_bytes(obj) || mp_obj_is_type(obj, &mp_type_list) ||
      mp_obj_is_type(obj, &mp_type_tuple)) {
    return false;
  }
  const qstr needed[] = {MP_QSTR_bytearray, MP_QSTR_width, MP_QSTR_height, MP_QSTR_format};
  for (size_t i = 0; i < MP_ARRAY_SIZE(needed); ++i) {
    mp_obj_t dest[2];
    mp_load_method_maybe(obj, needed[i], dest);
    if (dest[0] == MP_OBJ_NULL) {
      return false;
    }
  }
  return true;
}

static int32_t pixel_format(mp_obj_t fmt) {
  if (mp_obj_is_str(fmt)) {
    const char* s = mp_obj_str_get_str(fmt);
    if (strcmp(s, "GRAYSCALE") == 0) {
      return ML_PIXEL_GRAY8;
    }
    if (strcmp(s, "RGB565") == 0) {
      return ML_PIXEL_RGB565;
    }
    if (strcmp(s, "RGB888") == 0) {
      return ML_PIXEL_RGB888;
    }
    mp_raise_msg_varg(&mp_type_ValueError,
                      MP_ERROR_TEXT("image format must be GRAYSCALE, RGB565 or RGB888, got '%s'"),
                      s);
  }
  mp_int_t v = mp_obj_get_int(fmt);
  int32_t bpp = (int32_t)(v & 0xFF);
  if (bpp < ML_PIXEL_GRAY8 || bpp > ML_PIXEL_RGB888) {
    mp_raise_msg_varg(&mp_type_ValueError,
                      MP_ERROR_TEXT("image format %d is not GRAYSCALE, RGB565 or RGB888"), (int)v);
  }
  return bpp;
}

// Images and image tensors are at most this many pixels wide and high, so
// pixel offsets and roi sums stay far inside int32 and float precision.
#define ML_MAX_IMAGE_SIDE (32767)

static int32_t image_side(mp_obj_t v, const char* what) {
  mp_int_t side = mp_obj_get_int(v);
  if (side < 1 || side > ML_MAX_IMAGE_SIDE) {
    mp_raise_msg_varg(&mp_type_ValueError,
                      MP_ERROR_TEXT("image %s must be 1 to %d pixels, got %ld"), what,
                      ML_MAX_IMAGE_SIDE, (long)side);
  }
  return (int32_t)side;
}

// Reads the image and validates `roi` (None for the whole image) against it.
// Every call into Python (methods, __index__ of roi items) comes before the
// pixel buffer is taken, so nothing can resize it while img->pixels is in use.
static void get_image(mp_obj_t obj, mp_obj_t roi, ml_image_t* img, mp_obj_t* pixels_keepalive) {
  img->width = image_side(call_method0(obj, MP_QSTR_width), "width");
  img->height = image_side(call_method0(obj, MP_QSTR_height), "height");
  img->format = pixel_format(call_method0(obj, MP_QSTR_format));
  img->roi_x = 0;
  img->roi_y = 0;
  img->roi_w = img->width;
  img->roi_h = img->height;
  if (roi != mp_const_none) {
    size_t n = ml_seq_len(roi);
    if (n != 4) {
      mp_raise_ValueError(MP_ERROR_TEXT("roi must be (x, y, w, h)"));
    }
    mp_int_t v[4];
    for (size_t i = 0; i < 4; ++i) {
      v[i] = mp_obj_get_int(ml_seq_item(roi, i, n));
    }
    // As OpenMV: a roi reaching outside the image is cut to the image; one
    // that does not overlap it is an error. With w, h >= 1, x + w and y + h
    // can only overflow upwards, past the image's edge.
    mp_int_t x0 = v[0] > 0 ? v[0] : 0;
    mp_int_t y0 = v[1] > 0 ? v[1] : 0;
    bool sized = v[2] >= 1 && v[3] >= 1;
    mp_int_t end;
    mp_int_t x1 =
        sized && !__builtin_add_overflow(v[0], v[2], &end) && end < img->width ? end : img->width;
    mp_int_t y1 =
        sized && !__builtin_add_overflow(v[1], v[3], &end) && end < img->height ? end : img->height;
    if (!sized || x1 <= x0 || y1 <= y0) {
      mp_raise_msg_varg(&mp_type_ValueError,
                        MP_ERROR_TEXT("roi (%ld, %ld, %ld, %ld) does not overlap the %dx%d image"),
                        (long)v[0], (long)v[1], (long)v[2], (long)v[3], (int)img->width,
                        (int)img->height);
    }
    img->roi_x = (int32_t)x0;
    img->roi_y = (int32_t)y0;
    img->roi_w = (int32_t)(x1 - x0);
    img->roi_h = (int32_t)(y1 - y0);
  }
  mp_obj_t pixels = call_method0(obj, MP_QSTR_bytearray);
  *pixels_keepalive = pixels;
  mp_buffer_info_t bi;
  mp_get_buffer_raise(pixels, &bi, MP_BUFFER_READ);
  size_t needed = (size_t)img->width * (size_t)img->height * (size_t)img->format;
  if (bi.len < needed) {
    mp_raise_msg_varg(
        &mp_type_ValueError,
        MP_ERROR_TEXT("image of %dx%d at %d bytes/pixel needs %u bytes, bytearray() has %u"),
        (int)img->width, (int)img->height, (int)img->format, (unsigned)needed, (unsigned)bi.len);
  }
  img->pixels = bi.buf;
}

// ---------------------------------------------------------------- Normalization

static void get_triple(mp_obj_t obj, float* out, const char* what) {
  if (mp_obj_is_int(obj) || mp_obj_is_float(obj)) {
    out[0] = out[1] = out[2] = (float)ml_get_finite(obj, what);
    return;
  }
  size_t n = ml_seq_len(obj);
  if (n == 1) {
    out[0] = out[1] = out[2] = (float)ml_get_finite(ml_seq_item(obj, 0, n), what);
  } else if (n == 3) {
    for (size_t i = 0; i < 3; ++i) {
      out[i] = (float)ml_get_finite(ml_seq_item(obj, i, n), what);
    }
  } else {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s must have 1 or 3 values, got %u"),
                      what, (unsigned)n);
  }
}

static ml_normalization_obj_t* new_normalization(mp_obj_t scale, mp_obj_t mean, mp_obj_t stdev,
                                                 mp_obj_t roi, bool quantize) {
  ml_normalization_obj_t* self = mp_obj_malloc(ml_normalization_obj_t, &ml_normalization_type);
  self->quantize = quantize;
  self->scale = scale;
  self->mean = mean;
  self->stdev = stdev;
  self->roi = roi;
  self->image = MP_OBJ_NULL;
  size_t n = ml_seq_len(scale);
  if (n != 2) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("scale must be (min, max), got %u values"),
                      (unsigned)n);
  }
  self->norm.lo = (float)ml_get_finite(ml_seq_item(scale, 0, n), "scale");
  self->norm.hi = (float)ml_get_finite(ml_seq_item(scale, 1, n), "scale");
  get_triple(mean, self->norm.mean, "mean");
  get_triple(stdev, self->norm.stdev, "stdev");
  for (size_t i = 0; i < 3; ++i) {
    if (self->norm.stdev[i] == 0.0f || !isfinite(self->norm.stdev[i])) {
      mp_raise_ValueError(MP_ERROR_TEXT("stdev values must be finite and not 0"));
    }
  }
  if (roi != mp_const_none && ml_seq_len(roi) != 4) {
    mp_raise_ValueError(MP_ERROR_TEXT("roi must be (x, y, w, h)"));
  }
  return self;
}

#if MICROPY_ENABLE_DYNRUNTIME
// A native module (micropython/natmod) has no link-time address for the tuple
// type, so there the defaults are made when needed.
#define ML_DEFAULT_TUPLE(name, n, ...)       \
  static mp_obj_t name(void) {               \
    const mp_obj_t items[n] = {__VA_ARGS__}; \
    return mp_obj_new_tuple(n, items);       \
  }
#else
#define ML_DEFAULT_TUPLE(name, n, ...)                                                 \
  static const mp_rom_obj_tuple_t name##_tuple = {{&mp_type_tuple}, n, {__VA_ARGS__}}; \
  static mp_obj_t name(void) {                                                         \
    return MP_OBJ_FROM_PTR(&name##_tuple);                                             \
  }
#endif
ML_DEFAULT_TUPLE(default_scale, 2, MP_OBJ_NEW_SMALL_INT(0), MP_OBJ_NEW_SMALL_INT(1))
ML_DEFAULT_TUPLE(default_mean, 3, MP_OBJ_NEW_SMALL_INT(0), MP_OBJ_NEW_SMALL_INT(0),
                 MP_OBJ_NEW_SMALL_INT(0))
ML_DEFAULT_TUPLE(default_stdev, 3, MP_OBJ_NEW_SMALL_INT(1), MP_OBJ_NEW_SMALL_INT(1),
                 MP_OBJ_NEW_SMALL_INT(1))

// An argument that was not given (MP_OBJ_NULL: no Python value is NULL) takes its default.
#define ML_DEFAULT_ARG MP_ROM_PTR(NULL)
static mp_obj_t or_default(mp_obj_t given, mp_obj_t (*make)(void)) {
  return given == MP_OBJ_NULL ? make() : given;
}

static mp_obj_t normalization_make_new(const mp_obj_type_t* type, size_t n_args, size_t n_kw,
                                       const mp_obj_t* all_args) {
  (void)type;
  enum { ARG_scale, ARG_mean, ARG_stdev, ARG_roi, ARG_quantize };
  const mp_arg_t allowed[] = {
      {MP_QSTR_scale, MP_ARG_OBJ, {.u_rom_obj = ML_DEFAULT_ARG}},
      {MP_QSTR_mean, MP_ARG_OBJ, {.u_rom_obj = ML_DEFAULT_ARG}},
      {MP_QSTR_stdev, MP_ARG_OBJ, {.u_rom_obj = ML_DEFAULT_ARG}},
      {MP_QSTR_roi, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_quantize, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = false}},
  };
  mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
  mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed), allowed, args);
  return MP_OBJ_FROM_PTR(new_normalization(or_default(args[ARG_scale].u_obj, default_scale),
                                           or_default(args[ARG_mean].u_obj, default_mean),
                                           or_default(args[ARG_stdev].u_obj, default_stdev),
                                           args[ARG_roi].u_obj, args[ARG_quantize].u_bool));
}

static mp_obj_t bind(ml_normalization_obj_t* self, mp_obj_t image) {
  if (!ml_is_image(image)) {
    mp_raise_msg_varg(
        &mp_type_ValueError,
        MP_ERROR_TEXT("expected an image (width(), height(), format(), bytearray()), got %s"),
        mp_obj_get_type_str(image));
  }
  ml_image_t img;
  mp_obj_t keep;
  get_image(image, self->roi, &img, &keep);
  mp_obj_t roi = self->roi;
  if (roi == mp_const_none) {
    mp_obj_t items[4] = {
        MP_OBJ_NEW_SMALL_INT(0),
        MP_OBJ_NEW_SMALL_INT(0),
        MP_OBJ_NEW_SMALL_INT(img.width),
        MP_OBJ_NEW_SMALL_INT(img.height),
    };
    roi = mp_obj_new_tuple(4, items);
  }
  ml_normalization_obj_t* bound = m_new_obj(ml_normalization_obj_t);
  *bound = *self;
  bound->roi = roi;
  bound->image = image;
  return MP_OBJ_FROM_PTR(bound);
}

mp_obj_t ml_normalization_default(mp_obj_t image) {
  ml_normalization_obj_t* n =
      new_normalization(default_scale(), default_mean(), default_stdev(), mp_const_none, false);
  return bind(n, image);
}

// Geometry of an image tensor: (1, H, W, C) or (H, W, C), C 1 or 3.
static bool image_geometry(const int32_t* dims, size_t rank, int32_t* h, int32_t* w, int32_t* c) {
  int32_t d[4];
  memcpy(d, dims, (rank < 4 ? rank : 4) * sizeof(int32_t));
  if (rank == 4 && d[0] == 1) {
    *h = d[1];
    *w = d[2];
    *c = d[3];
  } else if (rank == 3) {
    *h = d[0];
    *w = d[1];
    *c = d[2];
  } else {
    return false;
  }
  return *h > 0 && *w > 0 && (*c == 1 || *c == 3);
}

// Fills a model tensor (t, data) or a Python buffer (buffer, data NULL).
// The buffer is taken after the image's methods ran, which may resize it.
static void fill(ml_normalization_obj_t* self, void* data, mp_obj_t buffer, const int32_t* dims,
                 size_t rank, char dtype, float scale, int32_t zero_point, size_t index,
                 const ml_tensor_t* t) {
  if (self->image == MP_OBJ_NULL) {
    mp_raise_ValueError(
        MP_ERROR_TEXT("this Normalization has no image: use Normalization(...)(image)"));
  }
  ml_image_tensor_t out = {data, 0, 0, 0, dtype, scale, zero_point};
  if (!image_geometry(dims, rank, &out.height, &out.width, &out.channels) || dtype == 'i' ||
      out.height > ML_MAX_IMAGE_SIDE || out.width > ML_MAX_IMAGE_SIDE) {
    if (t != NULL) {
      ml_raise_tensor_error(
          "input", index, t,
          "images need a tensor of shape (1, H, W, 1 or 3), dtype b, B, h, H or f");
    }
    mp_raise_ValueError(
        MP_ERROR_TEXT("images need a tensor of shape (1, H, W, 1 or 3), dtype b, B, h, H or f"));
  }
  ml_image_t img;
  mp_obj_t keep;
  get_image(self->image, self->roi, &img, &keep);
  if (buffer != MP_OBJ_NULL) {
    // h, w <= ML_MAX_IMAGE_SIDE, c <= 3, item <= 4: no overflow.
    size_t needed =
        (size_t)out.height * (size_t)out.width * (size_t)out.channels * ml_dtype_size(dtype);
    mp_buffer_info_t bi;
    mp_get_buffer_raise(buffer, &bi, MP_BUFFER_WRITE);
    if (bi.len < needed) {
      mp_raise_msg_varg(&mp_type_ValueError,
                        MP_ERROR_TEXT("buffer of %u bytes is smaller than the tensor (%u)"),
                        (unsigned)bi.len, (unsigned)needed);
    }
    out.data = bi.buf;
  }
  // OpenMV fills only int8, uint8 and float tensors; int16 ones get the
  // quantized mapping.
  if (self->quantize || dtype == 'h' || dtype == 'H') {
    ml_preprocess_image(&img, &self->norm, &out);
  } else {
    ml_preprocess_image_openmv(&img, &self->norm, &out);
  }
}

void ml_normalization_fill(mp_obj_t norm, size_t index, const ml_tensor_t* t) {
  fill(MP_OBJ_TO_PTR(norm), t->data, MP_OBJ_NULL, t->dims, t->rank, t->dtype, t->scale,
       t->zero_point, index, t);
}

// n(image) -> a copy bound to image; n(buffer, shape, dtype) fills buffer the
// way predict() fills such a tensor (OpenMV's pixel values), or with
// quantize=True for a tensor quantized so that `scale` spans its range (for
// int8: pixel - 128 with the default scale (0, 1)).
static mp_obj_t normalization_call(mp_obj_t self_in, size_t n_args, size_t n_kw,
                                   const mp_obj_t* args) {
  ml_normalization_obj_t* self = MP_OBJ_TO_PTR(self_in);
  mp_arg_check_num(n_args, n_kw, 1, 3, false);
  if (n_args == 1) {
    return bind(self, args[0]);
  }
  if (n_args != 3) {
    mp_raise_TypeError(MP_ERROR_TEXT("Normalization takes (image) or (buffer, shape, dtype)"));
  }
  // Shape and dtype are read (which may run Python code) before the buffer
  // is taken, in fill().
  size_t rank = ml_seq_len(args[1]);
  int32_t dims[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < rank && i < 4; ++i) {
    dims[i] = (int32_t)ml_get_int_in(ml_seq_item(args[1], i, rank), 0, ML_MAX_IMAGE_SIDE,
                                     "image tensor dimension");
  }
  char dtype = 0;
  if (mp_obj_is_str(args[2])) {
    size_t len;
    const char* s = mp_obj_str_get_data(args[2], &len);
    dtype = len == 1 ? s[0] : 0;
  } else {
    dtype = (char)ml_get_int_in(args[2], 0, 127, "dtype");
  }
  size_t item = ml_dtype_size(dtype);
  int32_t h, w, c;
  if (rank > 4 || item == 0 || !image_geometry(dims, rank, &h, &w, &c)) {
    mp_raise_ValueError(
        MP_ERROR_TEXT("images need a shape (1, H, W, 1 or 3) and dtype b, B, h, H or f"));
  }
  float scale = 1.0f;
  int32_t zero_point = 0;
  if (dtype != 'f') {
    float range = (dtype == 'b' || dtype == 'B') ? 255.0f : 65535.0f;
    int32_t type_min = dtype == 'b' ? -128 : (dtype == 'h' ? -32768 : 0);
    scale = (self->norm.hi - self->norm.lo) / range;
    if (scale == 0.0f) {
      scale = 1.0f;
    }
    // Casting an out-of-range float is undefined; such a scale saturates every value anyway.
    float z = self->norm.lo / scale;
    z = !(z > -1e9f) ? -1e9f : (z > 1e9f ? 1e9f : z);
    zero_point = type_min - (int32_t)z;
  }
  fill(self, NULL, args[0], dims, rank, dtype, scale, zero_point, 0, NULL);
  return mp_const_none;
}

static void normalization_attr(mp_obj_t self_in, qstr attr, mp_obj_t* dest) {
  if (dest[0] != MP_OBJ_NULL) {
    return;
  }
  ml_normalization_obj_t* self = MP_OBJ_TO_PTR(self_in);
  // if/else rather than switch: qstrs are not constants in a native module.
  if (attr == MP_QSTR_scale) {
    dest[0] = self->scale;
  } else if (attr == MP_QSTR_mean) {
    dest[0] = self->mean;
  } else if (attr == MP_QSTR_stdev) {
    dest[0] = self->stdev;
  } else if (attr == MP_QSTR_roi) {
    dest[0] = self->roi;
  } else if (attr == MP_QSTR_quantize) {
    dest[0] = mp_obj_new_bool(self->quantize);
  } else if (attr == MP_QSTR_image) {
    dest[0] = self->image == MP_OBJ_NULL ? mp_const_none : self->image;
  }
}

static void normalization_print(const mp_print_t* print, mp_obj_t self_in, mp_print_kind_t kind) {
  (void)kind;
  ml_normalization_obj_t* self = MP_OBJ_TO_PTR(self_in);
  mp_print_str(print, "Normalization(scale=");
  mp_obj_print_helper(print, self->scale, PRINT_REPR);
  mp_print_str(print, ", mean=");
  mp_obj_print_helper(print, self->mean, PRINT_REPR);
  mp_print_str(print, ", stdev=");
  mp_obj_print_helper(print, self->stdev, PRINT_REPR);
  mp_print_str(print, ", roi=");
  mp_obj_print_helper(print, self->roi, PRINT_REPR);
  mp_print_str(print, self->quantize ? ", quantize=True)" : ")");
}

MP_DEFINE_CONST_OBJ_TYPE(ml_normalization_type, MP_QSTR_Normalization, MP_TYPE_FLAG_NONE, make_new,
                         normalization_make_new, call, normalization_call, print,
                         normalization_print, attr, normalization_attr);
