// Included first into every C file of the `_ml` glue when it is built as a
// native module (.mpy, see Makefile). Maps the parts of the MicroPython API
// that py/dynruntime.h lacks onto what a native module can reach (the
// runtime's function table, builtins, methods) or onto ml_natmod.c, so the
// glue keeps one source for both builds.
#ifndef ML_NATMOD_H
#define ML_NATMOD_H

#include "extmod/vfs.h"
#include "py/builtin.h"
#include "py/dynruntime.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/runtime.h"

// ---------------------------------------------------------------- ROM tables
// Qstr numbers of a native module are only known once it is loaded, so a qstr
// in a constant table is stored as its name ("MP_QSTR_predict") and the
// tables become real dicts in mpy_init (ml_natmod_dict_init).
#define MP_ROM_QSTR(q) ((mp_rom_obj_t)("" #q))

typedef struct _ml_natmod_rom_elem_t {
  const char* key;
  mp_rom_obj_t value;
} ml_natmod_rom_elem_t;
void ml_natmod_dict_init(mp_obj_dict_t* dict, const mp_rom_map_elem_t* table, size_t n);

#undef MP_DEFINE_CONST_DICT
// The leading inline function takes the `static` the glue writes before the
// macro: the natmod linker refuses static BSS variables.
#define MP_DEFINE_CONST_DICT(name, table)                    \
  inline void name##_natmod_tag(void) {}                     \
  mp_obj_dict_t name;                                        \
  void name##_natmod_init(void) {                            \
    ml_natmod_dict_init(&name, table, MP_ARRAY_SIZE(table)); \
  }

// A type is zeroed storage (BSS) under its usual name, filled by
// <name>_natmod_init() from the same slot list as MP_DEFINE_CONST_OBJ_TYPE.
#define ML_SLOT(t, n, slot, value) MP_OBJ_TYPE_SET_SLOT(t, slot, value, n);
#define ML_SLOTS_2(t, s0, v0) ML_SLOT(t, 0, s0, v0)
#define ML_SLOTS_4(t, s0, v0, ...) ML_SLOT(t, 0, s0, v0) ML_SLOTS_4_(t, __VA_ARGS__)
#define ML_SLOTS_4_(t, s1, v1) ML_SLOT(t, 1, s1, v1)
#define ML_SLOTS_6(t, s0, v0, ...) ML_SLOTS_4(t, __VA_ARGS__) ML_SLOT(t, 2, s0, v0)
#define ML_SLOTS_8(t, s0, v0, ...) ML_SLOTS_6(t, __VA_ARGS__) ML_SLOT(t, 3, s0, v0)
#define ML_SLOTS_10(t, s0, v0, ...) ML_SLOTS_8(t, __VA_ARGS__) ML_SLOT(t, 4, s0, v0)
#define ML_SLOTS_12(t, s0, v0, ...) ML_SLOTS_10(t, __VA_ARGS__) ML_SLOT(t, 5, s0, v0)
#define ML_SLOTS_14(t, s0, v0, ...) ML_SLOTS_12(t, __VA_ARGS__) ML_SLOT(t, 6, s0, v0)
#define ML_SLOTS_16(t, s0, v0, ...) ML_SLOTS_14(t, __VA_ARGS__) ML_SLOT(t, 7, s0, v0)
#define ML_SLOTS_18(t, s0, v0, ...) ML_SLOTS_16(t, __VA_ARGS__) ML_SLOT(t, 8, s0, v0)
#define ML_SLOTS_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, \
                      _18, N, ...)                                                                \
  ML_SLOTS_##N
#define ML_SLOTS(t, ...)                                                                    \
  ML_SLOTS_PICK(__VA_ARGS__, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1) \
  (t, __VA_ARGS__)

#undef MP_DEFINE_CONST_OBJ_TYPE
#define MP_DEFINE_CONST_OBJ_TYPE(var, type_name, type_flags, ...)        \
  mp_obj_full_type_t var##_natmod;                                       \
  extern const mp_obj_type_t var __attribute__((alias(#var "_natmod"))); \
  void var##_natmod_init(void) {                                         \
    var##_natmod.base.type = &mp_type_type;                              \
    var##_natmod.flags = type_flags;                                     \
    var##_natmod.name = type_name;                                       \
    ML_SLOTS(&var##_natmod, __VA_ARGS__)                                 \
  }

// ---------------------------------------------------------------- types
extern mp_obj_full_type_t ml_natmod_polymorph_iter;
extern const mp_obj_type_t* ml_natmod_slice_type;
extern const mp_obj_type_t* ml_natmod_float_type;
#define mp_type_polymorph_iter (*(const mp_obj_type_t*)&ml_natmod_polymorph_iter)
#define mp_type_slice (*ml_natmod_slice_type)
#undef mp_type_float
#define mp_type_float (*ml_natmod_float_type)
#define mp_type_MemoryError (*(mp_obj_type_t*)(mp_load_global(MP_QSTR_MemoryError)))
#define mp_type_OSError (*(mp_obj_type_t*)(mp_load_global(MP_QSTR_OSError)))
#define mp_type_OverflowError (*(mp_obj_type_t*)(mp_load_global(MP_QSTR_OverflowError)))
#define mp_builtin_open_obj (*(mp_obj_base_t*)MP_OBJ_TO_PTR(mp_load_global(MP_QSTR_open)))

#undef mp_obj_is_str_or_bytes
#define mp_obj_is_str_or_bytes(o) (mp_obj_is_str(o) || mp_obj_is_type(o, &mp_type_bytes))

// ---------------------------------------------------------------- objects
// dynruntime's mp_obj_get_int truncates big ints; the glue range-checks what
// it gets, so values beyond a machine word must raise as in the firmware.
mp_int_t ml_natmod_get_int(mp_obj_t o);
#undef mp_obj_get_int
#define mp_obj_get_int(o) ml_natmod_get_int(o)
#define mp_obj_get_type_str(o) \
  ((const char*)mp_obj_str_get_str(MP_OBJ_NEW_QSTR(mp_obj_get_type(o)->name)))
#define mp_obj_is_callable(o) ml_natmod_is_callable(o)
bool ml_natmod_is_callable(mp_obj_t o);
#define mp_obj_is_subclass_fast(a, b) ml_natmod_is_subclass(a, b)
bool ml_natmod_is_subclass(mp_const_obj_t object, mp_const_obj_t classinfo);
#define mp_obj_new_int_from_ll(v) ml_natmod_new_int_from_ll(v)
mp_obj_t ml_natmod_new_int_from_ll(long long v);
#define mp_obj_new_exception_args(t, n, args) \
  mp_call_function_n_kw(MP_OBJ_FROM_PTR(t), (n), 0, (args))
#define mp_call_function_1(f, a) ml_natmod_call(f, 1, a, MP_OBJ_NULL)
#define mp_call_function_2(f, a, b) ml_natmod_call(f, 2, a, b)
mp_obj_t ml_natmod_call(mp_obj_t f, size_t n, mp_obj_t a, mp_obj_t b);
#define mp_obj_tuple_get(o, len, items) ml_natmod_tuple_get(o, len, items)
void ml_natmod_tuple_get(mp_obj_t o, size_t* len, mp_obj_t** items);
#define mp_obj_slice_indices(s, len, out) ml_natmod_slice_indices(s, len, out)
void ml_natmod_slice_indices(mp_obj_t self_in, mp_int_t length, mp_bound_slice_t* result);
#define mp_obj_new_str_from_vstr(v) ml_natmod_str_from_vstr(v)
mp_obj_t ml_natmod_str_from_vstr(vstr_t* v);
#define mp_call_method_n_kw(n_args, n_kw, args) \
  (mp_fun_table.call_method_n_kw((n_args), (n_kw), (args)))
#define m_malloc0(n) (mp_fun_table.memset_(m_malloc(n), 0, (n)))
#define m_malloc_maybe(n) (mp_fun_table.realloc_(NULL, (n), false))

// ---------------------------------------------------------------- printing, errors
#define mp_print_str(p, s) ml_natmod_print_str(p, s)
int ml_natmod_print_str(const mp_print_t* print, const char* s);
#define mp_obj_print_helper(p, o, kind) ml_natmod_print_obj(p, o, kind)
void ml_natmod_print_obj(const mp_print_t* print, mp_obj_t o, mp_print_kind_t kind);
#define mp_raise_msg_varg(t, ...) ml_natmod_raise_varg(t, __VA_ARGS__)
NORETURN void ml_natmod_raise_varg(const mp_obj_type_t* type, const char* fmt, ...);
#define nlr_push(buf) (mp_fun_table.nlr_push(buf))
#define nlr_pop() (mp_fun_table.nlr_pop())
#define nlr_jump(val) (mp_raise_dyn(MP_OBJ_FROM_PTR(val)))

// ---------------------------------------------------------------- files, heap
#undef MICROPY_VFS
#define MICROPY_VFS (1)
#ifndef MP_S_IFDIR
#define MP_S_IFDIR (0x4000)
#endif
#define mp_vfs_stat(path) ml_natmod_call_module_fun(MP_QSTR_os, MP_QSTR_stat, path)
mp_obj_t ml_natmod_call_module_fun(qstr module, qstr fun, mp_obj_t arg);
#define mp_stream_seek(f, off, whence, err) ml_natmod_seek(f, off, whence, err)
mp_off_t ml_natmod_seek(mp_obj_t f, mp_off_t offset, int whence, int* err);
#undef mp_stream_read_exactly
#define mp_stream_read_exactly(f, buf, size, err) ml_natmod_read(f, buf, size, err)
mp_uint_t ml_natmod_read(mp_obj_t f, void* buf, size_t size, int* err);
#define mp_stream_close(f) ((void)ml_natmod_call_method0(f, MP_QSTR_close))
mp_obj_t ml_natmod_call_method0(mp_obj_t o, qstr name);
// The largest free block, found by allocating (a native module cannot read
// the GC's tables); only used to word MemoryError messages.
#define gc_info(info) ml_natmod_gc_info(info)
void ml_natmod_gc_info(gc_info_t* info);

// ---------------------------------------------------------------- vstr
// The firmware's vstr functions are not exported to native modules.
#define vstr_init ml_natmod_vstr_init
#define vstr_add_strn ml_natmod_vstr_add_strn
#define vstr_add_str ml_natmod_vstr_add_str
#define vstr_add_char ml_natmod_vstr_add_char
#define vstr_printf ml_natmod_vstr_printf
void vstr_init(vstr_t* v, size_t alloc);
void vstr_add_strn(vstr_t* v, const char* s, size_t n);
void vstr_add_str(vstr_t* v, const char* s);
void vstr_add_char(vstr_t* v, unichar c);
void vstr_printf(vstr_t* v, const char* fmt, ...);

#endif  // ML_NATMOD_H
