# ml.ndarray: construction, geometry, indexing, views, iteration, buffer
# protocol, conversion and reductions.
import ml
from ml import ndarray

a = ndarray([[1, 2, 3], [4, 5, 6]], dtype="b")
print(a)
print(a.shape, a.dtype, len(a), a.ndim, a.size, a.itemsize)

# Integer indexing gives rows (views) of an n-d array and scalars of a 1-d one.
print(a[0], a[1][2], a[-1][-1])
print(a[1, 0], a[-2, 1])
# Slices and tuples of slices are views.
print(a[:, 1], a[1, ::-1], a[0, 1:])
print(a[:, :2].shape, a[1:].shape, a[5:].shape)

# Views write through to the base array.
row = a[1]
row[0] = -7
a[0, 2] = 100
print(a.tolist())
a[:, 0] = 9
print(a.tolist())

# Iteration goes over the first axis.
for r in a:
    print(list(r))
print([v for v in a[0]])

# Buffer protocol (contiguous arrays) and conversions.
print(bytes(a[0]), bytes(ndarray([1, 2], dtype="h")))
print(a.flatten().tolist(), a.flatten().shape)
print(a.reshape((3, 2)).tolist(), a.reshape(-1).shape, a.reshape(1, 6).shape)
print(a.T.tolist(), a.transpose().shape, a.T.copy().tolist())
t = a.T.reshape(6)
print(t.tolist())

# Reductions: whole array and along an axis.
f = ndarray([[0.5, -1.0, 2.0], [3.0, 0.25, -4.0]])
print(f.max(), f.min(), f.argmax(), f.argmin(), f.sum(), f.mean())
print(f.max(axis=0).tolist(), f.max(axis=1).tolist(), f.argmax(axis=1).tolist())
print(f.min(axis=-1).tolist(), f.argmin(axis=0).tolist(), f.sum(axis=0).tolist())
print(a.sum(), a.sum(axis=1).tolist(), a.max(), type(a.max()).__name__)
print(ndarray([3, 7, 7, 1], dtype="B").argmax())

# Every element type.
for dt in "bBhHif":
    x = ndarray([1, 2], dtype=dt)
    print(dt, x.dtype, x.itemsize, x.tolist(), len(bytes(x)))

# Integer stores wrap like C casts; float stores convert.
w = ndarray([0, 0, 0], dtype="b")
w[0] = 200
w[1] = -129
w[2] = 3.9
print(w.tolist())

# Errors.
for expr in ("a[2]", "a[0, 3]", "a[0, 0, 0]", "a['x']", "a.reshape(4)", "ndarray([1], dtype='q')",
             "f.max(axis=2)", "ndarray([[1, 2], [3]])", "bytes(a.T)", "ndarray([]).max()"):
    try:
        eval(expr)
        print(expr, "no error")
    except Exception as e:
        print(expr, type(e).__name__, e)

# Large arrays print summarized.
big = ndarray(list(range(2000)), dtype="h")
print(big)
print(ndarray([1.5, 2.25]))
