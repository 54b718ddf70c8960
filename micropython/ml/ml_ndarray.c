// ml.ndarray: shape, dtype, len(), integer/slice/tuple indexing (views, like
// numpy), iteration over the first axis, the buffer protocol (contiguous
// arrays), tolist(), flatten(), reshape(), transpose()/T, copy() and the
// reductions argmax, argmin, max, min, sum and mean (whole array or one axis).
// Operators, elementwise math and indexing by arrays: ml_ndarray_ops.c.
#include "ml_ndarray.h"

#include <math.h>
#include <string.h>

#include "ml_checked.h"
#include "ml_engine.h"
#include "py/gc.h"
#include "py/objtuple.h"
#include "py/runtime.h"

// ---------------------------------------------------------------- elements

mp_obj_t ml_elem_load(char dtype, const uint8_t* p) {
  switch (dtype) {
    case '?':
      return mp_obj_new_bool(*p != 0);
    case 'b':
      return MP_OBJ_NEW_SMALL_INT(*(const int8_t*)p);
    case 'B':
      return MP_OBJ_NEW_SMALL_INT(*p);
    case 'h': {
      int16_t v;
      memcpy(&v, p, sizeof(v));
      return MP_OBJ_NEW_SMALL_INT(v);
    }
    case 'H': {
      uint16_t v;
      memcpy(&v, p, sizeof(v));
      return MP_OBJ_NEW_SMALL_INT(v);
    }
    case 'i': {
      int32_t v;
      memcpy(&v, p, sizeof(v));
      return mp_obj_new_int(v);
    }
    default: {
      float v;
      memcpy(&v, p, sizeof(v));
      return mp_obj_new_float_from_f(v);
    }
  }
}

mp_float_t ml_elem_float(char dtype, const uint8_t* p) {
  switch (dtype) {
    case 'b':
      return (mp_float_t) * (const int8_t*)p;
    case 'B':
      return (mp_float_t)*p;
    case '?':
      return (mp_float_t)(*p != 0);
    case 'h': {
      int16_t v;
      memcpy(&v, p, sizeof(v));
      return (mp_float_t)v;
    }
    case 'H': {
      uint16_t v;
      memcpy(&v, p, sizeof(v));
      return (mp_float_t)v;
    }
    case 'i': {
      int32_t v;
      memcpy(&v, p, sizeof(v));
      return (mp_float_t)v;
    }
    default: {
      float v;
      memcpy(&v, p, sizeof(v));
      return (mp_float_t)v;
    }
  }
}

// A C cast from float to an integer is undefined outside the integer's
// range: wrap modulo 2**32 as the integer path does; NaN and infinities give 0.
static mp_int_t float_to_wrapped_int(mp_float_t v) {
  if (!isfinite(v)) {
    return 0;
  }
  return (mp_int_t)(int64_t)MICROPY_FLOAT_C_FUN(fmod)(MICROPY_FLOAT_C_FUN(trunc)(v),
                                                      (mp_float_t)4294967296.0);
}

// Stores a number without going through Python objects.
void ml_elem_store_float(char dtype, uint8_t* p, mp_float_t v) {
  if (dtype == '?') {
    *p = v != 0;  // NaN is true, as in numpy
    return;
  }
  if (dtype == 'f') {
    float f = (float)v;
    memcpy(p, &f, sizeof(f));
    return;
  }
  ml_elem_store_int(dtype, p, float_to_wrapped_int(v));
}

// Integer element types wrap like C casts (numpy does the same on assignment).
// Converting `value` may run Python code (__float__, __index__): p must stay
// valid across it, which it does because array memory never moves or shrinks.
void ml_elem_store(char dtype, uint8_t* p, mp_obj_t value) {
  if (dtype == 'f' || mp_obj_is_float(value)) {
    ml_elem_store_float(dtype, p, mp_obj_get_float(value));
    return;
  }
  ml_elem_store_int(dtype, p, mp_obj_get_int(value));
}

void ml_elem_store_int(char dtype, uint8_t* p, mp_int_t v) {
  switch (dtype) {
    case '?':
      *p = v != 0;
      break;
    case 'b':
    case 'B':
      *p = (uint8_t)v;
      break;
    case 'h':
    case 'H': {
      uint16_t u = (uint16_t)v;
      memcpy(p, &u, sizeof(u));
      break;
    }
    default: {
      uint32_t u = (uint32_t)v;
      memcpy(p, &u, sizeof(u));
      break;
    }
  }
}

bool ml_is_integer_dtype(char dtype) {
  return dtype != 'f';
}

// ---------------------------------------------------------------- construction

// Like ml_dtype_size, plus '?' (bool, one byte), which only arrays have.
size_t ml_ndarray_itemsize(char dtype) {
  return dtype == '?' ? 1 : ml_dtype_size(dtype);
}

// Every array's shape was checked when it was made: its count fits ML_MAX_ELEMENTS.
size_t ml_ndarray_count(const ml_ndarray_obj_t* a) {
  size_t n = 1;
  for (size_t i = 0; i < a->rank; ++i) {
    n *= (size_t)a->shape[i];
  }
  return n;
}

// Element count of a shape from Python or a model, or an error when a
// dimension is negative or the count does not fit ML_MAX_ELEMENTS.
static size_t checked_count(size_t rank, const int32_t* shape) {
  size_t n = 1;
  for (size_t i = 0; i < rank; ++i) {
    if (shape[i] < 0) {
      mp_raise_ValueError(MP_ERROR_TEXT("array dimensions must be >= 0"));
    }
    n = ml_mul_or_raise(n, (size_t)shape[i], "array");
  }
  return n;
}

static void set_contiguous_strides(ml_ndarray_obj_t* a) {
  int32_t stride = 1;
  for (size_t i = a->rank; i-- > 0;) {
    a->strides[i] = stride;
    stride *= a->shape[i];
  }
}

bool ml_ndarray_is_contiguous(const ml_ndarray_obj_t* a) {
  int32_t stride = 1;
  for (size_t i = a->rank; i-- > 0;) {
    if (a->shape[i] != 1 && a->strides[i] != stride) {
      return false;
    }
    stride *= a->shape[i];
  }
  return true;
}

static void check_rank(size_t rank) {
  if (rank > ML_MAX_DIMS) {
    mp_raise_msg_varg(&mp_type_ValueError,
                      MP_ERROR_TEXT("arrays have at most %d dimensions, got %d"), ML_MAX_DIMS,
                      (int)rank);
  }
}

ml_ndarray_obj_t* ml_ndarray_new(char dtype, size_t rank, const int32_t* shape) {
  check_rank(rank);
  size_t bytes = ml_mul_or_raise(checked_count(rank, shape), ml_ndarray_itemsize(dtype), "array");
  // Its own GC block, so the buffer protocol hands out a block start, which
  // keeps the elements alive in a memoryview that outlives this object.
  uint8_t* data = m_malloc0(bytes == 0 ? 1 : bytes);
  ml_ndarray_obj_t* a = mp_obj_malloc(ml_ndarray_obj_t, &ml_ndarray_type);
  a->owner = MP_OBJ_NULL;
  a->data = data;
  a->dtype = dtype;
  a->rank = (uint8_t)rank;
  memcpy(a->shape, shape, rank * sizeof(int32_t));
  set_contiguous_strides(a);
  return a;
}

ml_ndarray_obj_t* ml_ndarray_view_struct(mp_obj_t owner, uint8_t* data, char dtype) {
  ml_ndarray_obj_t* v = mp_obj_malloc(ml_ndarray_obj_t, &ml_ndarray_type);
  v->owner = owner;
  v->data = data;
  v->dtype = dtype;
  v->rank = 0;
  return v;
}

mp_obj_t ml_ndarray_new_view(mp_obj_t owner, void* data, char dtype, size_t rank,
                             const int32_t* shape) {
  check_rank(rank);
  checked_count(rank, shape);
  ml_ndarray_obj_t* v = ml_ndarray_view_struct(owner, data, dtype);
  v->rank = (uint8_t)rank;
  memcpy(v->shape, shape, rank * sizeof(int32_t));
  set_contiguous_strides(v);
  return MP_OBJ_FROM_PTR(v);
}

// The object that keeps a's elements alive, for views cut from a.
mp_obj_t ml_ndarray_keeper(ml_ndarray_obj_t* a) {
  return a->owner != MP_OBJ_NULL ? a->owner : MP_OBJ_FROM_PTR(a);
}

// Byte offset of the element at row-major position `flat`.
static size_t flat_offset(const ml_ndarray_obj_t* a, size_t flat) {
  ptrdiff_t off = 0;
  for (size_t i = a->rank; i-- > 0;) {
    size_t n = (size_t)a->shape[i];
    off += (ptrdiff_t)(flat % n) * a->strides[i];
    flat /= n;
  }
  return (size_t)off * ml_ndarray_itemsize(a->dtype);
}

mp_float_t ml_ndarray_get_flat(const ml_ndarray_obj_t* a, size_t i) {
  return ml_elem_float(a->dtype, a->data + flat_offset(a, i));
}

void ml_walker_init(ml_walker_t* w, const ml_ndarray_obj_t* a) {
  w->a = a;
  memset(w->index, 0, sizeof(w->index));
  w->p = a->data;
  w->left = ml_ndarray_count(a);
}

// Returns the current element and advances; NULL when done.
uint8_t* ml_walker_next(ml_walker_t* w) {
  if (w->left == 0) {
    return NULL;
  }
  uint8_t* cur = w->p;
  --w->left;
  const ml_ndarray_obj_t* a = w->a;
  size_t item = ml_ndarray_itemsize(a->dtype);
  for (size_t i = a->rank; i-- > 0;) {
    if (++w->index[i] < a->shape[i]) {
      w->p += (ptrdiff_t)a->strides[i] * (ptrdiff_t)item;
      break;
    }
    w->p -= (ptrdiff_t)a->strides[i] * (ptrdiff_t)item * (a->shape[i] - 1);
    w->index[i] = 0;
  }
  return cur;
}

void ml_ndarray_copy_to(const ml_ndarray_obj_t* a, void* dst) {
  size_t item = ml_ndarray_itemsize(a->dtype);
  if (ml_ndarray_is_contiguous(a)) {
    memcpy(dst, a->data, ml_ndarray_count(a) * item);
    return;
  }
  uint8_t* out = dst;
  ml_walker_t w;
  ml_walker_init(&w, a);
  uint8_t* p;
  while ((p = ml_walker_next(&w)) != NULL) {
    memcpy(out, p, item);
    out += item;
  }
}

ml_ndarray_obj_t* ml_ndarray_copy_as(ml_ndarray_obj_t* a, char dtype) {
  ml_ndarray_obj_t* out = ml_ndarray_new(dtype, a->rank, a->shape);
  size_t item = ml_ndarray_itemsize(dtype);
  uint8_t* dst = out->data;
  ml_walker_t w;
  ml_walker_init(&w, a);
  uint8_t* p;
  if (dtype == a->dtype) {
    while ((p = ml_walker_next(&w)) != NULL) {
      memcpy(dst, p, item);
      dst += item;
    }
  } else {
    while ((p = ml_walker_next(&w)) != NULL) {
      ml_elem_store_float(dtype, dst, ml_elem_float(a->dtype, p));
      dst += item;
    }
  }
  return out;
}

// ---------------------------------------------------------------- printing

static void print_axis(const mp_print_t* print, const ml_ndarray_obj_t* a, size_t dim,
                       const uint8_t* p, bool summarize) {
  size_t item = ml_ndarray_itemsize(a->dtype);
  mp_print_str(print, "[");
  int32_t n = a->shape[dim];
  for (int32_t i = 0; i < n; ++i) {
    if (summarize && n > 6 && i == 3) {
      mp_print_str(print, "..., ");
      i = n - 3;
    }
    const uint8_t* q = p + (ptrdiff_t)i * a->strides[dim] * (ptrdiff_t)item;
    if (dim + 1 == a->rank) {
      mp_obj_print_helper(print, ml_elem_load(a->dtype, q), PRINT_REPR);
    } else {
      print_axis(print, a, dim + 1, q, summarize);
    }
    if (i + 1 < n) {
      mp_print_str(print, ", ");
    }
  }
  mp_print_str(print, "]");
}

static void ndarray_print(const mp_print_t* print, mp_obj_t self_in, mp_print_kind_t kind) {
  (void)kind;
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  mp_print_str(print, "array(");
  if (a->rank == 0) {
    mp_obj_print_helper(print, ml_elem_load(a->dtype, a->data), PRINT_REPR);
  } else {
    print_axis(print, a, 0, a->data, ml_ndarray_count(a) > 1000);
  }
  mp_printf(print, ", dtype='%c')", a->dtype);
}

// ---------------------------------------------------------------- indexing

static mp_int_t wrap_index(mp_int_t i, int32_t n) {
  mp_int_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) {
    mp_raise_msg_varg(&mp_type_IndexError,
                      MP_ERROR_TEXT("index %d out of range for axis of size %d"), (int)i, (int)n);
  }
  return j;
}

// Applies an index (int, slice, tuple of them) to `a`: fills `out` with the
// selected view's geometry and returns its first element's address.
static uint8_t* apply_index(ml_ndarray_obj_t* a, mp_obj_t index, ml_ndarray_obj_t* out) {
  size_t n_items;
  mp_obj_t* items;
  mp_obj_t single[1] = {index};
  if (mp_obj_is_type(index, &mp_type_tuple)) {
    mp_obj_tuple_get(index, &n_items, &items);
  } else {
    n_items = 1;
    items = single;
  }
  if (n_items > a->rank) {
    mp_raise_msg_varg(&mp_type_IndexError,
                      MP_ERROR_TEXT("%d indices for an array of %d dimensions"), (int)n_items,
                      (int)a->rank);
  }
  size_t item = ml_ndarray_itemsize(a->dtype);
  uint8_t* p = a->data;
  size_t rank = 0;
  for (size_t d = 0; d < a->rank; ++d) {
    mp_obj_t ix = d < n_items ? items[d] : mp_const_none;
    if (d >= n_items) {
      out->shape[rank] = a->shape[d];
      out->strides[rank++] = a->strides[d];
    } else if (mp_obj_is_type(ix, &mp_type_slice)) {
      mp_bound_slice_t s;
      mp_obj_slice_indices(ix, a->shape[d], &s);
      // start and stop are clamped to the axis, but the step can be any
      // machine word: divide the (small) distance first, in unsigned.
      mp_int_t len = 0;
      if (s.step > 0 && s.stop > s.start) {
        len = (mp_int_t)((mp_uint_t)(s.stop - s.start - 1) / (mp_uint_t)s.step) + 1;
      } else if (s.step < 0 && s.start > s.stop) {
        len =
            (mp_int_t)((mp_uint_t)(s.start - s.stop - 1) / ((mp_uint_t)0 - (mp_uint_t)s.step)) + 1;
      }
      if (len > 0) {
        p += (ptrdiff_t)s.start * a->strides[d] * (ptrdiff_t)item;
      }
      out->shape[rank] = (int32_t)len;
      // With two or more elements |step| < shape[d], so the product stays
      // inside the array's extent; a single element needs no stride.
      out->strides[rank++] = len > 1 ? a->strides[d] * (int32_t)s.step : a->strides[d];
    } else if (mp_obj_is_int(ix)) {
      mp_int_t j = wrap_index(mp_obj_get_int(ix), a->shape[d]);
      p += (ptrdiff_t)j * a->strides[d] * (ptrdiff_t)item;
    } else {
      mp_raise_msg_varg(&mp_type_TypeError,
                        MP_ERROR_TEXT("array indices must be int, slice or tuple, not %s"),
                        mp_obj_get_type_str(ix));
    }
  }
  out->rank = (uint8_t)rank;
  out->dtype = a->dtype;
  return p;
}

void ml_ndarray_assign(ml_ndarray_obj_t* dst, mp_obj_t value) {
  size_t item = ml_ndarray_itemsize(dst->dtype);
  size_t count = ml_ndarray_count(dst);
  ml_walker_t w;
  ml_walker_init(&w, dst);
  uint8_t* p;
  if (mp_obj_is_type(value, &ml_ndarray_type)) {
    ml_ndarray_obj_t* src = MP_OBJ_TO_PTR(value);
    if (ml_ndarray_count(src) != count) {
      mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("cannot assign %d elements to %d"),
                        (int)ml_ndarray_count(src), (int)count);
    }
    ml_walker_t r;
    ml_walker_init(&r, src);
    while ((p = ml_walker_next(&w)) != NULL) {
      uint8_t* q = ml_walker_next(&r);
      if (src->dtype == dst->dtype) {
        memcpy(p, q, item);
      } else {
        ml_elem_store_float(dst->dtype, p, ml_elem_float(src->dtype, q));
      }
    }
  } else if (mp_obj_is_int(value) || mp_obj_is_float(value) || mp_obj_is_bool(value)) {
    uint8_t scratch[4];
    ml_elem_store(dst->dtype, scratch, value);
    while ((p = ml_walker_next(&w)) != NULL) {
      memcpy(p, scratch, item);
    }
  } else {
    size_t n = ml_seq_len(value);
    if (n != count) {
      mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("cannot assign %d elements to %d"),
                        (int)n, (int)count);
    }
    for (size_t i = 0; (p = ml_walker_next(&w)) != NULL; ++i) {
      ml_elem_store(dst->dtype, p, ml_seq_item(value, i, n));
    }
  }
}

static mp_obj_t ndarray_subscr(mp_obj_t self_in, mp_obj_t index, mp_obj_t value) {
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  if (value == MP_OBJ_NULL) {
    mp_raise_TypeError(MP_ERROR_TEXT("array elements cannot be deleted"));
  }
  if (mp_obj_is_type(index, &ml_ndarray_type)) {
    ml_ndarray_obj_t* ix = MP_OBJ_TO_PTR(index);
    if (ix->rank != 0 || ix->dtype == '?' || ix->dtype == 'f') {
      return ml_ndarray_subscr_array(a, ix, value);
    }
    index = ml_elem_load(ix->dtype, ix->data);  // a 0-d integer array is an integer
  }
  ml_ndarray_obj_t geometry;
  uint8_t* p = apply_index(a, index, &geometry);
  if (geometry.rank == 0) {
    if (value == MP_OBJ_SENTINEL) {
      return ml_elem_load(a->dtype, p);
    }
    ml_elem_store(a->dtype, p, value);
    return mp_const_none;
  }
  if (value == MP_OBJ_SENTINEL) {
    ml_ndarray_obj_t* v = ml_ndarray_view_struct(ml_ndarray_keeper(a), p, a->dtype);
    v->rank = geometry.rank;
    memcpy(v->shape, geometry.shape, sizeof(v->shape));
    memcpy(v->strides, geometry.strides, sizeof(v->strides));
    return MP_OBJ_FROM_PTR(v);
  }
  geometry.data = p;
  ml_ndarray_assign(&geometry, value);
  return mp_const_none;
}

// ---------------------------------------------------------------- iteration

typedef struct {
  mp_obj_base_t base;
  mp_fun_1_t iternext;
  mp_obj_t array;
  size_t next;
} ndarray_iter_t;

static mp_obj_t ndarray_iternext(mp_obj_t self_in) {
  ndarray_iter_t* it = MP_OBJ_TO_PTR(self_in);
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(it->array);
  if (it->next >= (size_t)a->shape[0]) {
    return MP_OBJ_STOP_ITERATION;
  }
  return ndarray_subscr(it->array, MP_OBJ_NEW_SMALL_INT(it->next++), MP_OBJ_SENTINEL);
}

static mp_obj_t ndarray_getiter(mp_obj_t self_in, mp_obj_iter_buf_t* iter_buf) {
  MP_STATIC_ASSERT(sizeof(ndarray_iter_t) <= sizeof(mp_obj_iter_buf_t));
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  if (a->rank == 0) {
    mp_raise_TypeError(MP_ERROR_TEXT("iteration over a 0-d array"));
  }
  ndarray_iter_t* it = (ndarray_iter_t*)iter_buf;
  it->base.type = &mp_type_polymorph_iter;
  it->iternext = ndarray_iternext;
  it->array = self_in;
  it->next = 0;
  return MP_OBJ_FROM_PTR(it);
}

// ---------------------------------------------------------------- protocols

static mp_obj_t ndarray_unary_op(mp_unary_op_t op, mp_obj_t self_in) {
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  switch (op) {
    case MP_UNARY_OP_LEN:
      if (a->rank == 0) {
        mp_raise_TypeError(MP_ERROR_TEXT("len() of a 0-d array"));
      }
      return MP_OBJ_NEW_SMALL_INT(a->shape[0]);
    case MP_UNARY_OP_BOOL:
      return mp_obj_new_bool(ml_ndarray_count(a) != 0);
    default:
      return ml_ndarray_unary_arith(op, a);
  }
}

// A memoryview keeps its memory alive only through a pointer to the start
// of a GC block. Arrays whose data starts a block (every array made here, and
// views at offset 0) are writable through the buffer protocol; views into the
// middle of a model's arena or of another array are read-only that way (a
// stale read yields old values, a stale write would corrupt the heap) and
// are written through indexing, which keeps their owner alive.
// A native module (micropython/natmod) cannot ask the GC, so there only arrays
// that allocated their own data (no owner) count.
static bool starts_gc_block(const ml_ndarray_obj_t* a) {
#if MICROPY_ENABLE_DYNRUNTIME
  return a->owner == MP_OBJ_NULL;
#else
  return gc_nbytes(a->data) != 0;
#endif
}

static mp_int_t ndarray_get_buffer(mp_obj_t self_in, mp_buffer_info_t* bufinfo, mp_uint_t flags) {
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  if (!ml_ndarray_is_contiguous(a)) {
    return 1;
  }
  if ((flags & MP_BUFFER_WRITE) && !starts_gc_block(a)) {
    return 1;
  }
  bufinfo->buf = a->data;
  bufinfo->len = ml_ndarray_count(a) * ml_ndarray_itemsize(a->dtype);
  bufinfo->typecode = a->dtype == '?' ? 'B' : a->dtype;  // memoryview knows no '?'
  return 0;
}

static mp_obj_t shape_tuple(const ml_ndarray_obj_t* a) {
  mp_obj_t items[ML_MAX_DIMS];
  for (size_t i = 0; i < a->rank; ++i) {
    items[i] = MP_OBJ_NEW_SMALL_INT(a->shape[i]);
  }
  return mp_obj_new_tuple(a->rank, items);
}

static mp_obj_t transposed(ml_ndarray_obj_t* a) {
  ml_ndarray_obj_t* v = ml_ndarray_view_struct(ml_ndarray_keeper(a), a->data, a->dtype);
  v->rank = a->rank;
  for (size_t i = 0; i < a->rank; ++i) {
    v->shape[i] = a->shape[a->rank - 1 - i];
    v->strides[i] = a->strides[a->rank - 1 - i];
  }
  return MP_OBJ_FROM_PTR(v);
}

static void ndarray_attr(mp_obj_t self_in, qstr attr, mp_obj_t* dest) {
  if (dest[0] != MP_OBJ_NULL) {
    return;
  }
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  // if/else rather than switch: qstrs are not constants in a native module.
  if (attr == MP_QSTR_shape) {
    dest[0] = shape_tuple(a);
  } else if (attr == MP_QSTR_dtype) {
    dest[0] = mp_obj_new_str(&a->dtype, 1);
  } else if (attr == MP_QSTR_ndim) {
    dest[0] = MP_OBJ_NEW_SMALL_INT(a->rank);
  } else if (attr == MP_QSTR_size) {
    dest[0] = mp_obj_new_int_from_uint(ml_ndarray_count(a));
  } else if (attr == MP_QSTR_itemsize) {
    dest[0] = MP_OBJ_NEW_SMALL_INT(ml_ndarray_itemsize(a->dtype));
  } else if (attr == MP_QSTR_T) {
    dest[0] = transposed(a);
  } else {
    dest[1] = MP_OBJ_SENTINEL;
  }
}

// ---------------------------------------------------------------- methods

static mp_obj_t tolist_axis(const ml_ndarray_obj_t* a, size_t dim, const uint8_t* p) {
  int32_t n = a->shape[dim];
  mp_obj_t list = mp_obj_new_list(n, NULL);
  mp_obj_t* items = ((mp_obj_list_t*)MP_OBJ_TO_PTR(list))->items;
  size_t item = ml_ndarray_itemsize(a->dtype);
  for (int32_t i = 0; i < n; ++i) {
    const uint8_t* q = p + (ptrdiff_t)i * a->strides[dim] * (ptrdiff_t)item;
    items[i] = dim + 1 == a->rank ? ml_elem_load(a->dtype, q) : tolist_axis(a, dim + 1, q);
  }
  return list;
}

static mp_obj_t ndarray_tolist(mp_obj_t self_in) {
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  if (a->rank == 0) {
    return ml_elem_load(a->dtype, a->data);
  }
  return tolist_axis(a, 0, a->data);
}
static MP_DEFINE_CONST_FUN_OBJ_1(ndarray_tolist_obj, ndarray_tolist);

static mp_obj_t ndarray_copy(mp_obj_t self_in) {
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  return MP_OBJ_FROM_PTR(ml_ndarray_copy_as(a, a->dtype));
}
static MP_DEFINE_CONST_FUN_OBJ_1(ndarray_copy_obj, ndarray_copy);

static mp_obj_t ndarray_flatten(mp_obj_t self_in) {
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(self_in);
  ml_ndarray_obj_t* out = ml_ndarray_copy_as(a, a->dtype);
  out->rank = 1;
  out->shape[0] = (int32_t)ml_ndarray_count(a);
  out->strides[0] = 1;
  return MP_OBJ_FROM_PTR(out);
}
static MP_DEFINE_CONST_FUN_OBJ_1(ndarray_flatten_obj, ndarray_flatten);

static mp_obj_t ndarray_transpose(mp_obj_t self_in) {
  return transposed(MP_OBJ_TO_PTR(self_in));
}
static MP_DEFINE_CONST_FUN_OBJ_1(ndarray_transpose_obj, ndarray_transpose);

// reshape(shape) or reshape(d0, d1, ...); one dimension may be -1. A view
// when the array is contiguous, else a reshaped copy.
static mp_obj_t ndarray_reshape(size_t n_args, const mp_obj_t* args) {
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(args[0]);
  size_t n;
  mp_obj_t* dims;
  if (n_args == 2 && !mp_obj_is_int(args[1])) {
    mp_obj_get_array(args[1], &n, &dims);
  } else {
    n = n_args - 1;
    dims = (mp_obj_t*)args + 1;
  }
  check_rank(n);
  mp_obj_t dims_obj = n_args == 2 && !mp_obj_is_int(args[1]) ? args[1] : MP_OBJ_NULL;
  int32_t shape[ML_MAX_DIMS];
  size_t count = ml_ndarray_count(a);
  size_t known = 1;
  int free_dim = -1;
  for (size_t i = 0; i < n; ++i) {
    // Reading a dimension may run __index__, which may change a list of them.
    mp_obj_t dim = dims_obj != MP_OBJ_NULL ? ml_seq_item(dims_obj, i, n) : dims[i];
    mp_int_t d = mp_obj_get_int(dim);
    if (d == -1 && free_dim < 0) {
      free_dim = (int)i;
      shape[i] = 1;
    } else if (d < 0 || d > INT32_MAX) {
      mp_raise_ValueError(
          MP_ERROR_TEXT("reshape dimensions must be in [0, 2**31 - 1] (one may be -1)"));
    } else {
      shape[i] = (int32_t)d;
      if (!ml_mul_ok(known, (size_t)d, &known) || known > ML_MAX_ELEMENTS) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("cannot reshape %d elements"),
                          (int)count);
      }
    }
  }
  if (free_dim >= 0 && known != 0) {
    shape[free_dim] = (int32_t)(count / known);
    known *= (size_t)shape[free_dim];
  }
  if (known != count) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("cannot reshape %d elements into %d"),
                      (int)count, (int)known);
  }
  if (!ml_ndarray_is_contiguous(a)) {
    a = ml_ndarray_copy_as(a, a->dtype);
  }
  return ml_ndarray_new_view(ml_ndarray_keeper(a), a->data, a->dtype, n, shape);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ndarray_reshape_obj, 2, ML_MAX_DIMS + 1,
                                           ndarray_reshape);

enum { RED_ARGMAX, RED_ARGMIN, RED_MAX, RED_MIN, RED_SUM, RED_MEAN };

typedef struct {
  mp_float_t best;
  size_t best_at;
  int64_t isum;
  mp_float_t fsum;
  size_t n;
} reduction_t;

static void reduce_step(reduction_t* r, int op, char dtype, const uint8_t* p) {
  mp_float_t v = ml_elem_float(dtype, p);
  if (op == RED_SUM || op == RED_MEAN) {
    if (ml_is_integer_dtype(dtype)) {
      r->isum += (int64_t)v;
    } else {
      r->fsum += v;
    }
  } else if (r->n == 0 || (op == RED_ARGMAX || op == RED_MAX ? v > r->best : v < r->best)) {
    r->best = v;
    r->best_at = r->n;
  }
  ++r->n;
}

static mp_float_t reduce_mean(const reduction_t* r, char dtype) {
  mp_float_t total = ml_is_integer_dtype(dtype) ? (mp_float_t)r->isum : r->fsum;
  return r->n == 0 ? (mp_float_t)0 : total / (mp_float_t)r->n;
}

static mp_obj_t reduce(size_t n_args, const mp_obj_t* pos_args, mp_map_t* kw_args, int op) {
  const mp_arg_t allowed[] = {
      {MP_QSTR_axis, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
  };
  mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
  mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed), allowed, args);
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(pos_args[0]);
  size_t count = ml_ndarray_count(a);
  if (count == 0 && op != RED_SUM) {
    mp_raise_ValueError(MP_ERROR_TEXT("reduction of an empty array"));
  }
  size_t item = ml_ndarray_itemsize(a->dtype);
  if (args[0].u_obj == mp_const_none || a->rank <= 1) {
    reduction_t r = {0};
    ml_walker_t w;
    ml_walker_init(&w, a);
    uint8_t* p;
    uint8_t* best_p = a->data;
    while ((p = ml_walker_next(&w)) != NULL) {
      size_t before = r.best_at;
      reduce_step(&r, op, a->dtype, p);
      if (r.best_at != before || r.n == 1) {
        best_p = p;
      }
    }
    switch (op) {
      case RED_ARGMAX:
      case RED_ARGMIN:
        return mp_obj_new_int_from_uint(r.best_at);
      case RED_MAX:
      case RED_MIN:
        return ml_elem_load(a->dtype, best_p);
      case RED_SUM:
        return ml_is_integer_dtype(a->dtype) ? mp_obj_new_int_from_ll(r.isum)
                                             : mp_obj_new_float(r.fsum);
      default:
        return mp_obj_new_float(reduce_mean(&r, a->dtype));
    }
  }
  mp_int_t axis = mp_obj_get_int(args[0].u_obj);
  if (axis < 0) {
    axis += a->rank;
  }
  if (axis < 0 || axis >= a->rank) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("axis %d out of range for %d dimensions"),
                      (int)mp_obj_get_int(args[0].u_obj), (int)a->rank);
  }
  // Iterate over the array with `axis` removed; reduce along it at each position.
  ml_ndarray_obj_t rest;
  rest.rank = 0;
  rest.dtype = a->dtype;
  rest.data = a->data;
  for (size_t d = 0; d < a->rank; ++d) {
    if ((mp_int_t)d != axis) {
      rest.shape[rest.rank] = a->shape[d];
      rest.strides[rest.rank++] = a->strides[d];
    }
  }
  char out_dtype = a->dtype;
  if (op == RED_ARGMAX || op == RED_ARGMIN) {
    out_dtype = 'i';
  } else if (op == RED_MEAN || (op == RED_SUM && !ml_is_integer_dtype(a->dtype))) {
    out_dtype = 'f';
  } else if (op == RED_SUM) {
    out_dtype = 'i';
  }
  ml_ndarray_obj_t* out = ml_ndarray_new(out_dtype, rest.rank, rest.shape);
  uint8_t* dst = out->data;
  size_t out_item = ml_ndarray_itemsize(out_dtype);
  ml_walker_t w;
  ml_walker_init(&w, &rest);
  uint8_t* p;
  ptrdiff_t step = (ptrdiff_t)a->strides[axis] * (ptrdiff_t)item;
  while ((p = ml_walker_next(&w)) != NULL) {
    reduction_t r = {0};
    const uint8_t* best_p = p;
    for (int32_t k = 0; k < a->shape[axis]; ++k) {
      const uint8_t* q = p + k * step;
      size_t before = r.best_at;
      reduce_step(&r, op, a->dtype, q);
      if (r.best_at != before || r.n == 1) {
        best_p = q;
      }
    }
    if (op == RED_ARGMAX || op == RED_ARGMIN) {
      int32_t v = (int32_t)r.best_at;
      memcpy(dst, &v, sizeof(v));
    } else if (op == RED_MAX || op == RED_MIN) {
      memcpy(dst, best_p, out_item);
    } else if (op == RED_SUM && out_dtype == 'i') {
      int32_t v = (int32_t)r.isum;
      memcpy(dst, &v, sizeof(v));
    } else {
      float v = (float)(op == RED_SUM ? r.fsum : reduce_mean(&r, a->dtype));
      memcpy(dst, &v, sizeof(v));
    }
    dst += out_item;
  }
  return MP_OBJ_FROM_PTR(out);
}

#define DEFINE_REDUCTION(name, op)                                                             \
  static mp_obj_t ndarray_##name(size_t n_args, const mp_obj_t* pos_args, mp_map_t* kw_args) { \
    return reduce(n_args, pos_args, kw_args, op);                                              \
  }                                                                                            \
  static MP_DEFINE_CONST_FUN_OBJ_KW(ndarray_##name##_obj, 1, ndarray_##name)

DEFINE_REDUCTION(argmax, RED_ARGMAX);
DEFINE_REDUCTION(argmin, RED_ARGMIN);
DEFINE_REDUCTION(max, RED_MAX);
DEFINE_REDUCTION(min, RED_MIN);
DEFINE_REDUCTION(sum, RED_SUM);
DEFINE_REDUCTION(mean, RED_MEAN);

// ---------------------------------------------------------------- constructor

// Shape of a nested list/tuple (rectangular), or of an ndarray.
static size_t infer_shape(mp_obj_t obj, int32_t* shape) {
  size_t rank = 0;
  while (ml_is_list_or_tuple(obj)) {
    check_rank(rank + 1);
    size_t n = ml_seq_len(obj);
    if (n > ML_MAX_ELEMENTS) {
      mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("array is too large"));
    }
    shape[rank++] = (int32_t)n;
    if (n == 0) {
      break;
    }
    obj = ml_seq_item(obj, 0, n);
  }
  return rank;
}

// Items are read one at a time (ml_seq_item) and every store is bounds
// checked: converting an item may run Python code that changes the lists.
static void fill_nested(ml_ndarray_obj_t* a, mp_obj_t obj, size_t dim, size_t* pos) {
  if (dim == a->rank) {
    if (*pos >= ml_ndarray_count(a)) {
      mp_raise_ValueError(MP_ERROR_TEXT("nested sequences must be rectangular"));
    }
    ml_elem_store(a->dtype, a->data + (*pos)++ * ml_ndarray_itemsize(a->dtype), obj);
    return;
  }
  if (!ml_is_list_or_tuple(obj)) {
    mp_raise_ValueError(MP_ERROR_TEXT("nested sequences must be rectangular"));
  }
  size_t n = ml_seq_len(obj);
  if (n != (size_t)a->shape[dim]) {
    mp_raise_ValueError(MP_ERROR_TEXT("nested sequences must be rectangular"));
  }
  for (size_t i = 0; i < n; ++i) {
    fill_nested(a, ml_seq_item(obj, i, n), dim + 1, pos);
  }
}

// ndarray(values, dtype='f'): values is a (nested) list/tuple or an ndarray.
static mp_obj_t ndarray_make_new(const mp_obj_type_t* type, size_t n_args, size_t n_kw,
                                 const mp_obj_t* all_args) {
  (void)type;
  const mp_arg_t allowed[] = {
      {MP_QSTR_values, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
      {MP_QSTR_dtype, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
  };
  mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
  mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed), allowed, args);
  mp_obj_t values = args[0].u_obj;
  char dtype = 'f';
  if (mp_obj_is_small_int(args[1].u_obj)) {
    // ulab's dtypes are the typecodes' character codes.
    mp_int_t code = MP_OBJ_SMALL_INT_VALUE(args[1].u_obj);
    dtype = code > 0 && code < 128 && ml_ndarray_itemsize((char)code) != 0 ? (char)code : 0;
    if (dtype == 0) {
      mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown dtype %d"), (int)code);
    }
  } else if (args[1].u_obj != mp_const_none) {
    size_t len;
    const char* s = mp_obj_str_get_data(args[1].u_obj, &len);
    if (len != 1 || ml_ndarray_itemsize(s[0]) == 0) {
      mp_raise_msg_varg(&mp_type_ValueError,
                        MP_ERROR_TEXT("dtype must be 'b' (int8), 'B' (uint8), 'h' (int16), "
                                      "'H' (uint16), 'i' (int32) or 'f' (float32), got '%s'"),
                        s);
    }
    dtype = s[0];
  } else if (mp_obj_is_type(values, &ml_ndarray_type)) {
    dtype = ((ml_ndarray_obj_t*)MP_OBJ_TO_PTR(values))->dtype;
  }
  if (mp_obj_is_type(values, &ml_ndarray_type)) {
    return MP_OBJ_FROM_PTR(ml_ndarray_copy_as(MP_OBJ_TO_PTR(values), dtype));
  }
  int32_t shape[ML_MAX_DIMS];
  size_t rank = infer_shape(values, shape);
  ml_ndarray_obj_t* a = ml_ndarray_new(dtype, rank, shape);
  size_t pos = 0;
  fill_nested(a, values, 0, &pos);
  return MP_OBJ_FROM_PTR(a);
}

static const mp_rom_map_elem_t ndarray_locals_dict_table[] = {
    {MP_ROM_QSTR(MP_QSTR_tolist), MP_ROM_PTR(&ndarray_tolist_obj)},
    {MP_ROM_QSTR(MP_QSTR_flatten), MP_ROM_PTR(&ndarray_flatten_obj)},
    {MP_ROM_QSTR(MP_QSTR_reshape), MP_ROM_PTR(&ndarray_reshape_obj)},
    {MP_ROM_QSTR(MP_QSTR_transpose), MP_ROM_PTR(&ndarray_transpose_obj)},
    {MP_ROM_QSTR(MP_QSTR_copy), MP_ROM_PTR(&ndarray_copy_obj)},
    {MP_ROM_QSTR(MP_QSTR_argmax), MP_ROM_PTR(&ndarray_argmax_obj)},
    {MP_ROM_QSTR(MP_QSTR_argmin), MP_ROM_PTR(&ndarray_argmin_obj)},
    {MP_ROM_QSTR(MP_QSTR_max), MP_ROM_PTR(&ndarray_max_obj)},
    {MP_ROM_QSTR(MP_QSTR_min), MP_ROM_PTR(&ndarray_min_obj)},
    {MP_ROM_QSTR(MP_QSTR_sum), MP_ROM_PTR(&ndarray_sum_obj)},
    {MP_ROM_QSTR(MP_QSTR_mean), MP_ROM_PTR(&ndarray_mean_obj)},
};
static MP_DEFINE_CONST_DICT(ndarray_locals_dict, ndarray_locals_dict_table);

// == and != compare elementwise (an array, not a bool), against any type.
MP_DEFINE_CONST_OBJ_TYPE(ml_ndarray_type, MP_QSTR_ndarray,
                         MP_TYPE_FLAG_ITER_IS_GETITER | MP_TYPE_FLAG_EQ_NOT_REFLEXIVE |
                             MP_TYPE_FLAG_EQ_CHECKS_OTHER_TYPE | MP_TYPE_FLAG_EQ_HAS_NEQ_TEST,
                         make_new, ndarray_make_new, print, ndarray_print, unary_op,
                         ndarray_unary_op, binary_op, ml_ndarray_binary_op, subscr, ndarray_subscr,
                         iter, ndarray_getiter, attr, ndarray_attr, buffer, ndarray_get_buffer,
                         locals_dict, &ndarray_locals_dict);
