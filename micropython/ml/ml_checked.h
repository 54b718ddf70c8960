// Overflow-checked sizes and safe reads of Python values for the `_ml` glue.
//
// Every size, shape, roi and index that comes from Python goes through these:
// products and sums are checked before they size or address memory, and
// integers are range-checked before they are narrowed. Sequences are read one
// item at a time through ml_seq_item, which re-fetches the item array: reading
// an item may run Python code (__float__, __index__) that resizes or frees the
// very list being read, so no pointer into it is kept across such a call.
#ifndef MICROPY_ML_CHECKED_H
#define MICROPY_ML_CHECKED_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "py/obj.h"
#include "py/runtime.h"

// Largest element count or byte size the module works with: keeps every
// element offset inside int32 strides and every byte size inside 31 bits.
#define ML_MAX_ELEMENTS ((size_t)INT32_MAX)

// *out = a * b; false on overflow.
static inline bool ml_mul_ok(size_t a, size_t b, size_t* out) {
  if (a != 0 && b > SIZE_MAX / a) {
    return false;
  }
  *out = a * b;
  return true;
}

// *out = a + b; false on overflow.
static inline bool ml_add_ok(size_t a, size_t b, size_t* out) {
  if (b > SIZE_MAX - a) {
    return false;
  }
  *out = a + b;
  return true;
}

// a * b, or MemoryError naming `what` when the product does not fit.
static inline size_t ml_mul_or_raise(size_t a, size_t b, const char* what) {
  size_t out;
  if (!ml_mul_ok(a, b, &out) || out > ML_MAX_ELEMENTS) {
    mp_raise_msg_varg(&mp_type_MemoryError, MP_ERROR_TEXT("%s is too large"), what);
  }
  return out;
}

// An integer argument in [lo, hi], else ValueError naming it.
static inline mp_int_t ml_get_int_in(mp_obj_t obj, mp_int_t lo, mp_int_t hi, const char* what) {
  mp_int_t v = mp_obj_get_int(obj);  // TypeError, or OverflowError beyond a machine word
  if (v < lo || v > hi) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s must be in [%ld, %ld], got %ld"), what,
                      (long)lo, (long)hi, (long)v);
  }
  return v;
}

// A finite float argument, else ValueError naming it.
static inline mp_float_t ml_get_finite(mp_obj_t obj, const char* what) {
  mp_float_t v = mp_obj_get_float(obj);
  if (!isfinite(v)) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s must be a finite number"), what);
  }
  return v;
}

// A float as an integer, saturated to +-2**30 (NaN gives 0): C leaves the
// cast of an out-of-range float undefined.
static inline mp_int_t ml_float_to_int_sat(mp_float_t v) {
  if (!(v == v)) {
    return 0;
  }
  const mp_float_t lim = (mp_float_t)1073741824.0;
  return (mp_int_t)(v < -lim ? -lim : (v > lim ? lim : v));
}

// True for the sequence types whose items the module reads directly.
static inline bool ml_is_list_or_tuple(mp_obj_t obj) {
  return mp_obj_is_type(obj, &mp_type_list) || mp_obj_is_type(obj, &mp_type_tuple);
}

// Item i of a list or tuple that had `len` items when reading began; raises
// RuntimeError if Python code run meanwhile changed its length.
static inline mp_obj_t ml_seq_item(mp_obj_t seq, size_t i, size_t len) {
  size_t n;
  mp_obj_t* items;
  mp_obj_get_array(seq, &n, &items);
  if (n != len || i >= n) {
    mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("sequence changed size while being read"));
  }
  return items[i];
}

// Length of a list or tuple (or any object mp_obj_get_array accepts).
static inline size_t ml_seq_len(mp_obj_t seq) {
  size_t n;
  mp_obj_t* items;
  mp_obj_get_array(seq, &n, &items);
  return n;
}

#endif  // MICROPY_ML_CHECKED_H
