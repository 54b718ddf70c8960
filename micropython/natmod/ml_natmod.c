// The `_ml` native module (.mpy): its entry point, which builds the module's
// types and dicts (a native module has no constant ones, see ml_natmod.h),
// and the MicroPython API functions that the glue uses and py/dynruntime.h
// does not provide.
#include "ml_natmod.h"

#include <stdarg.h>

#include "ml_module.h"
#include "ml_ndarray.h"
#include "py/objtuple.h"

mp_obj_full_type_t ml_natmod_polymorph_iter;
const mp_obj_type_t* ml_natmod_slice_type;
const mp_obj_type_t* ml_natmod_float_type;

// ---------------------------------------------------------------- C library
// Native modules link no C library; the compiler emits calls to these.
void* memcpy(void* dst, const void* src, size_t n) {
  return mp_fun_table.memmove_(dst, src, n);
}
void* memmove(void* dst, const void* src, size_t n) {
  return mp_fun_table.memmove_(dst, src, n);
}
void* memset(void* s, int c, size_t n) {
  return mp_fun_table.memset_(s, c, n);
}
int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = a;
  const unsigned char* y = b;
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) {
      return x[i] < y[i] ? -1 : 1;
    }
  }
  return 0;
}
size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') {
    ++n;
  }
  return n;
}
int strcmp(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return (unsigned char)*a - (unsigned char)*b;
}
// A native module cannot reach the process environment: the x86 kernels run
// at the level the CPU supports (MICROML_X86_LEVEL is for the CLI and tests).
char* getenv(const char* name) {
  (void)name;
  return NULL;
}

// ---------------------------------------------------------------- tables
void ml_natmod_dict_init(mp_obj_dict_t* dict, const mp_rom_map_elem_t* table, size_t n) {
  mp_obj_t d = mp_obj_new_dict(n);
  for (size_t i = 0; i < n; ++i) {
    // MP_ROM_QSTR stored "MP_QSTR_<name>"; the name is interned (it is in the
    // module's qstr table), so mp_obj_new_str returns the qstr itself.
    const char* key = (const char*)table[i].key + 8;
    mp_obj_dict_store(d, mp_obj_new_str(key, strlen(key)), (mp_obj_t)table[i].value);
  }
  *dict = *(mp_obj_dict_t*)MP_OBJ_TO_PTR(d);
}

// ---------------------------------------------------------------- objects
mp_int_t ml_natmod_get_int(mp_obj_t o) {
  if (mp_obj_is_small_int(o)) {
    return MP_OBJ_SMALL_INT_VALUE(o);
  }
  mp_int_t v = (mp_int_t)mp_fun_table.native_from_obj(o, MP_NATIVE_TYPE_INT);
  if (!mp_obj_is_true(mp_binary_op(MP_BINARY_OP_EQUAL, o, mp_obj_new_int(v)))) {
    mp_raise_msg(&mp_type_OverflowError, "overflow converting long int to machine word");
  }
  return v;
}

bool ml_natmod_is_callable(mp_obj_t o) {
  return mp_obj_is_true(ml_natmod_call(mp_load_global(MP_QSTR_callable), 1, o, MP_OBJ_NULL));
}

bool ml_natmod_is_subclass(mp_const_obj_t object, mp_const_obj_t classinfo) {
  return mp_obj_is_true(
      ml_natmod_call(mp_load_global(MP_QSTR_issubclass), 2, (mp_obj_t)object, (mp_obj_t)classinfo));
}

mp_obj_t ml_natmod_new_int_from_ll(long long v) {
  if (v >= -(1LL << 30) && v < (1LL << 30)) {
    return mp_obj_new_int((mp_int_t)v);
  }
  // high * 2**32 + low, with Python's arbitrary-precision ints.
  mp_obj_t high = mp_obj_new_int((mp_int_t)(v >> 32));
  mp_obj_t low = mp_obj_new_int_from_uint((mp_uint_t)(uint32_t)v);
  mp_obj_t shifted = mp_binary_op(MP_BINARY_OP_LSHIFT, high, MP_OBJ_NEW_SMALL_INT(32));
  return mp_binary_op(MP_BINARY_OP_ADD, shifted, low);
}

mp_obj_t ml_natmod_call(mp_obj_t f, size_t n, mp_obj_t a, mp_obj_t b) {
  mp_obj_t args[2] = {a, b};
  return mp_call_function_n_kw(f, n, 0, args);
}

mp_obj_t ml_natmod_call_method0(mp_obj_t o, qstr name) {
  mp_obj_t dest[2];
  mp_load_method(o, name, dest);
  return mp_fun_table.call_method_n_kw(0, 0, dest);
}

void ml_natmod_tuple_get(mp_obj_t o, size_t* len, mp_obj_t** items) {
  mp_obj_tuple_t* t = MP_OBJ_TO_PTR(o);
  *len = t->len;
  *items = t->items;
}

static mp_int_t slice_bound(mp_obj_t v, mp_int_t deflt, mp_int_t length, mp_int_t lo, mp_int_t hi) {
  if (v == mp_const_none) {
    return deflt;
  }
  mp_int_t x = mp_obj_get_int(v);
  if (x < 0) {
    x += length;
  }
  return x < lo ? lo : x > hi ? hi : x;
}

// Python's slice.indices(length).
void ml_natmod_slice_indices(mp_obj_t self_in, mp_int_t length, mp_bound_slice_t* result) {
  mp_obj_slice_t* s = MP_OBJ_TO_PTR(self_in);
  mp_int_t step = s->step == mp_const_none ? 1 : mp_obj_get_int(s->step);
  if (step == 0) {
    mp_raise_ValueError("slice step can't be zero");
  }
  if (step > 0) {
    result->start = slice_bound(s->start, 0, length, 0, length);
    result->stop = slice_bound(s->stop, length, length, 0, length);
  } else {
    result->start = slice_bound(s->start, length - 1, length, -1, length - 1);
    result->stop = slice_bound(s->stop, -1, length, -1, length - 1);
  }
  result->step = step;
}

mp_obj_t ml_natmod_call_module_fun(qstr module, qstr fun, mp_obj_t arg) {
  mp_obj_t m = mp_import_name(module, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
  return ml_natmod_call(mp_load_attr(m, fun), 1, arg, MP_OBJ_NULL);
}

mp_off_t ml_natmod_seek(mp_obj_t f, mp_off_t offset, int whence, int* err) {
  *err = 0;
  mp_obj_t args[4];
  mp_load_method(f, MP_QSTR_seek, args);
  args[2] = mp_obj_new_int(offset);
  args[3] = MP_OBJ_NEW_SMALL_INT(whence);
  return mp_obj_get_int(mp_fun_table.call_method_n_kw(2, 0, args));
}

// Reads in small chunks into bytes objects and copies them: no Python object
// ever refers to `buf`.
mp_uint_t ml_natmod_read(mp_obj_t f, void* buf, size_t size, int* err) {
  *err = 0;
  size_t got = 0;
  while (got < size) {
    size_t want = size - got < 4096 ? size - got : 4096;
    mp_obj_t args[3];
    mp_load_method(f, MP_QSTR_read, args);
    args[2] = mp_obj_new_int_from_uint(want);
    mp_obj_t chunk = mp_fun_table.call_method_n_kw(1, 0, args);
    size_t n;
    const char* data = mp_obj_str_get_data(chunk, &n);
    if (n == 0 || n > want) {
      break;
    }
    memcpy((uint8_t*)buf + got, data, n);
    got += n;
  }
  return got;
}

void ml_natmod_gc_info(gc_info_t* info) {
  mp_obj_t gc = mp_import_name(MP_QSTR_gc, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
  mp_obj_t dest[2];
  mp_load_method(gc, MP_QSTR_collect, dest);
  mp_fun_table.call_method_n_kw(0, 0, dest);
  mp_load_method(gc, MP_QSTR_mem_free, dest);
  size_t total = (size_t)mp_obj_get_int(mp_fun_table.call_method_n_kw(0, 0, dest));
  // Binary search, in blocks, for the largest allocation that succeeds.
  size_t lo = 0;
  size_t hi = total / MICROPY_BYTES_PER_GC_BLOCK + 1;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    void* p = mp_fun_table.realloc_(NULL, mid * MICROPY_BYTES_PER_GC_BLOCK, false);
    if (p != NULL) {
      m_free(p);
      lo = mid;
    } else {
      hi = mid;
    }
  }
  mp_fun_table.memset_(info, 0, sizeof(*info));
  info->free = total;
  info->max_free = lo;
}

// ---------------------------------------------------------------- vstr, printing
void vstr_init(vstr_t* v, size_t alloc) {
  v->alloc = alloc < 16 ? 16 : alloc;
  v->len = 0;
  v->buf = m_malloc(v->alloc);
  v->fixed_buf = false;
}

void vstr_add_strn(vstr_t* v, const char* s, size_t n) {
  if (v->len + n + 1 > v->alloc) {
    size_t alloc = v->alloc * 2;
    while (alloc < v->len + n + 1) {
      alloc *= 2;
    }
    v->buf = m_realloc(v->buf, alloc);
    v->alloc = alloc;
  }
  memcpy(v->buf + v->len, s, n);
  v->len += n;
}

void vstr_add_str(vstr_t* v, const char* s) {
  vstr_add_strn(v, s, strlen(s));
}

void vstr_add_char(vstr_t* v, unichar c) {
  char ch = (char)c;
  vstr_add_strn(v, &ch, 1);
}

static void vstr_print_strn(void* data, const char* s, size_t n) {
  vstr_add_strn(data, s, n);
}

void vstr_printf(vstr_t* v, const char* fmt, ...) {
  mp_print_t print = {v, vstr_print_strn};
  va_list ap;
  va_start(ap, fmt);
  mp_vprintf(&print, fmt, ap);
  va_end(ap);
}

mp_obj_t ml_natmod_str_from_vstr(vstr_t* v) {
  mp_obj_t s = mp_obj_new_str(v->buf, v->len);
  m_free(v->buf);
  v->buf = NULL;
  return s;
}

int ml_natmod_print_str(const mp_print_t* print, const char* s) {
  size_t n = strlen(s);
  print->print_strn(print->data, s, n);
  return (int)n;
}

void ml_natmod_print_obj(const mp_print_t* print, mp_obj_t o, mp_print_kind_t kind) {
  mp_obj_t f = mp_load_global(kind == PRINT_REPR ? MP_QSTR_repr : MP_QSTR_str);
  size_t n;
  const char* s = mp_obj_str_get_data(ml_natmod_call(f, 1, o, MP_OBJ_NULL), &n);
  print->print_strn(print->data, s, n);
}

NORETURN void ml_natmod_raise_varg(const mp_obj_type_t* type, const char* fmt, ...) {
  vstr_t v;
  vstr_init(&v, 64);
  mp_print_t print = {&v, vstr_print_strn};
  va_list ap;
  va_start(ap, fmt);
  mp_vprintf(&print, fmt, ap);
  va_end(ap);
  mp_obj_t msg = ml_natmod_str_from_vstr(&v);
  mp_raise_dyn(mp_call_function_n_kw(MP_OBJ_FROM_PTR(type), 1, 0, &msg));
}

// ---------------------------------------------------------------- iteration
// The layout of the firmware's polymorphic iterators (py/objpolyiter.c).
typedef struct {
  mp_obj_base_t base;
  mp_fun_1_t iternext;
} polymorph_iter_t;

static mp_obj_t polymorph_iternext(mp_obj_t self) {
  return ((polymorph_iter_t*)MP_OBJ_TO_PTR(self))->iternext(self);
}

// ---------------------------------------------------------------- entry point
static mp_obj_t builtin_models(void) {
  return ml_builtin_model_names();
}
static MP_DEFINE_CONST_FUN_OBJ_0(builtin_models_obj, builtin_models);

void model_locals_dict_natmod_init(void);
void ndarray_locals_dict_natmod_init(void);
void nms_locals_dict_natmod_init(void);
void ml_model_type_natmod_init(void);
void ml_ndarray_type_natmod_init(void);
void ml_nms_type_natmod_init(void);
void ml_normalization_type_natmod_init(void);

mp_obj_t mpy_init(mp_obj_fun_bc_t* self, size_t n_args, size_t n_kw, mp_obj_t* args) {
  MP_DYNRUNTIME_INIT_ENTRY

  ml_natmod_polymorph_iter.base.type = &mp_type_type;
  ml_natmod_polymorph_iter.flags = MP_TYPE_FLAG_ITER_IS_ITERNEXT;
  ml_natmod_polymorph_iter.name = MP_QSTR_iterator;
  MP_OBJ_TYPE_SET_SLOT(&ml_natmod_polymorph_iter, iter, polymorph_iternext, 0);
  ml_natmod_slice_type =
      mp_obj_get_type(mp_fun_table.new_slice(mp_const_none, mp_const_none, mp_const_none));
  ml_natmod_float_type = mp_obj_get_type(mp_obj_new_float(0));

  model_locals_dict_natmod_init();
  ndarray_locals_dict_natmod_init();
  nms_locals_dict_natmod_init();
  ml_model_type_natmod_init();
  ml_ndarray_type_natmod_init();
  ml_nms_type_natmod_init();
  ml_normalization_type_natmod_init();

  // The same names as ml_module.c's table.
  mp_store_global(MP_QSTR___name__, MP_OBJ_NEW_QSTR(MP_QSTR__ml));
  mp_store_global(MP_QSTR_Model, MP_OBJ_FROM_PTR(&ml_model_type));
  mp_store_global(MP_QSTR_ndarray, MP_OBJ_FROM_PTR(&ml_ndarray_type));
  mp_store_global(MP_QSTR_Normalization, MP_OBJ_FROM_PTR(&ml_normalization_type));
  mp_store_global(MP_QSTR_NMS, MP_OBJ_FROM_PTR(&ml_nms_type));
  mp_store_global(MP_QSTR_builtin_models, MP_OBJ_FROM_PTR(&builtin_models_obj));
  mp_store_global(MP_QSTR_decode_yolov8, MP_OBJ_FROM_PTR(&ml_decode_yolov8_obj));
  mp_store_global(MP_QSTR_decode_yolov5, MP_OBJ_FROM_PTR(&ml_decode_yolov5_obj));
  mp_store_global(MP_QSTR_decode_yolov2, MP_OBJ_FROM_PTR(&ml_decode_yolov2_obj));
  mp_store_global(MP_QSTR_decode_fomo, MP_OBJ_FROM_PTR(&ml_decode_fomo_obj));
  mp_store_global(MP_QSTR_decode_blazeface, MP_OBJ_FROM_PTR(&ml_decode_blazeface_obj));
  mp_store_global(MP_QSTR_np_binary, MP_OBJ_FROM_PTR(&ml_np_binary_obj));
  mp_store_global(MP_QSTR_np_math, MP_OBJ_FROM_PTR(&ml_np_math_obj));
  mp_store_global(MP_QSTR_np_where, MP_OBJ_FROM_PTR(&ml_np_where_obj));
  mp_store_global(MP_QSTR_np_nonzero, MP_OBJ_FROM_PTR(&ml_np_nonzero_obj));
  mp_store_global(MP_QSTR_np_full, MP_OBJ_FROM_PTR(&ml_np_full_obj));
  mp_store_global(MP_QSTR_np_ramp, MP_OBJ_FROM_PTR(&ml_np_ramp_obj));
  mp_store_global(MP_QSTR_np_frombuffer, MP_OBJ_FROM_PTR(&ml_np_frombuffer_obj));

  MP_DYNRUNTIME_INIT_EXIT
}
