# ulab's numpy over ml.ndarray: the operators, indexing, reductions and
# elementwise math run in C (_ml); this file only arranges calls.
import math

import _ml

ndarray = _ml.ndarray
# dtypes are the array typecodes (ulab uses their character codes, which
# ml.ndarray accepts too); bool arrays come from comparisons.
int8 = "b"
uint8 = "B"
int16 = "h"
uint16 = "H"
int32 = "i"
float = "f"
bool = "?"
e = math.e
pi = math.pi
inf = math.inf
nan = math.nan

_int = type(1)
_builtin_max = max
_float = type(1.0)


def _arr(x):
    return x if isinstance(x, ndarray) else array(x)


def _has_array(x):
    return isinstance(x, (list, tuple)) and any(isinstance(v, (ndarray, list, tuple)) for v in x)


def _plain(x):
    if isinstance(x, ndarray):
        return x.tolist()
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


def array(values, dtype=None):
    if isinstance(values, ndarray):
        return ndarray(values, dtype=dtype if dtype is not None else values.dtype)
    if _has_array(values):
        values = _plain(values)
    if dtype is None:
        flat = isinstance(values, (list, tuple)) and values
        dtype = bool if flat and all(v is True or v is False for v in values) else float
    if isinstance(values, (_int, _float)) or values is True or values is False:
        return ndarray([values], dtype=dtype).reshape(())
    return ndarray(values, dtype=dtype)


asarray = array


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    return _ml.np_frombuffer(buffer, dtype, count, offset)


def full(shape, fill_value, dtype=float):
    return _ml.np_full(shape, fill_value, dtype)


def zeros(shape, dtype=float):
    return _ml.np_full(shape, 0, dtype)


empty = zeros


def ones(shape, dtype=float):
    return _ml.np_full(shape, 1, dtype)


def zeros_like(a, dtype=None):
    return zeros(a.shape, dtype or a.dtype)


def ones_like(a, dtype=None):
    return ones(a.shape, dtype or a.dtype)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must not be 0")
    n = _builtin_max(0, math.ceil((stop - start) / step))
    if dtype is None:
        ints = all(isinstance(v, _int) for v in (start, stop, step))
        dtype = int16 if ints and -32768 <= start and stop <= 32768 else (int32 if ints else float)
    return _ml.np_ramp(n, start, step, dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=float):
    if num < 0:
        raise ValueError("linspace: num must be >= 0, got %d" % num)
    div = num - 1 if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    a = _ml.np_ramp(num, start, step, dtype)
    if endpoint and num > 1:
        a[-1] = stop
    return a


# ---------------------------------------------------------------- elementwise


def _math(code, x, scalar):
    if isinstance(x, ndarray):
        return _ml.np_math(x, code)
    if isinstance(x, (list, tuple)):
        return _ml.np_math(array(x), code)
    return scalar(x)


def exp(x):
    return _math(0, x, math.exp)


def log(x):
    return _math(1, x, math.log)


def sqrt(x):
    return _math(2, x, math.sqrt)


def sin(x):
    return _math(3, x, math.sin)


def cos(x):
    return _math(4, x, math.cos)


def tan(x):
    return _math(5, x, math.tan)


def tanh(x):
    return _math(6, x, math.tanh)


def floor(x):
    return _math(7, x, math.floor)


def ceil(x):
    return _math(8, x, math.ceil)


def arctan(x):
    return _math(9, x, math.atan)


def maximum(x, y):
    return _ml.np_binary(x, y, 0)


def minimum(x, y):
    return _ml.np_binary(x, y, 1)


def clip(a, a_min, a_max):
    return _ml.np_binary(_ml.np_binary(_arr(a), a_min, 0), a_max, 1)


def where(condition, x=None, y=None):
    if x is None and y is None:
        return nonzero(condition)
    return _ml.np_where(_arr(condition), x, y)


def nonzero(a):
    return _ml.np_nonzero(_arr(a))


# ---------------------------------------------------------------- reductions


def _reduce(name, a, axis, keepdims):
    a = _arr(a)
    r = getattr(a, name)(axis=axis)
    if not keepdims:
        return r
    shape = [1] * a.ndim
    if axis is not None:
        shape = list(a.shape)
        shape[_axis(a, axis)] = 1
    if isinstance(r, ndarray):
        return r.reshape(tuple(shape))
    dtype = a.dtype if name in ("max", "min") else (int32 if isinstance(r, _int) else float)
    return full(tuple(shape), r, dtype)


def max(a, axis=None, keepdims=False):
    return _reduce("max", a, axis, keepdims)


def min(a, axis=None, keepdims=False):
    return _reduce("min", a, axis, keepdims)


def sum(a, axis=None, keepdims=False):
    return _reduce("sum", a, axis, keepdims)


def mean(a, axis=None, keepdims=False):
    return _reduce("mean", a, axis, keepdims)


def argmax(a, axis=None):
    return _arr(a).argmax(axis=axis)


def argmin(a, axis=None):
    return _arr(a).argmin(axis=axis)


# ---------------------------------------------------------------- shapes


def reshape(a, shape):
    return _arr(a).reshape(shape)


def transpose(a):
    return _arr(a).transpose()


def flatten(a):
    return _arr(a).flatten()


def _axis(a, axis):
    if axis < 0:
        axis += a.ndim
    if not 0 <= axis < a.ndim:
        raise ValueError("axis %d out of range for %d dimensions" % (axis, a.ndim))
    return axis


class _Slicer:
    # The ports build slice objects only through subscripts (slice() is off).
    def __getitem__(self, key):
        return key


_s = _Slicer()


def _index(axis, sl):
    return (_s[:],) * axis + (sl,)


def concatenate(arrays, axis=0):
    arrays = [_arr(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    first = arrays[0]
    axis = _axis(first, axis)
    dtype = first.dtype
    total = 0
    for a in arrays:
        if a.ndim != first.ndim or any(
            a.shape[d] != first.shape[d] for d in range(a.ndim) if d != axis
        ):
            raise ValueError("concatenate: shapes %s and %s differ" % (first.shape, a.shape))
        total += a.shape[axis]
        if a.dtype != dtype:
            dtype = (first[:0] + a[:0]).dtype
    shape = list(first.shape)
    shape[axis] = total
    out = zeros(tuple(shape), dtype)
    at = 0
    for a in arrays:
        n = a.shape[axis]
        out[_index(axis, _s[at : at + n])] = a
        at += n
    return out


def roll(a, shift, axis=None):
    a = _arr(a)
    if axis is None:
        return roll(a.flatten(), shift, 0).reshape(a.shape)
    axis = _axis(a, axis)
    n = a.shape[axis]
    if n == 0:
        return a.copy()
    s = shift % n
    out = zeros(a.shape, a.dtype)
    out[_index(axis, _s[s:n])] = a[_index(axis, _s[0 : n - s])]
    out[_index(axis, _s[0:s])] = a[_index(axis, _s[n - s : n])]
    return out


def take(a, indices, axis=None):
    a = _arr(a)
    idx = indices if isinstance(indices, ndarray) else array(indices, dtype=int32)
    if axis is None:
        return a.flatten()[idx]
    axis = _axis(a, axis)
    if axis == 0:
        return a[idx]
    if axis == a.ndim - 1:
        return a.transpose()[idx].transpose().copy()
    raise ValueError("take: axis must be None, 0 or the last axis")


def _sorted_1d(row, arg):
    values = row.tolist()
    order = sorted(range(len(values)), key=lambda i: values[i])
    return order if arg else [values[i] for i in order]


def _along(a, axis, arg):
    a = _arr(a)
    if axis is None:
        a, axis = a.flatten(), 0
    axis = _axis(a, axis)
    if a.ndim == 2 and axis == 0:
        return _along(a.transpose(), 1, arg).transpose().copy()
    if axis != a.ndim - 1:
        raise ValueError("sort: axis must be the last one, or 0 of a 2-d array")
    out = zeros(a.shape, int32 if arg else a.dtype)
    n = a.shape[-1]
    if a.size == 0:
        return out
    rows, out_rows = a.reshape((-1, n)), out.reshape((-1, n))
    for i in range(rows.shape[0]):
        out_rows[i] = _sorted_1d(rows[i], arg)
    return out


def sort(a, axis=-1):
    return _along(a, axis, False)


def argsort(a, axis=-1):
    return _along(a, axis, True)


def dot(a, b):
    a, b = _arr(a), _arr(b)
    if a.ndim == 1 and b.ndim == 1:
        return (a * b).sum()
    if a.ndim == 1:
        return (a.reshape((a.shape[0], 1)) * b).sum(axis=0)
    if b.ndim == 1:
        return (a * b).sum(axis=1)
    if a.shape[1] != b.shape[0]:
        raise ValueError("dot: shapes %s and %s are not aligned" % (a.shape, b.shape))
    rows = [(a[i].reshape((a.shape[1], 1)) * b).sum(axis=0) for i in range(a.shape[0])]
    out = zeros((a.shape[0], b.shape[1]), rows[0].dtype if rows else float)
    for i, r in enumerate(rows):
        out[i] = r
    return out
