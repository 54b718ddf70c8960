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

size_t ml_ndarray_count(const ml_ndarray_obj_t* a);
bool ml_ndarray_is_contiguous(const ml_ndarray_obj_t* a);
// Writes the elements in row-major order, in the array's own dtype, to dst.
void ml_ndarray_copy_to(const ml_ndarray_obj_t* a, void* dst);
// Element at flat (row-major) position i, as float / stored into float.
mp_float_t ml_ndarray_get_flat(const ml_ndarray_obj_t* a, size_t i);

#endif  // MICROPY_ML_NDARRAY_H
