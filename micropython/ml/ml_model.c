// ml.Model: a .tflite model with its interpreter and arena.
//
// Memory: the Python object holds the engine (model reader + interpreter) in
// its own body, the arena is one GC block sized by MeasureArena, and a model
// read from a file (or given in a mutable buffer) is one more GC block.
// Nothing else survives construction, so once the object is unreachable a
// collection returns every byte. The arena is never exposed to Python as a
// resizable or block-start buffer: outputs are ml.ndarray views that keep the
// model alive, and input callables fill a staging array of their own.
#include <stdarg.h>
#include <string.h>

#include "extmod/vfs.h"
#include "ml_checked.h"
#include "ml_module.h"
#include "ml_ndarray.h"
#include "ml_tensor_ops.h"
#include "py/builtin.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/objarray.h"
#include "py/objexcept.h"
#include "py/objtuple.h"
#include "py/runtime.h"
#include "py/stream.h"

// Model bytes are used in place when this aligned; flatbuffers align tensor
// data relative to the buffer start, so the start must be at least as aligned.
#define ML_MODEL_ALIGN (16)

typedef struct _ml_model_obj_t {
  mp_obj_base_t base;
  mp_obj_t source;  // object whose memory holds the model when used in place
  const uint8_t* data;
  size_t len;
  uint8_t* copy;  // heap copy of the model, or NULL
  size_t copy_len;
  uint8_t* arena;
  size_t ram;
  const char* builtin;
  mp_obj_t postprocess;
  mp_obj_t labels;
  mp_obj_t input_shape;
  mp_obj_t input_dtype;
  mp_obj_t input_scale;
  mp_obj_t input_zero_point;
  mp_obj_t output_shape;
  mp_obj_t output_dtype;
  mp_obj_t output_scale;
  mp_obj_t output_zero_point;
  uint64_t engine[];
} ml_model_obj_t;

// ---------------------------------------------------------------- helpers

mp_obj_t ml_dims_tuple(const int32_t* dims, size_t rank) {
  mp_obj_tuple_t* t = MP_OBJ_TO_PTR(mp_obj_new_tuple(rank, NULL));
  for (size_t i = 0; i < rank; ++i) {
    int32_t d;
    memcpy(&d, dims + i, sizeof(d));
    t->items[i] = MP_OBJ_NEW_SMALL_INT(d);
  }
  return MP_OBJ_FROM_PTR(t);
}

static void format_dims(vstr_t* v, const int32_t* dims, size_t rank) {
  vstr_add_char(v, '(');
  for (size_t i = 0; i < rank; ++i) {
    int32_t d;
    memcpy(&d, dims + i, sizeof(d));
    vstr_printf(v, i ? ", %d" : "%d", (int)d);
  }
  vstr_add_str(v, rank == 1 ? ",)" : ")");
}

mp_obj_t ml_shape_str(const int32_t* dims, size_t rank) {
  vstr_t v;
  vstr_init(&v, 32);
  format_dims(&v, dims, rank);
  return mp_obj_new_str_from_vstr(&v);
}

NORETURN void ml_raise_tensor_error(const char* what, size_t index, const ml_tensor_t* t,
                                    const char* fmt, ...) {
  vstr_t v;
  vstr_init(&v, 96);
  vstr_printf(&v, "%s %u (%s ", what, (unsigned)index, t->type_name);
  format_dims(&v, t->dims, t->rank);
  vstr_add_str(&v, "): ");
  va_list ap;
  va_start(ap, fmt);
  mp_print_t print = {&v, (mp_print_strn_t)vstr_add_strn};
  mp_vprintf(&print, fmt, ap);
  va_end(ap);
  mp_obj_t msg = mp_obj_new_str_from_vstr(&v);
  nlr_raise(mp_obj_new_exception_arg1(&mp_type_ValueError, msg));
}

static size_t largest_free_block(size_t* total_free) {
  gc_info_t info;
  gc_info(&info);
  *total_free = info.free;
  return info.max_free * MICROPY_BYTES_PER_GC_BLOCK;
}

NORETURN static void raise_no_memory(const char* what, size_t needed) {
  size_t total;
  size_t largest = largest_free_block(&total);
  mp_raise_msg_varg(
      &mp_type_MemoryError,
      MP_ERROR_TEXT("%s needs %u bytes, largest free heap block is %u (%u bytes free)"), what,
      (unsigned)needed, (unsigned)largest, (unsigned)total);
}

static void* alloc_or_raise(const char* what, size_t bytes) {
  void* p = m_malloc_maybe(bytes);
  if (p == NULL) {
    raise_no_memory(what, bytes);
  }
  return p;
}

// GC blocks cannot be empty.
static size_t arena_block_bytes(const ml_model_obj_t* self) {
  return self->ram == 0 ? 1 : self->ram;
}

// Drops the big allocations of a model whose construction failed, so the heap
// is back at once rather than at the next collection.
static void release(ml_model_obj_t* self) {
  if (self->arena != NULL) {
    m_del(uint8_t, self->arena, arena_block_bytes(self));
    self->arena = NULL;
  }
  if (self->copy != NULL) {
    m_del(uint8_t, self->copy, self->copy_len);
    self->copy = NULL;
  }
}

// ---------------------------------------------------------------- loading

static void take_copy(ml_model_obj_t* self, size_t len) {
  self->copy_len = len == 0 ? 1 : len;
  self->copy = alloc_or_raise("the model", self->copy_len);
  self->data = self->copy;
  self->len = len;
}

static const ml_builtin_model_t* find_builtin(const char* name) {
  for (size_t i = 0; i < ml_builtin_models_count; ++i) {
    if (strcmp(ml_builtin_models[i].name, name) == 0) {
      return &ml_builtin_models[i];
    }
  }
  return NULL;
}

NORETURN static void raise_os_error(int errno_, mp_obj_t msg) {
  mp_obj_t args[2] = {MP_OBJ_NEW_SMALL_INT(errno_), msg};
  nlr_raise(mp_obj_new_exception_args(&mp_type_OSError, 2, args));
}

// OSError for a model path that names no file: says that no built-in model
// has that name either (built-in names take precedence over files).
NORETURN static void raise_no_model(mp_obj_t path) {
  vstr_t v;
  vstr_init(&v, 64);
  vstr_printf(&v, "no model file '%s', and no built-in model of that name (built-in:",
              mp_obj_str_get_str(path));
  for (size_t i = 0; i < ml_builtin_models_count; ++i) {
    vstr_printf(&v, "%s %s", i ? "," : "", ml_builtin_models[i].name);
  }
  vstr_add_str(&v, ml_builtin_models_count ? ")" : " none)");
  raise_os_error(MP_ENOENT, mp_obj_new_str_from_vstr(&v));
}

static bool is_os_error(nlr_buf_t* nlr, int errno_) {
  mp_obj_t exc = MP_OBJ_FROM_PTR(nlr->ret_val);
  if (!mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)),
                               MP_OBJ_FROM_PTR(&mp_type_OSError))) {
    return false;
  }
  mp_obj_t args = ((mp_obj_exception_t*)MP_OBJ_TO_PTR(exc))->args;
  size_t n;
  mp_obj_t* items;
  mp_obj_tuple_get(args, &n, &items);
  return n > 0 && mp_obj_is_small_int(items[0]) && MP_OBJ_SMALL_INT_VALUE(items[0]) == errno_;
}

static mp_obj_t open_model_file(mp_obj_t path) {
  mp_obj_t file;
  nlr_buf_t nlr;
  if (nlr_push(&nlr) == 0) {
#if MICROPY_VFS
    // A directory opens on some filesystems and then reports a nonsense size.
    mp_obj_t st = mp_vfs_stat(path);
    if (mp_obj_get_int(mp_obj_subscr(st, MP_OBJ_NEW_SMALL_INT(0), MP_OBJ_SENTINEL)) & MP_S_IFDIR) {
      vstr_t v;
      vstr_init(&v, 48);
      vstr_printf(&v, "'%s' is a directory, not a model file", mp_obj_str_get_str(path));
      raise_os_error(MP_EISDIR, mp_obj_new_str_from_vstr(&v));
    }
#endif
    file = mp_call_function_2(MP_OBJ_FROM_PTR(&mp_builtin_open_obj), path,
                              MP_OBJ_NEW_QSTR(MP_QSTR_rb));
    nlr_pop();
  } else {
    if (is_os_error(&nlr, MP_ENOENT)) {
      raise_no_model(path);
    }
    nlr_jump(nlr.ret_val);
  }
  return file;
}

static void load_file(ml_model_obj_t* self, mp_obj_t path) {
  mp_obj_t file = open_model_file(path);
  mp_buffer_info_t bi;
  if (mp_get_buffer(file, &bi, MP_BUFFER_READ) && ((uintptr_t)bi.buf % ML_MODEL_ALIGN) == 0) {
    // A file in a ROM filesystem: execute in place.
    self->source = file;
    self->data = bi.buf;
    self->len = bi.len;
    return;
  }
  int err;
  mp_off_t size = mp_stream_seek(file, 0, MP_SEEK_END, &err);
  if (size == (mp_off_t)-1 || mp_stream_seek(file, 0, MP_SEEK_SET, &err) == (mp_off_t)-1) {
    mp_stream_close(file);
    mp_raise_OSError(err);
  }
  if (size < 0 || (uint64_t)size > ML_MAX_ELEMENTS) {
    mp_stream_close(file);
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("'%s' is not a model file (size %ld)"),
                      mp_obj_str_get_str(path), (long)size);
  }
  nlr_buf_t nlr;
  if (nlr_push(&nlr) == 0) {
    take_copy(self, (size_t)size);
    mp_uint_t got = mp_stream_read_exactly(file, self->copy, (size_t)size, &err);
    if (err != 0) {
      mp_raise_OSError(err);
    }
    if (got != (mp_uint_t)size) {
      mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("short read: %u of %u model bytes"),
                        (unsigned)got, (unsigned)size);
    }
    nlr_pop();
  } else {
    mp_stream_close(file);
    nlr_jump(nlr.ret_val);
  }
  mp_stream_close(file);
}

static void load_source(ml_model_obj_t* self, mp_obj_t arg) {
  if (mp_obj_is_str(arg)) {
    const ml_builtin_model_t* b = find_builtin(mp_obj_str_get_str(arg));
    if (b != NULL) {
      self->builtin = b->name;
      self->data = b->data;
      self->len = b->len;
      return;
    }
    load_file(self, arg);
    return;
  }
  mp_buffer_info_t bi;
  if (!mp_get_buffer(arg, &bi, MP_BUFFER_READ)) {
    mp_raise_msg_varg(
        &mp_type_TypeError,
        MP_ERROR_TEXT("Model() takes a file path, a built-in model name or a buffer, not %s"),
        mp_obj_get_type_str(arg));
  }
  // Only bytes are immutable: any other buffer (bytearray, array, memoryview,
  // ml.ndarray) could change or move after the model was verified. Copied too
  // when tensor data inside the flatbuffer would be misaligned.
  if (mp_obj_is_type(arg, &mp_type_bytes) && ((uintptr_t)bi.buf % ML_MODEL_ALIGN) == 0) {
    self->source = arg;
    self->data = bi.buf;
    self->len = bi.len;
    return;
  }
  take_copy(self, bi.len);
  memcpy(self->copy, bi.buf, bi.len);
}

// Labels from "<path without extension>.txt", one per line; None when absent.
static mp_obj_t read_labels(mp_obj_t path_obj) {
  size_t len;
  const char* path = mp_obj_str_get_data(path_obj, &len);
  size_t stem = len;
  for (size_t i = len; i-- > 0;) {
    if (path[i] == '/') {
      break;
    }
    if (path[i] == '.') {
      stem = i;
      break;
    }
  }
  vstr_t v;
  vstr_init(&v, stem + 5);
  vstr_add_strn(&v, path, stem);
  vstr_add_str(&v, ".txt");
  mp_obj_t txt_path = mp_obj_new_str_from_vstr(&v);
  mp_obj_t text;
  nlr_buf_t nlr;
  if (nlr_push(&nlr) == 0) {
    mp_obj_t f = mp_call_function_2(MP_OBJ_FROM_PTR(&mp_builtin_open_obj), txt_path,
                                    MP_OBJ_NEW_QSTR(MP_QSTR_r));
    mp_obj_t dest[2];
    mp_load_method(f, MP_QSTR_read, dest);
    text = mp_call_method_n_kw(0, 0, dest);
    mp_stream_close(f);
    nlr_pop();
  } else {
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(((mp_obj_base_t*)nlr.ret_val)->type),
                                MP_OBJ_FROM_PTR(&mp_type_OSError))) {
      return mp_const_none;
    }
    nlr_jump(nlr.ret_val);
  }
  const char* s = mp_obj_str_get_data(text, &len);
  mp_obj_t labels = mp_obj_new_list(0, NULL);
  size_t start = 0;
  for (size_t i = 0; i <= len; ++i) {
    if (i == len || s[i] == '\n') {
      size_t end = i;
      if (end > start && s[end - 1] == '\r') {
        --end;
      }
      if (i < len || end > start) {
        mp_obj_list_append(labels, mp_obj_new_str(s + start, end - start));
      }
      start = i + 1;
    }
  }
  return labels;
}

static mp_obj_t builtin_labels(const ml_builtin_model_t* b) {
  if (b->labels == NULL) {
    return mp_const_none;
  }
  mp_obj_t labels = mp_obj_new_list(b->n_labels, NULL);
  mp_obj_t* items = ((mp_obj_list_t*)MP_OBJ_TO_PTR(labels))->items;
  for (size_t i = 0; i < b->n_labels; ++i) {
    items[i] = mp_obj_new_str(b->labels[i], strlen(b->labels[i]));
  }
  return labels;
}

// ---------------------------------------------------------------- setup

static const char* const kDtypeList = "int8, uint8, int16, uint16, int32 and float32";

static void describe_io(ml_model_obj_t* self, bool input) {
  size_t n = input ? ml_engine_num_inputs(self->engine) : ml_engine_num_outputs(self->engine);
  mp_obj_tuple_t* shape = MP_OBJ_TO_PTR(mp_obj_new_tuple(n, NULL));
  mp_obj_tuple_t* dtype = MP_OBJ_TO_PTR(mp_obj_new_tuple(n, NULL));
  mp_obj_tuple_t* scale = MP_OBJ_TO_PTR(mp_obj_new_tuple(n, NULL));
  mp_obj_tuple_t* zero = MP_OBJ_TO_PTR(mp_obj_new_tuple(n, NULL));
  for (size_t i = 0; i < n; ++i) {
    ml_tensor_t t;
    if (!(input ? ml_engine_input(self->engine, i, &t) : ml_engine_output(self->engine, i, &t))) {
      mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("invalid model: %s %u is not a tensor"),
                        input ? "input" : "output", (unsigned)i);
    }
    if (t.dtype == 0) {
      ml_raise_tensor_error(input ? "input" : "output", i, &t,
                            "type %s is not supported; model inputs and outputs must be %s",
                            t.type_name, kDtypeList);
    }
    shape->items[i] = ml_dims_tuple(t.dims, t.rank);
    dtype->items[i] = mp_obj_new_str(&t.dtype, 1);
    scale->items[i] = mp_obj_new_float_from_f(t.scale);
    zero->items[i] = mp_obj_new_int(t.zero_point);
  }
  if (input) {
    self->input_shape = MP_OBJ_FROM_PTR(shape);
    self->input_dtype = MP_OBJ_FROM_PTR(dtype);
    self->input_scale = MP_OBJ_FROM_PTR(scale);
    self->input_zero_point = MP_OBJ_FROM_PTR(zero);
  } else {
    self->output_shape = MP_OBJ_FROM_PTR(shape);
    self->output_dtype = MP_OBJ_FROM_PTR(dtype);
    self->output_scale = MP_OBJ_FROM_PTR(scale);
    self->output_zero_point = MP_OBJ_FROM_PTR(zero);
  }
}

NORETURN static void raise_engine_error(ml_model_obj_t* self, ml_status_t status) {
  const char* msg = ml_engine_error(self->engine);
  switch (status) {
    case ML_INVALID_MODEL:
      mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("invalid model: %s"), msg);
    case ML_UNSUPPORTED:
      mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s"), msg);
    case ML_ARENA_TOO_SMALL:
      mp_raise_msg_varg(&mp_type_MemoryError, MP_ERROR_TEXT("%s"), msg);
    default:
      mp_raise_msg_varg(&mp_type_RuntimeError, MP_ERROR_TEXT("%s"), msg);
  }
}

// arena_limit= (microml's extension of OpenMV's API): a positive int of
// bytes, or None for no limit (the default plan). An int beyond size_t is
// compared, never truncated: no arena can reach it, so it limits nothing and,
// like any limit above every plan, buys the fastest plan. SIZE_MAX itself
// means no limit to the engine.
static size_t arena_limit_bytes(mp_obj_t value) {
  if (value == mp_const_none) {
    return SIZE_MAX;
  }
  // Named by type, not repr: the repr of any object could be megabytes.
  if (!mp_obj_is_int(value)) {
    mp_raise_msg_varg(&mp_type_TypeError,
                      MP_ERROR_TEXT("arena_limit must be a positive int (bytes) or None, not %s"),
                      mp_obj_get_type_str(value));
  }
  if (!mp_obj_is_true(mp_binary_op(MP_BINARY_OP_MORE, value, MP_OBJ_NEW_SMALL_INT(0)))) {
    vstr_t v;
    vstr_init(&v, 64);
    mp_print_t print = {&v, (mp_print_strn_t)vstr_add_strn};
    mp_print_str(&print, "arena_limit must be a positive number of bytes, got ");
    mp_obj_print_helper(&print, value, PRINT_REPR);
    nlr_raise(mp_obj_new_exception_arg1(&mp_type_ValueError, mp_obj_new_str_from_vstr(&v)));
  }
  if (mp_obj_is_small_int(value)) {
    return (size_t)MP_OBJ_SMALL_INT_VALUE(value);
  }
  // A positive big int: its low bits are the whole value if it fits in size_t.
  size_t low = (size_t)mp_obj_get_int_truncated(value);
  if (low == SIZE_MAX ||
      !mp_obj_is_true(mp_binary_op(MP_BINARY_OP_EQUAL, value, mp_obj_new_int_from_uint(low)))) {
    return SIZE_MAX - 1;
  }
  return low;
}

static void setup(ml_model_obj_t* self, size_t arena_limit) {
  ml_status_t status = ml_engine_init(self->engine, self->data, self->len);
  if (status != ML_OK) {
    raise_engine_error(self, status);
  }
  describe_io(self, true);
  describe_io(self, false);

  // The plan gives the exact arena size; the work memory for planning is
  // freed before the arena is taken. A larger work buffer helps only when
  // measuring reported no size: a size with ML_ARENA_TOO_SMALL is the
  // smallest plan, above arena_limit.
  size_t work_len = ml_engine_work_bytes(self->engine);
  for (;;) {
    uint8_t* work = alloc_or_raise("planning the model", work_len);
    size_t arena_bytes = 0;
    status = ml_engine_measure(self->engine, work, work_len, arena_limit, &arena_bytes);
    m_del(uint8_t, work, work_len);
    if (status != ML_ARENA_TOO_SMALL || arena_bytes != 0 || work_len > ((size_t)1 << 28)) {
      if (status == ML_OK) {
        self->ram = arena_bytes;
      }
      break;
    }
    work_len *= 2;
  }
  if (status != ML_OK) {
    raise_engine_error(self, status);
  }
  self->arena = m_malloc_maybe(arena_block_bytes(self));
  if (self->arena == NULL) {
    raise_no_memory("the model's arena", self->ram);
  }
  status = ml_engine_setup(self->engine, self->arena, self->ram);
  if (status != ML_OK) {
    raise_engine_error(self, status);
  }
}

static mp_obj_t model_make_new(const mp_obj_type_t* type, size_t n_args, size_t n_kw,
                               const mp_obj_t* all_args) {
  enum { ARG_model, ARG_postprocess, ARG_load_to_fb, ARG_arena_limit };
  const mp_arg_t allowed[] = {
      {MP_QSTR_model, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_postprocess, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      // Accepted for scripts written for OpenMV firmware up to 4.8; no effect.
      {MP_QSTR_load_to_fb, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_arena_limit, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
  };
  mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
  mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed), allowed, args);
  size_t arena_limit = arena_limit_bytes(args[ARG_arena_limit].u_obj);

  size_t words = (ml_engine_size + sizeof(uint64_t) - 1) / sizeof(uint64_t);
  ml_model_obj_t* self = mp_obj_malloc_var(ml_model_obj_t, engine, uint64_t, words, type);
  self->source = MP_OBJ_NULL;
  self->data = NULL;
  self->len = 0;
  self->copy = NULL;
  self->copy_len = 0;
  self->arena = NULL;
  self->ram = 0;
  self->builtin = NULL;
  self->postprocess = args[ARG_postprocess].u_obj;
  self->labels = mp_const_none;

  mp_obj_t arg = args[ARG_model].u_obj;
  nlr_buf_t nlr;
  if (nlr_push(&nlr) == 0) {
    load_source(self, arg);
    setup(self, arena_limit);
    if (self->builtin != NULL) {
      self->labels = builtin_labels(find_builtin(self->builtin));
    } else if (mp_obj_is_str(arg)) {
      self->labels = read_labels(arg);
    }
    nlr_pop();
  } else {
    release(self);
    nlr_jump(nlr.ret_val);
  }
  return MP_OBJ_FROM_PTR(self);
}

// ---------------------------------------------------------------- inputs

// Nested lists of input values go at most this deep (tensors have at most
// ML_MAX_DIMS dimensions; a list containing itself must not recurse forever).
#define ML_MAX_NESTING (ML_MAX_DIMS + 2)

static size_t count_values(size_t index, const ml_tensor_t* t, mp_obj_t seq, size_t depth) {
  if (!ml_is_list_or_tuple(seq)) {
    return 1;
  }
  if (depth >= ML_MAX_NESTING) {
    ml_raise_tensor_error("input", index, t, "values nested more than %d deep", ML_MAX_NESTING);
  }
  size_t n = ml_seq_len(seq);
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!ml_add_ok(total, count_values(index, t, ml_seq_item(seq, i, n), depth + 1), &total)) {
      ml_raise_tensor_error("input", index, t, "too many values");
    }
  }
  return total;
}

// Converting a value may run Python code (__float__) that changes the lists:
// items are fetched one at a time and every store is checked against the
// tensor's size.
static void quantize_values(size_t index, const ml_tensor_t* t, mp_obj_t seq, size_t* pos) {
  if (ml_is_list_or_tuple(seq)) {
    size_t n = ml_seq_len(seq);
    for (size_t i = 0; i < n; ++i) {
      quantize_values(index, t, ml_seq_item(seq, i, n), pos);
    }
    return;
  }
  float v = (float)mp_obj_get_float(seq);
  if (*pos >= t->count) {
    ml_raise_tensor_error("input", index, t, "values changed while being read");
  }
  ml_quantize_one(v, t->data, (*pos)++, t->dtype, t->scale, t->zero_point);
}

static void fill_from_ndarray(size_t index, const ml_tensor_t* t, ml_ndarray_obj_t* a) {
  bool same = a->rank == t->rank;
  for (size_t d = 0; same && d < a->rank; ++d) {
    int32_t want;
    memcpy(&want, t->dims + d, sizeof(want));
    same = a->shape[d] == want;
  }
  if (!same) {
    ml_raise_tensor_error("input", index, t, "expected an array of that shape, got shape %s",
                          mp_obj_str_get_str(ml_shape_str(a->shape, a->rank)));
  }
  // As on OpenMV, an array holds real numbers whatever its dtype: they are
  // quantized with the tensor's scale and zero point (rounded and clamped
  // here, truncated and wrapped on OpenMV). Raw bytes go in as a buffer.
  if (a->dtype == 'f' && t->dtype == 'f') {
    ml_ndarray_copy_to(a, t->data);
    return;
  }
  size_t count = ml_ndarray_count(a);
  for (size_t i = 0; i < count; ++i) {
    ml_quantize_one((float)ml_ndarray_get_flat(a, i), t->data, i, t->dtype, t->scale,
                    t->zero_point);
  }
}

static void fill_input(ml_model_obj_t* self, size_t index, const ml_tensor_t* t, mp_obj_t entry) {
  if (mp_obj_is_type(entry, &ml_normalization_type)) {
    ml_normalization_fill(entry, index, t);
    return;
  }
  if (mp_obj_is_type(entry, &ml_ndarray_type)) {
    fill_from_ndarray(index, t, MP_OBJ_TO_PTR(entry));
    return;
  }
  if (mp_obj_is_callable(entry)) {
    // The callable fills a uint8 array of the tensor's bytes that it owns
    // outright (a memoryview of it stays valid, it cannot be resized), copied
    // into the tensor when the call returns: the arena itself is never handed
    // to Python code that might keep it past the model.
    int32_t len = (int32_t)t->bytes;
    ml_ndarray_obj_t* staging = ml_ndarray_new('B', 1, &len);
    memcpy(staging->data, t->data, t->bytes);
    mp_obj_t fargs[3] = {
        MP_OBJ_FROM_PTR(staging),
        ((mp_obj_tuple_t*)MP_OBJ_TO_PTR(self->input_shape))->items[index],
        MP_OBJ_NEW_SMALL_INT(t->dtype),
    };
    mp_call_function_n_kw(entry, 3, 0, fargs);
    memcpy(t->data, staging->data, t->bytes);
    return;
  }
  mp_buffer_info_t bi;
  if (mp_get_buffer(entry, &bi, MP_BUFFER_READ)) {
    char code = (char)(bi.typecode & ~MP_OBJ_ARRAY_TYPECODE_FLAG_RW);
    if (code == 'f' && bi.len == t->count * sizeof(float)) {
      ml_quantize_f32(bi.buf, t->count, t->data, t->dtype, t->scale, t->zero_point);
    } else if (code == 'd' && bi.len == t->count * sizeof(double)) {
      ml_quantize_f64(bi.buf, t->count, t->data, t->dtype, t->scale, t->zero_point);
    } else if (bi.len == t->bytes) {
      memcpy(t->data, bi.buf, bi.len);
    } else {
      ml_raise_tensor_error("input", index, t, "expected %u bytes (raw) or %u floats, got %u bytes",
                            (unsigned)t->bytes, (unsigned)t->count, (unsigned)bi.len);
    }
    return;
  }
  if (ml_is_list_or_tuple(entry)) {
    size_t n = count_values(index, t, entry, 0);
    if (n != t->count) {
      ml_raise_tensor_error("input", index, t, "expected %u values, got %u", (unsigned)t->count,
                            (unsigned)n);
    }
    size_t pos = 0;
    quantize_values(index, t, entry, &pos);
    if (pos != t->count) {
      ml_raise_tensor_error("input", index, t, "values changed while being read");
    }
    return;
  }
  ml_raise_tensor_error(
      "input", index, t,
      "expected raw bytes, floats, an ml.ndarray, an image, a Normalization or a callable, got %s",
      mp_obj_get_type_str(entry));
}

// ---------------------------------------------------------------- predict

static ml_model_obj_t* native_self(mp_obj_t self_in) {
  return MP_OBJ_TO_PTR(mp_obj_cast_to_native_base(self_in, MP_OBJ_FROM_PTR(&ml_model_type)));
}

static mp_obj_t dequantized_outputs(ml_model_obj_t* self) {
  size_t n = ml_engine_num_outputs(self->engine);
  mp_obj_t list = mp_obj_new_list(n, NULL);
  mp_obj_t* items = ((mp_obj_list_t*)MP_OBJ_TO_PTR(list))->items;
  for (size_t i = 0; i < n; ++i) {
    ml_tensor_t t;
    ml_engine_output(self->engine, i, &t);
    int32_t shape[ML_MAX_DIMS];
    if (t.rank > ML_MAX_DIMS) {
      ml_raise_tensor_error("output", i, &t, "more than %d dimensions", ML_MAX_DIMS);
    }
    memcpy(shape, t.dims, t.rank * sizeof(int32_t));
    ml_ndarray_obj_t* a = ml_ndarray_new('f', t.rank, shape);
    ml_dequantize(t.data, t.count, t.dtype, t.scale, t.zero_point, (float*)a->data);
    items[i] = MP_OBJ_FROM_PTR(a);
  }
  return list;
}

static mp_obj_t output_views(mp_obj_t model, ml_model_obj_t* self) {
  size_t n = ml_engine_num_outputs(self->engine);
  mp_obj_t list = mp_obj_new_list(n, NULL);
  mp_obj_t* items = ((mp_obj_list_t*)MP_OBJ_TO_PTR(list))->items;
  for (size_t i = 0; i < n; ++i) {
    ml_tensor_t t;
    ml_engine_output(self->engine, i, &t);
    int32_t shape[ML_MAX_DIMS];
    if (t.rank > ML_MAX_DIMS) {
      ml_raise_tensor_error("output", i, &t, "more than %d dimensions", ML_MAX_DIMS);
    }
    memcpy(shape, t.dims, t.rank * sizeof(int32_t));
    items[i] = ml_ndarray_new_view(model, t.data, t.dtype, t.rank, shape);
  }
  return list;
}

static mp_obj_t model_predict(size_t n_args, const mp_obj_t* pos_args, mp_map_t* kw_args) {
  enum { ARG_callback };
  const mp_arg_t allowed[] = {
      {MP_QSTR_callback, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
  };
  mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
  mp_arg_parse_all(n_args - 2, pos_args + 2, kw_args, MP_ARRAY_SIZE(allowed), allowed, args);
  mp_obj_t model = pos_args[0];
  ml_model_obj_t* self = native_self(model);
  mp_obj_t inputs = pos_args[1];

  size_t n_in = ml_engine_num_inputs(self->engine);
  if (!mp_obj_is_type(inputs, &mp_type_list) && !mp_obj_is_type(inputs, &mp_type_tuple)) {
    mp_raise_msg_varg(
        &mp_type_ValueError,
        MP_ERROR_TEXT("predict() takes a list with one entry per model input (%u), got %s"),
        (unsigned)n_in, mp_obj_get_type_str(inputs));
  }
  // Filling an input may run Python code (an input callable, __float__): a
  // list of inputs is read from a copy that code cannot change.
  if (!mp_obj_is_type(inputs, &mp_type_tuple)) {
    size_t len;
    mp_obj_t* list_items;
    mp_obj_get_array(inputs, &len, &list_items);
    inputs = mp_obj_new_tuple(len, list_items);
  }
  size_t n;
  mp_obj_t* items;
  mp_obj_get_array(inputs, &n, &items);
  if (n != n_in) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("model has %u input%s, %u given"),
                      (unsigned)n_in, n_in == 1 ? "" : "s", (unsigned)n);
  }
  mp_obj_t callback =
      args[ARG_callback].u_obj != mp_const_none ? args[ARG_callback].u_obj : self->postprocess;
  mp_obj_t wrapped = MP_OBJ_NULL;
  for (size_t i = 0; i < n; ++i) {
    ml_tensor_t t;
    ml_engine_input(self->engine, i, &t);
    mp_obj_t entry = items[i];
    if (ml_is_image(entry)) {
      entry = ml_normalization_default(entry);
      if (callback != mp_const_none) {
        // The callback gets the Normalization in place of the image: it carries the roi.
        if (wrapped == MP_OBJ_NULL) {
          wrapped = mp_obj_new_list(n, items);
        }
        ((mp_obj_list_t*)MP_OBJ_TO_PTR(wrapped))->items[i] = entry;
      }
    }
    fill_input(self, i, &t, entry);
  }
  // The callback sees the caller's own object (or the list with images wrapped).
  inputs = wrapped != MP_OBJ_NULL ? wrapped : pos_args[1];
  ml_status_t status = ml_engine_invoke(self->engine);
  if (status != ML_OK) {
    raise_engine_error(self, status);
  }
  if (callback == mp_const_none) {
    return dequantized_outputs(self);
  }
  mp_obj_t fargs[3] = {model, inputs, output_views(model, self)};
  return mp_call_function_n_kw(callback, 3, 0, fargs);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(model_predict_obj, 2, model_predict);

static mp_obj_t model_reset(mp_obj_t self_in) {
  ml_engine_reset(native_self(self_in)->engine);
  return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(model_reset_obj, model_reset);

// ---------------------------------------------------------------- attributes

static void model_print(const mp_print_t* print, mp_obj_t self_in, mp_print_kind_t kind) {
  (void)kind;
  ml_model_obj_t* self = native_self(self_in);
  mp_printf(print, "{ len: %u, ram: %u", (unsigned)self->len, (unsigned)self->ram);
  const struct {
    qstr name;
    size_t offset;
  } fields[] = {
      {MP_QSTR_input_shape, offsetof(ml_model_obj_t, input_shape)},
      {MP_QSTR_input_dtype, offsetof(ml_model_obj_t, input_dtype)},
      {MP_QSTR_input_scale, offsetof(ml_model_obj_t, input_scale)},
      {MP_QSTR_input_zero_point, offsetof(ml_model_obj_t, input_zero_point)},
      {MP_QSTR_output_shape, offsetof(ml_model_obj_t, output_shape)},
      {MP_QSTR_output_dtype, offsetof(ml_model_obj_t, output_dtype)},
      {MP_QSTR_output_scale, offsetof(ml_model_obj_t, output_scale)},
      {MP_QSTR_output_zero_point, offsetof(ml_model_obj_t, output_zero_point)},
      {MP_QSTR_labels, offsetof(ml_model_obj_t, labels)},
      {MP_QSTR_postprocess, offsetof(ml_model_obj_t, postprocess)},
  };
  for (size_t i = 0; i < MP_ARRAY_SIZE(fields); ++i) {
    mp_printf(print, ", %q: ", fields[i].name);
    mp_obj_print_helper(print, *(mp_obj_t*)((uint8_t*)self + fields[i].offset), PRINT_REPR);
  }
  mp_printf(print, ", model: %s }",
            self->builtin != NULL ? "built-in" : (self->copy != NULL ? "heap copy" : "in place"));
}

static void model_attr(mp_obj_t self_in, qstr attr, mp_obj_t* dest) {
  ml_model_obj_t* self = native_self(self_in);
  if (dest[0] == MP_OBJ_SENTINEL) {
    // Storing only: deleting (dest[1] == MP_OBJ_NULL) leaves dest[0] set, an AttributeError.
    if (attr == MP_QSTR_labels && dest[1] != MP_OBJ_NULL) {
      self->labels = dest[1];
      dest[0] = MP_OBJ_NULL;
    }
    return;
  }
  if (dest[0] != MP_OBJ_NULL) {
    return;
  }
  // if/else rather than switch: qstrs are not constants in a native module.
  if (attr == MP_QSTR_len) {
    dest[0] = mp_obj_new_int_from_uint(self->len);
  } else if (attr == MP_QSTR_ram) {
    dest[0] = mp_obj_new_int_from_uint(self->ram);
  } else if (attr == MP_QSTR_input_shape) {
    dest[0] = self->input_shape;
  } else if (attr == MP_QSTR_input_dtype) {
    dest[0] = self->input_dtype;
  } else if (attr == MP_QSTR_input_scale) {
    dest[0] = self->input_scale;
  } else if (attr == MP_QSTR_input_zero_point) {
    dest[0] = self->input_zero_point;
  } else if (attr == MP_QSTR_output_shape) {
    dest[0] = self->output_shape;
  } else if (attr == MP_QSTR_output_dtype) {
    dest[0] = self->output_dtype;
  } else if (attr == MP_QSTR_output_scale) {
    dest[0] = self->output_scale;
  } else if (attr == MP_QSTR_output_zero_point) {
    dest[0] = self->output_zero_point;
  } else if (attr == MP_QSTR_labels) {
    dest[0] = self->labels;
  } else if (attr == MP_QSTR_postprocess) {
    dest[0] = self->postprocess;
  } else {
    dest[1] = MP_OBJ_SENTINEL;
  }
}

static const mp_rom_map_elem_t model_locals_dict_table[] = {
    {MP_ROM_QSTR(MP_QSTR_predict), MP_ROM_PTR(&model_predict_obj)},
    {MP_ROM_QSTR(MP_QSTR_reset), MP_ROM_PTR(&model_reset_obj)},
};
static MP_DEFINE_CONST_DICT(model_locals_dict, model_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(ml_model_type, MP_QSTR_Model, MP_TYPE_FLAG_NONE, make_new, model_make_new,
                         print, model_print, attr, model_attr, locals_dict, &model_locals_dict);

mp_obj_t ml_builtin_model_names(void) {
  mp_obj_tuple_t* t = MP_OBJ_TO_PTR(mp_obj_new_tuple(ml_builtin_models_count, NULL));
  for (size_t i = 0; i < ml_builtin_models_count; ++i) {
    t->items[i] = mp_obj_new_str(ml_builtin_models[i].name, strlen(ml_builtin_models[i].name));
  }
  return MP_OBJ_FROM_PTR(t);
}
