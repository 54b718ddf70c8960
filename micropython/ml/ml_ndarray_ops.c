// ml.ndarray arithmetic with ulab's (numpy's) semantics: broadcasting binary
// operators and comparisons, unary operators, elementwise math, where,
// nonzero, filled arrays and indexing by bool masks or integer arrays.
//
// Result dtypes follow ulab's upcasting: equal dtypes stay, float wins, mixed
// 8/16-bit integers take the smallest type holding both (numpy's choice; int32
// where ulab, which has no int32, falls back), a Python scalar acts as an
// array of the smallest dtype holding it, `/` is always float and comparisons
// give bool ('?') arrays. Integer results wrap like numpy's.
#include <math.h>
#include <string.h>

#include "ml_checked.h"
#include "ml_engine.h"
#include "ml_ndarray.h"
#include "py/runtime.h"

// ---------------------------------------------------------------- operands

static int64_t elem_i64(char dtype, const uint8_t* p) {
  switch (dtype) {
    case '?':
      return *p != 0;
    case 'b':
      return *(const int8_t*)p;
    case 'B':
      return *p;
    case 'h': {
      int16_t v;
      memcpy(&v, p, sizeof(v));
      return v;
    }
    case 'H': {
      uint16_t v;
      memcpy(&v, p, sizeof(v));
      return v;
    }
    default: {
      int32_t v;
      memcpy(&v, p, sizeof(v));
      return v;
    }
  }
}

static bool is_signed(char t) {
  return t == 'b' || t == 'h' || t == 'i';
}

static char promote(char a, char b) {
  if (a == b) {
    return a;
  }
  if (a == '?' || b == '?') {
    return a == '?' ? b : a;
  }
  if (a == 'f' || b == 'f') {
    return 'f';
  }
  if (a == 'i' || b == 'i') {
    return 'i';
  }
  size_t sa = ml_ndarray_itemsize(a), sb = ml_ndarray_itemsize(b);
  if (is_signed(a) == is_signed(b)) {
    return sa >= sb ? a : b;
  }
  char s = is_signed(a) ? a : b, u = is_signed(a) ? b : a;
  if (ml_ndarray_itemsize(u) < ml_ndarray_itemsize(s)) {
    return s;
  }
  return ml_ndarray_itemsize(u) == 1 ? 'h' : 'i';
}

// A number as a 0-d array of the smallest dtype holding it (ulab's rule); an
// ndarray as itself. False for anything else.
static bool as_operand(mp_obj_t o, ml_ndarray_obj_t* out, uint8_t* scratch) {
  memset(out, 0, sizeof(*out));
  if (mp_obj_is_type(o, &ml_ndarray_type)) {
    *out = *(ml_ndarray_obj_t*)MP_OBJ_TO_PTR(o);
    return true;
  }
  out->data = scratch;
  if (mp_obj_is_bool(o) || mp_obj_is_small_int(o)) {
    mp_int_t v = mp_obj_get_int(o);
    if (v >= INT32_MIN && v <= INT32_MAX) {
      out->dtype = v >= 0 ? (v <= 255     ? 'B'
                             : v <= 65535 ? 'H'
                                          : 'i')
                          : (v >= -128     ? 'b'
                             : v >= -32768 ? 'h'
                                           : 'i');
      ml_elem_store_int(out->dtype, scratch, v);
      return true;
    }
  } else if (!mp_obj_is_int(o) && !mp_obj_is_float(o)) {
    return false;
  }
  out->dtype = 'f';
  ml_elem_store_float('f', scratch, mp_obj_get_float(o));
  return true;
}

// ---------------------------------------------------------------- broadcasting

#define MAX_OPERANDS 3

typedef struct {
  size_t rank;
  int32_t shape[ML_MAX_DIMS];
  ptrdiff_t strides[MAX_OPERANDS][ML_MAX_DIMS];  // bytes; 0 along broadcast axes
} bcast_t;

static void broadcast(bcast_t* b, ml_ndarray_obj_t* const* ops, size_t n) {
  b->rank = 0;
  for (size_t k = 0; k < n; ++k) {
    b->rank = ops[k]->rank > b->rank ? ops[k]->rank : b->rank;
  }
  for (size_t d = 0; d < b->rank; ++d) {
    b->shape[d] = 1;
  }
  for (size_t k = 0; k < n; ++k) {
    const ml_ndarray_obj_t* a = ops[k];
    size_t lead = b->rank - a->rank;
    size_t item = ml_ndarray_itemsize(a->dtype);
    for (size_t d = 0; d < b->rank; ++d) {
      b->strides[k][d] = 0;
      if (d < lead) {
        continue;
      }
      int32_t dim = a->shape[d - lead];
      if (dim != 1) {
        if (b->shape[d] != 1 && b->shape[d] != dim) {
          mp_raise_msg_varg(&mp_type_ValueError,
                            MP_ERROR_TEXT("cannot broadcast axis %d: size %d against %d"), (int)d,
                            (int)dim, (int)b->shape[d]);
        }
        b->shape[d] = dim;
        b->strides[k][d] = (ptrdiff_t)a->strides[d - lead] * (ptrdiff_t)item;
      }
    }
  }
}

// Steps the operand pointers to the next element of the broadcast shape.
static void bcast_step(const bcast_t* b, int32_t* index, const uint8_t** p, size_t n) {
  for (size_t d = b->rank; d-- > 0;) {
    if (++index[d] < b->shape[d]) {
      for (size_t k = 0; k < n; ++k) {
        p[k] += b->strides[k][d];
      }
      return;
    }
    index[d] = 0;
    for (size_t k = 0; k < n; ++k) {
      p[k] -= b->strides[k][d] * (b->shape[d] - 1);
    }
  }
}

// ---------------------------------------------------------------- binary operators

enum { OP_MAXIMUM = 1000, OP_MINIMUM };

static bool is_comparison(mp_int_t op) {
  return op == MP_BINARY_OP_LESS || op == MP_BINARY_OP_MORE || op == MP_BINARY_OP_EQUAL ||
         op == MP_BINARY_OP_LESS_EQUAL || op == MP_BINARY_OP_MORE_EQUAL ||
         op == MP_BINARY_OP_NOT_EQUAL;
}

static bool is_bitwise(mp_int_t op) {
  return op == MP_BINARY_OP_AND || op == MP_BINARY_OP_OR || op == MP_BINARY_OP_XOR;
}

static bool compare_f(mp_int_t op, mp_float_t x, mp_float_t y) {
  switch (op) {
    case MP_BINARY_OP_LESS:
      return x < y;
    case MP_BINARY_OP_MORE:
      return x > y;
    case MP_BINARY_OP_EQUAL:
      return x == y;
    case MP_BINARY_OP_LESS_EQUAL:
      return x <= y;
    case MP_BINARY_OP_MORE_EQUAL:
      return x >= y;
    default:
      return x != y;
  }
}

static bool compare_i(mp_int_t op, int64_t x, int64_t y) {
  switch (op) {
    case MP_BINARY_OP_LESS:
      return x < y;
    case MP_BINARY_OP_MORE:
      return x > y;
    case MP_BINARY_OP_EQUAL:
      return x == y;
    case MP_BINARY_OP_LESS_EQUAL:
      return x <= y;
    case MP_BINARY_OP_MORE_EQUAL:
      return x >= y;
    default:
      return x != y;
  }
}

// numpy's divmod for floats: the remainder takes the divisor's sign, and the
// quotient (x - mod) / y is rounded to the nearest integer the floor allows.
static mp_float_t floor_div_f(mp_float_t x, mp_float_t y, bool want_mod) {
  if (y == 0) {
    return want_mod ? MICROPY_FLOAT_C_FUN(fmod)(x, y) : x / y;
  }
  mp_float_t mod = MICROPY_FLOAT_C_FUN(fmod)(x, y);
  mp_float_t div = (x - mod) / y;
  if (mod != 0 && ((y < 0) != (mod < 0))) {
    mod += y;
    div -= 1;
  }
  if (want_mod) {
    return mod != 0 ? mod : MICROPY_FLOAT_C_FUN(copysign)((mp_float_t)0, y);
  }
  if (div == 0) {
    return MICROPY_FLOAT_C_FUN(copysign)((mp_float_t)0, x / y);
  }
  mp_float_t q = MICROPY_FLOAT_C_FUN(floor)(div);
  return div - q > (mp_float_t)0.5 ? q + 1 : q;
}

static mp_float_t arith_f(mp_int_t op, mp_float_t x, mp_float_t y) {
  switch (op) {
    case MP_BINARY_OP_FLOOR_DIVIDE:
      return floor_div_f(x, y, false);
    case MP_BINARY_OP_MODULO:
      return floor_div_f(x, y, true);
    case MP_BINARY_OP_ADD:
      return x + y;
    case MP_BINARY_OP_SUBTRACT:
      return x - y;
    case MP_BINARY_OP_MULTIPLY:
      return x * y;
    case MP_BINARY_OP_TRUE_DIVIDE:
      return x / y;
    case MP_BINARY_OP_POWER:
      return MICROPY_FLOAT_C_FUN(pow)(x, y);
    default:  // maximum, minimum: NaN wins, as in numpy
      if (isnan(x) || isnan(y)) {
        return isnan(x) ? x : y;
      }
      return op == OP_MAXIMUM ? (x > y ? x : y) : (x < y ? x : y);
  }
}

// In unsigned arithmetic, so that wrapping is defined; callers store the low bits.
static uint64_t arith_i(mp_int_t op, int64_t x, int64_t y) {
  uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
  switch (op) {
    case MP_BINARY_OP_ADD:
      return ux + uy;
    case MP_BINARY_OP_SUBTRACT:
      return ux - uy;
    case MP_BINARY_OP_MULTIPLY:
      return ux * uy;
    case MP_BINARY_OP_AND:
      return ux & uy;
    case MP_BINARY_OP_OR:
      return ux | uy;
    case MP_BINARY_OP_XOR:
      return ux ^ uy;
    case MP_BINARY_OP_POWER: {
      // y >= 0 (checked before the loop); 32 squarings cover every exponent mod 2**32.
      uint64_t r = 1;
      for (int i = 0; i < 64 && uy != 0; ++i, uy >>= 1) {
        if (uy & 1) {
          r *= ux;
        }
        ux *= ux;
      }
      return r;
    }
    case MP_BINARY_OP_FLOOR_DIVIDE:
    case MP_BINARY_OP_MODULO: {
      // Python's floor semantics; numpy gives 0 for a zero divisor. |x|, |y|
      // < 2**32, so the int64 quotient cannot overflow.
      if (y == 0) {
        return 0;
      }
      int64_t q = x / y, r = x % y;
      if (r != 0 && ((r < 0) != (y < 0))) {
        q -= 1;
        r += y;
      }
      return (uint64_t)(op == MP_BINARY_OP_MODULO ? r : q);
    }
    case OP_MAXIMUM:
      return (uint64_t)(x > y ? x : y);
    default:
      return (uint64_t)(x < y ? x : y);
  }
}

static void store_wrapped(char dtype, uint8_t* p, uint64_t v) {
  ml_elem_store_int(dtype, p, (mp_int_t)(int32_t)(uint32_t)v);
}

static char result_dtype(mp_int_t op, char a, char b) {
  if (is_comparison(op)) {
    return '?';
  }
  char t = promote(a, b);
  if (op == MP_BINARY_OP_TRUE_DIVIDE) {
    return 'f';
  }
  if (is_bitwise(op)) {
    if (t == 'f') {
      mp_raise_TypeError(MP_ERROR_TEXT("&, | and ^ need integer or bool arrays"));
    }
    return t;
  }
  if (t == '?' && op != OP_MAXIMUM && op != OP_MINIMUM) {
    return 'B';  // bool arithmetic counts in uint8
  }
  return t;
}

static bool supported(mp_int_t op) {
  return is_comparison(op) || is_bitwise(op) || op == MP_BINARY_OP_ADD ||
         op == MP_BINARY_OP_SUBTRACT || op == MP_BINARY_OP_MULTIPLY ||
         op == MP_BINARY_OP_TRUE_DIVIDE || op == MP_BINARY_OP_FLOOR_DIVIDE ||
         op == MP_BINARY_OP_MODULO || op == MP_BINARY_OP_POWER || op == OP_MAXIMUM ||
         op == OP_MINIMUM;
}

// Float op float over operands that are contiguous with the output's element
// count, or single elements: postprocessing's common case, without the
// per-element dtype dispatch. The same arithmetic as the general loop.
#define FLOAT_LOOP(expr)                                    \
  for (size_t i = 0; i < n; ++i) {                          \
    float fa, fb;                                           \
    memcpy(&fa, x->data + (x_one ? 0 : 4 * i), sizeof(fa)); \
    memcpy(&fb, y->data + (y_one ? 0 : 4 * i), sizeof(fb)); \
    mp_float_t a = (mp_float_t)fa, b = (mp_float_t)fb;      \
    float r = (float)(expr);                                \
    memcpy(out->data + 4 * i, &r, sizeof(r));               \
  }

static bool binary_float_fast(mp_int_t op, const ml_ndarray_obj_t* x, const ml_ndarray_obj_t* y,
                              ml_ndarray_obj_t* out) {
  size_t n = ml_ndarray_count(out);
  if (x->dtype != 'f' || y->dtype != 'f' || out->dtype != 'f') {
    return false;
  }
  bool x_one = ml_ndarray_count(x) == 1, y_one = ml_ndarray_count(y) == 1;
  if ((!x_one && (ml_ndarray_count(x) != n || !ml_ndarray_is_contiguous(x))) ||
      (!y_one && (ml_ndarray_count(y) != n || !ml_ndarray_is_contiguous(y)))) {
    return false;
  }
  switch (op) {
    case MP_BINARY_OP_ADD:
      FLOAT_LOOP(a + b);
      return true;
    case MP_BINARY_OP_SUBTRACT:
      FLOAT_LOOP(a - b);
      return true;
    case MP_BINARY_OP_MULTIPLY:
      FLOAT_LOOP(a * b);
      return true;
    case MP_BINARY_OP_TRUE_DIVIDE:
      FLOAT_LOOP(a / b);
      return true;
    default:
      return false;
  }
}

static ml_ndarray_obj_t* binary(mp_int_t op, ml_ndarray_obj_t* x, ml_ndarray_obj_t* y) {
  char out_dtype = result_dtype(op, x->dtype, y->dtype);
  ml_ndarray_obj_t* ops[2] = {x, y};
  bcast_t b;
  broadcast(&b, ops, 2);
  ml_ndarray_obj_t* out = ml_ndarray_new(out_dtype, b.rank, b.shape);
  if (binary_float_fast(op, x, y, out)) {
    return out;
  }
  size_t n = ml_ndarray_count(out);
  bool floats = x->dtype == 'f' || y->dtype == 'f' || out_dtype == 'f';
  if (op == MP_BINARY_OP_POWER && !floats) {
    // Negative integer exponents have no integer result (numpy refuses them too).
    ml_walker_t w;
    ml_walker_init(&w, y);
    const uint8_t* q;
    while ((q = ml_walker_next(&w)) != NULL) {
      if (elem_i64(y->dtype, q) < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("integers to negative integer powers"));
      }
    }
  }
  size_t item = ml_ndarray_itemsize(out_dtype);
  int32_t index[ML_MAX_DIMS] = {0};
  const uint8_t* p[2] = {x->data, y->data};
  uint8_t* dst = out->data;
  for (size_t i = 0; i < n; ++i, dst += item) {
    if (is_comparison(op)) {
      *dst = floats ? compare_f(op, ml_elem_float(x->dtype, p[0]), ml_elem_float(y->dtype, p[1]))
                    : compare_i(op, elem_i64(x->dtype, p[0]), elem_i64(y->dtype, p[1]));
    } else if (floats) {
      ml_elem_store_float(
          out_dtype, dst,
          arith_f(op, ml_elem_float(x->dtype, p[0]), ml_elem_float(y->dtype, p[1])));
    } else if (out_dtype == '?') {
      *dst = arith_i(op, elem_i64(x->dtype, p[0]), elem_i64(y->dtype, p[1])) != 0;
    } else {
      store_wrapped(out_dtype, dst,
                    arith_i(op, elem_i64(x->dtype, p[0]), elem_i64(y->dtype, p[1])));
    }
    bcast_step(&b, index, p, 2);
  }
  return out;
}

static mp_int_t plain_op(mp_binary_op_t op, bool* reverse, bool* inplace) {
  *reverse = false;
  *inplace = false;
  if (op >= MP_BINARY_OP_INPLACE_OR && op <= MP_BINARY_OP_INPLACE_POWER) {
    *inplace = true;
    return op - MP_BINARY_OP_INPLACE_OR + MP_BINARY_OP_OR;
  }
  if (op >= MP_BINARY_OP_REVERSE_OR && op <= MP_BINARY_OP_REVERSE_POWER) {
    *reverse = true;
    return op - MP_BINARY_OP_REVERSE_OR + MP_BINARY_OP_OR;
  }
  return op;
}

mp_obj_t ml_ndarray_binary_op(mp_binary_op_t op_in, mp_obj_t lhs, mp_obj_t rhs) {
  bool reverse, inplace;
  mp_int_t op = plain_op(op_in, &reverse, &inplace);
  if (!supported(op)) {
    return MP_OBJ_NULL;
  }
  ml_ndarray_obj_t x, y;
  uint8_t sx[4], sy[4];
  if (!as_operand(reverse ? rhs : lhs, &x, sx) || !as_operand(reverse ? lhs : rhs, &y, sy)) {
    return MP_OBJ_NULL;
  }
  ml_ndarray_obj_t* out = binary(op, &x, &y);
  if (inplace) {
    // a += b writes into a (and so into whatever a views) when the shapes agree.
    ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(lhs);
    if (a->rank == out->rank && memcmp(a->shape, out->shape, a->rank * sizeof(int32_t)) == 0) {
      ml_ndarray_assign(a, MP_OBJ_FROM_PTR(out));
      return lhs;
    }
  }
  return MP_OBJ_FROM_PTR(out);
}

// _ml.np_binary(x, y, op): maximum (0) and minimum (1) with broadcasting.
static mp_obj_t np_binary(mp_obj_t x_in, mp_obj_t y_in, mp_obj_t which) {
  mp_int_t op = OP_MAXIMUM + ml_get_int_in(which, 0, 1, "operation");
  ml_ndarray_obj_t x, y;
  uint8_t sx[4], sy[4];
  if (!as_operand(x_in, &x, sx) || !as_operand(y_in, &y, sy)) {
    mp_raise_TypeError(MP_ERROR_TEXT("operands must be numbers or ml.ndarray"));
  }
  return MP_OBJ_FROM_PTR(binary(op, &x, &y));
}
MP_DEFINE_CONST_FUN_OBJ_3(ml_np_binary_obj, np_binary);

// ---------------------------------------------------------------- unary operators

mp_obj_t ml_ndarray_unary_arith(mp_unary_op_t op, ml_ndarray_obj_t* a) {
  char t = a->dtype;
  if (op == MP_UNARY_OP_POSITIVE) {
    return MP_OBJ_FROM_PTR(ml_ndarray_copy_as(a, t));
  }
  if (op != MP_UNARY_OP_NEGATIVE && op != MP_UNARY_OP_ABS && op != MP_UNARY_OP_INVERT) {
    return MP_OBJ_NULL;
  }
  if ((op == MP_UNARY_OP_NEGATIVE && t == '?') || (op == MP_UNARY_OP_INVERT && t == 'f')) {
    mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("unary operator not supported for '%c'"),
                      t);
  }
  ml_ndarray_obj_t* out = ml_ndarray_new(t, a->rank, a->shape);
  size_t item = ml_ndarray_itemsize(t);
  uint8_t* dst = out->data;
  ml_walker_t w;
  ml_walker_init(&w, a);
  const uint8_t* p;
  while ((p = ml_walker_next(&w)) != NULL) {
    if (t == 'f') {
      mp_float_t v = ml_elem_float(t, p);
      ml_elem_store_float(t, dst, op == MP_UNARY_OP_NEGATIVE ? -v : MICROPY_FLOAT_C_FUN(fabs)(v));
    } else if (t == '?') {
      *dst = op == MP_UNARY_OP_INVERT ? !*p : *p;
    } else {
      uint64_t v = (uint64_t)elem_i64(t, p);
      if (op == MP_UNARY_OP_NEGATIVE || (op == MP_UNARY_OP_ABS && (int64_t)v < 0)) {
        v = 0 - v;
      } else if (op == MP_UNARY_OP_INVERT) {
        v = ~v;
      }
      store_wrapped(t, dst, v);
    }
    dst += item;
  }
  return MP_OBJ_FROM_PTR(out);
}

// ---------------------------------------------------------------- elementwise math

// A switch, not a table of function pointers: the natmod linker refuses
// absolute addresses in code on ARM.
static mp_float_t apply_math(mp_int_t code, mp_float_t v) {
  switch (code) {
    case 0:
      return MICROPY_FLOAT_C_FUN(exp)(v);
    case 1:
      return MICROPY_FLOAT_C_FUN(log)(v);
    case 2:
      return MICROPY_FLOAT_C_FUN(sqrt)(v);
    case 3:
      return MICROPY_FLOAT_C_FUN(sin)(v);
    case 4:
      return MICROPY_FLOAT_C_FUN(cos)(v);
    case 5:
      return MICROPY_FLOAT_C_FUN(tan)(v);
    case 6:
      return MICROPY_FLOAT_C_FUN(tanh)(v);
    case 7:
      return MICROPY_FLOAT_C_FUN(floor)(v);
    case 8:
      return MICROPY_FLOAT_C_FUN(ceil)(v);
    default:
      return MICROPY_FLOAT_C_FUN(atan)(v);
  }
}

// _ml.np_math(x, code): a float array of f(x) (codes: exp log sqrt sin cos
// tan tanh floor ceil arctan).
static mp_obj_t np_math(mp_obj_t x_in, mp_obj_t code_in) {
  mp_int_t code = ml_get_int_in(code_in, 0, 9, "function");
  if (!mp_obj_is_type(x_in, &ml_ndarray_type)) {
    mp_raise_TypeError(MP_ERROR_TEXT("expected an ml.ndarray"));
  }
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(x_in);
  ml_ndarray_obj_t* out = ml_ndarray_new('f', a->rank, a->shape);
  uint8_t* dst = out->data;
  ml_walker_t w;
  ml_walker_init(&w, a);
  const uint8_t* p;
  while ((p = ml_walker_next(&w)) != NULL) {
    ml_elem_store_float('f', dst, apply_math(code, ml_elem_float(a->dtype, p)));
    dst += 4;
  }
  return MP_OBJ_FROM_PTR(out);
}
MP_DEFINE_CONST_FUN_OBJ_2(ml_np_math_obj, np_math);

// ---------------------------------------------------------------- where, nonzero

static mp_obj_t np_where(mp_obj_t cond_in, mp_obj_t x_in, mp_obj_t y_in) {
  ml_ndarray_obj_t c, x, y;
  uint8_t sc[4], sx[4], sy[4];
  if (!as_operand(cond_in, &c, sc) || !as_operand(x_in, &x, sx) || !as_operand(y_in, &y, sy)) {
    mp_raise_TypeError(MP_ERROR_TEXT("operands must be numbers or ml.ndarray"));
  }
  char t = promote(x.dtype, y.dtype);
  ml_ndarray_obj_t* ops[3] = {&c, &x, &y};
  bcast_t b;
  broadcast(&b, ops, 3);
  ml_ndarray_obj_t* out = ml_ndarray_new(t, b.rank, b.shape);
  size_t n = ml_ndarray_count(out), item = ml_ndarray_itemsize(t);
  int32_t index[ML_MAX_DIMS] = {0};
  const uint8_t* p[3] = {c.data, x.data, y.data};
  uint8_t* dst = out->data;
  for (size_t i = 0; i < n; ++i, dst += item) {
    bool take_x = ml_elem_float(c.dtype, p[0]) != 0;
    const ml_ndarray_obj_t* src = take_x ? &x : &y;
    const uint8_t* q = take_x ? p[1] : p[2];
    if (t == 'f') {
      ml_elem_store_float(t, dst, ml_elem_float(src->dtype, q));
    } else {
      ml_elem_store_int(t, dst, (mp_int_t)elem_i64(src->dtype, q));
    }
    bcast_step(&b, index, p, 3);
  }
  return MP_OBJ_FROM_PTR(out);
}
MP_DEFINE_CONST_FUN_OBJ_3(ml_np_where_obj, np_where);

// Indices of the nonzero elements: one int32 array per axis.
static mp_obj_t np_nonzero(mp_obj_t a_in) {
  if (!mp_obj_is_type(a_in, &ml_ndarray_type)) {
    mp_raise_TypeError(MP_ERROR_TEXT("expected an ml.ndarray"));
  }
  ml_ndarray_obj_t* a = MP_OBJ_TO_PTR(a_in);
  if (a->rank == 0) {
    mp_raise_ValueError(MP_ERROR_TEXT("nonzero of a 0-d array"));
  }
  size_t count = 0;
  ml_walker_t w;
  ml_walker_init(&w, a);
  const uint8_t* p;
  while ((p = ml_walker_next(&w)) != NULL) {
    count += ml_elem_float(a->dtype, p) != 0;
  }
  mp_obj_t items[ML_MAX_DIMS];
  int32_t* dst[ML_MAX_DIMS];
  int32_t shape[1] = {(int32_t)count};
  for (size_t d = 0; d < a->rank; ++d) {
    ml_ndarray_obj_t* o = ml_ndarray_new('i', 1, shape);
    items[d] = MP_OBJ_FROM_PTR(o);
    dst[d] = (int32_t*)o->data;  // its own GC block: aligned
  }
  ml_walker_init(&w, a);
  size_t k = 0;
  int32_t index[ML_MAX_DIMS];
  while (k < count) {
    memcpy(index, w.index, sizeof(index));
    p = ml_walker_next(&w);
    if (ml_elem_float(a->dtype, p) != 0) {
      for (size_t d = 0; d < a->rank; ++d) {
        dst[d][k] = index[d];
      }
      ++k;
    }
  }
  return mp_obj_new_tuple(a->rank, items);
}
MP_DEFINE_CONST_FUN_OBJ_1(ml_np_nonzero_obj, np_nonzero);

// ---------------------------------------------------------------- creation

static char get_dtype(mp_obj_t o) {
  size_t len;
  const char* s = mp_obj_str_get_data(o, &len);
  if (len != 1 || ml_ndarray_itemsize(s[0]) == 0) {
    mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("data type '%s' not understood"), s);
  }
  return s[0];
}

static size_t get_shape(mp_obj_t o, int32_t* shape) {
  if (mp_obj_is_int(o)) {
    shape[0] = (int32_t)ml_get_int_in(o, 0, INT32_MAX, "array dimension");
    return 1;
  }
  if (!ml_is_list_or_tuple(o)) {
    mp_raise_TypeError(MP_ERROR_TEXT("shape must be an int or a tuple of ints"));
  }
  size_t n = ml_seq_len(o);
  if (n > ML_MAX_DIMS) {
    mp_raise_msg_varg(&mp_type_ValueError,
                      MP_ERROR_TEXT("arrays have at most %d dimensions, got %d"), ML_MAX_DIMS,
                      (int)n);
  }
  for (size_t i = 0; i < n; ++i) {
    shape[i] = (int32_t)ml_get_int_in(ml_seq_item(o, i, n), 0, INT32_MAX, "array dimension");
  }
  return n;
}

// _ml.np_full(shape, value, dtype)
static mp_obj_t np_full(mp_obj_t shape_in, mp_obj_t value, mp_obj_t dtype_in) {
  char t = get_dtype(dtype_in);
  int32_t shape[ML_MAX_DIMS];
  size_t rank = get_shape(shape_in, shape);
  ml_ndarray_obj_t* out = ml_ndarray_new(t, rank, shape);
  uint8_t scratch[4];
  ml_elem_store(t, scratch, value);
  size_t item = ml_ndarray_itemsize(t), n = ml_ndarray_count(out);
  for (size_t i = 0; i < n; ++i) {
    memcpy(out->data + i * item, scratch, item);
  }
  return MP_OBJ_FROM_PTR(out);
}
MP_DEFINE_CONST_FUN_OBJ_3(ml_np_full_obj, np_full);

// _ml.np_ramp(n, start, step, dtype): start + i * step for i < n (arange, linspace).
static mp_obj_t np_ramp(size_t n_args, const mp_obj_t* args) {
  (void)n_args;
  int32_t n = (int32_t)ml_get_int_in(args[0], 0, INT32_MAX, "array length");
  mp_float_t start = ml_get_finite(args[1], "start");
  mp_float_t step = ml_get_finite(args[2], "step");
  char t = get_dtype(args[3]);
  ml_ndarray_obj_t* out = ml_ndarray_new(t, 1, &n);
  size_t item = ml_ndarray_itemsize(t);
  for (int32_t i = 0; i < n; ++i) {
    ml_elem_store_float(t, out->data + (size_t)i * item, start + (mp_float_t)i * step);
  }
  return MP_OBJ_FROM_PTR(out);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ml_np_ramp_obj, 4, 4, np_ramp);

// _ml.np_frombuffer(buffer, dtype, count, offset): a copy (a view could
// outlive a resize of the buffer's owner).
static mp_obj_t np_frombuffer(size_t n_args, const mp_obj_t* args) {
  (void)n_args;
  char t = get_dtype(args[1]);
  mp_int_t count = ml_get_int_in(args[2], -1, INT32_MAX, "count");
  mp_int_t offset = ml_get_int_in(args[3], 0, INT32_MAX, "offset");
  size_t item = ml_ndarray_itemsize(t);
  mp_buffer_info_t bi;
  mp_get_buffer_raise(args[0], &bi, MP_BUFFER_READ);
  if ((size_t)offset > bi.len) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("offset %d beyond a buffer of %d bytes"),
                      (int)offset, (int)bi.len);
  }
  size_t avail = (bi.len - (size_t)offset) / item;
  if (count < 0) {
    if ((bi.len - (size_t)offset) % item != 0) {
      mp_raise_msg_varg(&mp_type_ValueError,
                        MP_ERROR_TEXT("%d bytes are not a multiple of the item size %d"),
                        (int)(bi.len - (size_t)offset), (int)item);
    }
    count = (mp_int_t)avail;
  } else if ((size_t)count > avail) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("buffer holds %d items, asked for %d"),
                      (int)avail, (int)count);
  }
  int32_t shape[1] = {(int32_t)count};
  ml_ndarray_obj_t* out = ml_ndarray_new(t, 1, shape);
  // Taken again after the allocation: a finaliser run by the collector may
  // have resized the buffer.
  mp_get_buffer_raise(args[0], &bi, MP_BUFFER_READ);
  if ((size_t)offset + (size_t)count * item > bi.len) {
    mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("buffer changed size while being read"));
  }
  memcpy(out->data, (const uint8_t*)bi.buf + offset, (size_t)count * item);
  return MP_OBJ_FROM_PTR(out);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ml_np_frombuffer_obj, 4, 4, np_frombuffer);

// ---------------------------------------------------------------- indexing by arrays

// The first-axis rows a selects: a bool mask over the leading axes, or integer
// indices into the first axis. Fills `rows` (flat positions over the leading
// `lead` axes, as int32 in a new array) and returns their count.
static size_t selected_rows(ml_ndarray_obj_t* a, ml_ndarray_obj_t* index, size_t* lead,
                            ml_ndarray_obj_t** rows) {
  if (index->dtype == '?') {
    if (index->rank == 0 || index->rank > a->rank ||
        memcmp(index->shape, a->shape, index->rank * sizeof(int32_t)) != 0) {
      mp_raise_msg_varg(&mp_type_IndexError,
                        MP_ERROR_TEXT("a bool index of %d elements does not match the array"),
                        (int)ml_ndarray_count(index));
    }
    *lead = index->rank;
    size_t count = 0;
    ml_walker_t w;
    ml_walker_init(&w, index);
    const uint8_t* p;
    while ((p = ml_walker_next(&w)) != NULL) {
      count += *p != 0;
    }
    int32_t shape[1] = {(int32_t)count};
    *rows = ml_ndarray_new('i', 1, shape);
    int32_t* dst = (int32_t*)(*rows)->data;
    ml_walker_init(&w, index);
    for (int32_t i = 0; (p = ml_walker_next(&w)) != NULL; ++i) {
      if (*p) {
        *dst++ = i;
      }
    }
    return count;
  }
  if (index->dtype == 'f') {
    mp_raise_TypeError(MP_ERROR_TEXT("array indices must be integer or bool arrays"));
  }
  if (a->rank == 0) {
    mp_raise_TypeError(MP_ERROR_TEXT("a 0-d array cannot be indexed by an array"));
  }
  *lead = 1;
  size_t count = ml_ndarray_count(index);
  *rows = ml_ndarray_copy_as(index, 'i');
  int32_t* r = (int32_t*)(*rows)->data;
  int32_t n = a->shape[0];
  for (size_t i = 0; i < count; ++i) {
    int64_t j = r[i] < 0 ? (int64_t)r[i] + n : r[i];
    if (j < 0 || j >= n) {
      mp_raise_msg_varg(&mp_type_IndexError,
                        MP_ERROR_TEXT("index %d out of range for axis of size %d"), (int)r[i],
                        (int)n);
    }
    r[i] = (int32_t)j;
  }
  return count;
}

// Byte offset of flat position `flat` over a's first `lead` axes.
static ptrdiff_t lead_offset(const ml_ndarray_obj_t* a, size_t lead, size_t flat) {
  ptrdiff_t off = 0;
  for (size_t d = lead; d-- > 0;) {
    size_t n = (size_t)a->shape[d];
    off += (ptrdiff_t)(flat % n) * a->strides[d];
    flat /= n;
  }
  return off * (ptrdiff_t)ml_ndarray_itemsize(a->dtype);
}

mp_obj_t ml_ndarray_subscr_array(ml_ndarray_obj_t* a, ml_ndarray_obj_t* index, mp_obj_t value) {
  size_t lead;
  ml_ndarray_obj_t* rows;
  size_t count = selected_rows(a, index, &lead, &rows);
  const int32_t* r = (const int32_t*)rows->data;
  // One selected row: the axes after `lead`.
  ml_ndarray_obj_t row;
  memset(&row, 0, sizeof(row));
  row.dtype = a->dtype;
  row.rank = (uint8_t)(a->rank - lead);
  memcpy(row.shape, a->shape + lead, row.rank * sizeof(int32_t));
  memcpy(row.strides, a->strides + lead, row.rank * sizeof(int32_t));
  size_t per_row = ml_ndarray_count(&row), item = ml_ndarray_itemsize(a->dtype);
  if (value == MP_OBJ_SENTINEL) {
    int32_t shape[ML_MAX_DIMS];
    shape[0] = (int32_t)count;
    memcpy(shape + 1, row.shape, row.rank * sizeof(int32_t));
    ml_ndarray_obj_t* out = ml_ndarray_new(a->dtype, 1 + row.rank, shape);
    if (row.rank == 0 && ml_ndarray_is_contiguous(a)) {
      // Single elements of a contiguous array: r[i] is the element's position.
      for (size_t i = 0; i < count; ++i) {
        memcpy(out->data + i * item, a->data + (size_t)r[i] * item, item);
      }
      return MP_OBJ_FROM_PTR(out);
    }
    for (size_t i = 0; i < count; ++i) {
      row.data = a->data + lead_offset(a, lead, (size_t)r[i]);
      ml_ndarray_copy_to(&row, out->data + i * per_row * item);
    }
    return MP_OBJ_FROM_PTR(out);
  }
  // Assignment: a number for every element, or an array of all the selected
  // elements (count * per_row) or of one row (per_row), converted first so
  // that no Python code runs while storing.
  ml_ndarray_obj_t* src;
  if (mp_obj_is_type(value, &ml_ndarray_type)) {
    src = ml_ndarray_copy_as(MP_OBJ_TO_PTR(value), a->dtype);
  } else {
    int32_t one[1] = {1};
    src = ml_ndarray_new(a->dtype, 1, one);
    ml_elem_store(a->dtype, src->data, value);
  }
  size_t n = ml_ndarray_count(src);
  if (n != 1 && n != per_row && n != count * per_row) {
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("cannot assign %d elements to %d"), (int)n,
                      (int)(count * per_row));
  }
  for (size_t i = 0; i < count; ++i) {
    row.data = a->data + lead_offset(a, lead, (size_t)r[i]);
    ml_walker_t w;
    ml_walker_init(&w, &row);
    uint8_t* p;
    for (size_t k = 0; (p = ml_walker_next(&w)) != NULL; ++k) {
      size_t from = n == 1 ? 0 : n == per_row ? k : i * per_row + k;
      memcpy(p, src->data + from * item, item);
    }
  }
  return mp_const_none;
}
