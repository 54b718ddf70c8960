// Declarations shared by the C files of the `_ml` module.
#ifndef MICROPY_ML_MODULE_H
#define MICROPY_ML_MODULE_H

#include "ml_builtin_models.h"
#include "ml_engine.h"
#include "py/obj.h"

extern const mp_obj_type_t ml_model_type;
extern const mp_obj_type_t ml_normalization_type;
extern const mp_obj_type_t ml_nms_type;

// NMS.add_bounding_box without the Python call (ml_nms.c).
void ml_nms_add(mp_obj_t nms, mp_float_t xmin, mp_float_t ymin, mp_float_t xmax, mp_float_t ymax,
                mp_float_t score, int32_t label, mp_obj_t keypoints);

// Tuple of the built-in model names.
mp_obj_t ml_builtin_model_names(void);

// --- images (ml_image.c)
// True when obj looks like an image: it has width(), height(), format() and bytearray().
bool ml_is_image(mp_obj_t obj);
// Normalization() bound to `image` (the default preprocessing of predict()).
mp_obj_t ml_normalization_default(mp_obj_t image);
// Fills tensor `t` (shape (1,H,W,C) or (H,W,C), C 1 or 3) from a bound Normalization.
void ml_normalization_fill(mp_obj_t norm, size_t index, const ml_tensor_t* t);

// --- helpers
// "(1, 96, 96, 1)" style tuple of a tensor's dims.
mp_obj_t ml_dims_tuple(const int32_t* dims, size_t rank);
// The same as a str.
mp_obj_t ml_shape_str(const int32_t* dims, size_t rank);
// Raise ValueError naming a tensor: "input 0 (int8 (1, 96, 96, 1)): <message>".
NORETURN void ml_raise_tensor_error(const char* what, size_t index, const ml_tensor_t* t,
                                    const char* fmt, ...);

// --- detection decoders (ml_postprocess.c)
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_yolov8_obj);
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_yolov5_obj);
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_yolov2_obj);
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_fomo_obj);
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(ml_decode_blazeface_obj);

#endif  // MICROPY_ML_MODULE_H
