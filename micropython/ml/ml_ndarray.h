// ml.ndarray: a small strided n-d array over model tensors (ulab is not part
// of this build). An array either views memory owned by another object (a
// model's arena, another array) or owns its elements in a GC block of their
// own. Element counts never exceed ML_MAX_ELEMENTS (checked at creation).
#ifndef MICROPY_ML_NDARRAY_H
#define MICROPY_ML_NDARRAY_H

#include "py/obj.h"

#define ML_MAX_DIMS (6)

typedef struct _ml_ndarray_obj_t {
  mp_obj_base_t base;
  // Keeps `data` alive: the model for arena views, the array a view was cut
  // from, or MP_OBJ_NULL when `data` is this array's own GC block.
  mp_obj_t owner;
  uint8_t* data;
  char dtype;
  uint8_t rank;
  int32_t shape[ML_MAX_DIMS];
  int32_t strides[ML_MAX_DIMS];  // in elements
} ml_ndarray_obj_t;

extern const mp_obj_type_t ml_ndarray_type;

// A contiguous array of `dtype` owning zeroed storage for shape[0..rank);
// ValueError / MemoryError for a negative or too large shape.
ml_ndarray_obj_t* ml_ndarray_new(char dtype, size_t rank, const int32_t* shape);
// A contiguous view of `data` kept alive by `owner`.
mp_obj_t ml_ndarray_new_view(mp_obj_t owner, void* data, char dtype, size_t rank,
                             const int32_t* shape);

// Bytes per element: ml_dtype_size's dtypes and '?' (bool, stored as 0 or 1).
size_t ml_ndarray_itemsize(char dtype);
size_t ml_ndarray_count(const ml_ndarray_obj_t* a);
bool ml_ndarray_is_contiguous(const ml_ndarray_obj_t* a);
// Writes the elements in row-major order, in the array's own dtype, to dst.
void ml_ndarray_copy_to(const ml_ndarray_obj_t* a, void* dst);
// Element at flat (row-major) position i, as float / stored into float.
mp_float_t ml_ndarray_get_flat(const ml_ndarray_obj_t* a, size_t i);

// Shared by the ndarray files. Elements are read and stored at unaligned
// addresses; integer stores wrap like C casts and '?' (bool) stores v != 0.
mp_obj_t ml_elem_load(char dtype, const uint8_t* p);
mp_float_t ml_elem_float(char dtype, const uint8_t* p);
void ml_elem_store_float(char dtype, uint8_t* p, mp_float_t v);
void ml_elem_store_int(char dtype, uint8_t* p, mp_int_t v);
// May run Python code (__float__, __index__); p must stay valid across it.
void ml_elem_store(char dtype, uint8_t* p, mp_obj_t value);
bool ml_is_integer_dtype(char dtype);

// Visits every element of an array in row-major order.
typedef struct {
  const ml_ndarray_obj_t* a;
  int32_t index[ML_MAX_DIMS];
  uint8_t* p;
  size_t left;
} ml_walker_t;
void ml_walker_init(ml_walker_t* w, const ml_ndarray_obj_t* a);
// The current element's address, then advances; NULL when done.
uint8_t* ml_walker_next(ml_walker_t* w);

// A view struct with rank 0 whose shape the caller fills in.
ml_ndarray_obj_t* ml_ndarray_view_struct(mp_obj_t owner, uint8_t* data, char dtype);
// The object that keeps a's elements alive, for views cut from a.
mp_obj_t ml_ndarray_keeper(ml_ndarray_obj_t* a);
// A contiguous copy of a converted to dtype.
ml_ndarray_obj_t* ml_ndarray_copy_as(ml_ndarray_obj_t* a, char dtype);
// Stores value (a number, an ndarray or a sequence of dst's element count) into dst.
void ml_ndarray_assign(ml_ndarray_obj_t* dst, mp_obj_t value);

// ml_ndarray_ops.c: operators, ufuncs and indexing by arrays.
mp_obj_t ml_ndarray_binary_op(mp_binary_op_t op, mp_obj_t lhs, mp_obj_t rhs);
// Unary operators other than len/bool, or MP_OBJ_NULL when not supported.
mp_obj_t ml_ndarray_unary_arith(mp_unary_op_t op, ml_ndarray_obj_t* a);
// a[index] (value == MP_OBJ_SENTINEL) or a[index] = value for an ndarray index
// (bool mask or integer indices into the first axis).
mp_obj_t ml_ndarray_subscr_array(ml_ndarray_obj_t* a, ml_ndarray_obj_t* index, mp_obj_t value);
// Module functions behind ulab's numpy (micropython/lib/ulab/numpy.py).
MP_DECLARE_CONST_FUN_OBJ_3(ml_np_binary_obj);
MP_DECLARE_CONST_FUN_OBJ_2(ml_np_math_obj);
MP_DECLARE_CONST_FUN_OBJ_3(ml_np_where_obj);
MP_DECLARE_CONST_FUN_OBJ_1(ml_np_nonzero_obj);
MP_DECLARE_CONST_FUN_OBJ_3(ml_np_full_obj);
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(ml_np_ramp_obj);
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(ml_np_frombuffer_obj);

#endif  // MICROPY_ML_NDARRAY_H
