// Module `_ml`: the native half of the `ml` package (micropython/lib/ml),
// which re-exports it with OpenMV's layout.
#include "ml_module.h"

#include "ml_ndarray.h"
#include "py/runtime.h"

static mp_obj_t ml_builtin_models_fun(void) {
  return ml_builtin_model_names();
}
static MP_DEFINE_CONST_FUN_OBJ_0(ml_builtin_models_obj, ml_builtin_models_fun);

static const mp_rom_map_elem_t ml_module_globals_table[] = {
    {MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__ml)},
    {MP_ROM_QSTR(MP_QSTR_Model), MP_ROM_PTR(&ml_model_type)},
    {MP_ROM_QSTR(MP_QSTR_ndarray), MP_ROM_PTR(&ml_ndarray_type)},
    {MP_ROM_QSTR(MP_QSTR_Normalization), MP_ROM_PTR(&ml_normalization_type)},
    {MP_ROM_QSTR(MP_QSTR_NMS), MP_ROM_PTR(&ml_nms_type)},
    {MP_ROM_QSTR(MP_QSTR_builtin_models), MP_ROM_PTR(&ml_builtin_models_obj)},
    {MP_ROM_QSTR(MP_QSTR_decode_yolov8), MP_ROM_PTR(&ml_decode_yolov8_obj)},
    {MP_ROM_QSTR(MP_QSTR_decode_yolov5), MP_ROM_PTR(&ml_decode_yolov5_obj)},
    {MP_ROM_QSTR(MP_QSTR_decode_yolov2), MP_ROM_PTR(&ml_decode_yolov2_obj)},
    {MP_ROM_QSTR(MP_QSTR_decode_fomo), MP_ROM_PTR(&ml_decode_fomo_obj)},
    {MP_ROM_QSTR(MP_QSTR_decode_blazeface), MP_ROM_PTR(&ml_decode_blazeface_obj)},
    {MP_ROM_QSTR(MP_QSTR_np_binary), MP_ROM_PTR(&ml_np_binary_obj)},
    {MP_ROM_QSTR(MP_QSTR_np_math), MP_ROM_PTR(&ml_np_math_obj)},
    {MP_ROM_QSTR(MP_QSTR_np_where), MP_ROM_PTR(&ml_np_where_obj)},
    {MP_ROM_QSTR(MP_QSTR_np_nonzero), MP_ROM_PTR(&ml_np_nonzero_obj)},
    {MP_ROM_QSTR(MP_QSTR_np_full), MP_ROM_PTR(&ml_np_full_obj)},
    {MP_ROM_QSTR(MP_QSTR_np_ramp), MP_ROM_PTR(&ml_np_ramp_obj)},
    {MP_ROM_QSTR(MP_QSTR_np_frombuffer), MP_ROM_PTR(&ml_np_frombuffer_obj)},
};
static MP_DEFINE_CONST_DICT(ml_module_globals, ml_module_globals_table);

const mp_obj_module_t ml_native_module = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t*)&ml_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR__ml, ml_native_module);
