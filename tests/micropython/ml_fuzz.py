# Hostile-argument fuzzer for the ml module. SEED and CALLS are prepended by
# test_micropython.py. Calls every public entry point of ml, ml.preprocessing,
# ml.utils, ml.postprocessing, ml.ndarray and ulab.numpy with random types, sizes and
# nesting, NaN/inf, huge and negative integers, callables and
# __float__/__index__ hooks that mutate what is being read, and keeps views
# and memoryviews past the objects they came from. Any exception is fine; a
# crash or hang fails the test. At the end, objects made before the run must
# be unchanged and the heap must still work.
import gc
import ml
import _ml
from ml import ndarray
from ulab import numpy as np
from ml.preprocessing import Image, Normalization
from ml.utils import NMS
from ml import utils, postprocessing
import array

state = [SEED * 2654435761 % 4294967296 or 1]


def rnd(n):
    # xorshift32: the same sequence on every port.
    x = state[0]
    x ^= (x << 13) & 0xFFFFFFFF
    x ^= x >> 17
    x ^= (x << 5) & 0xFFFFFFFF
    state[0] = x
    return x % n if n > 0 else 0


def pick(seq):
    return seq[rnd(len(seq))]


INTS = (0, 1, -1, 2, 3, 4, 6, 7, 96, 255, 256, -128, 2**15, 2**31 - 1, 2**31, -2**31, 2**32 + 4,
        2**62 - 2**32 + 4, 2**63 - 1, -2**63, 2**64, 2**100, -2**100, 65535, 65536, 32767, 32768)
FLOATS = (0.0, -0.0, 0.5, 1.0, -1.0, 1e30, -1e30, 1e-30, 1e300, float("nan"), float("inf"),
          -float("inf"), 255.0, 0.1)
DTYPES = ("b", "B", "h", "H", "i", "f", "q", "", "ff", "d", 98, 102, None)
victims = [[1.0, 2.0, 3.0]]
pool = []  # results kept past the objects they came from


class Hook:
    """A number whose conversion runs code that changes a list being read."""

    def __init__(self, victim, value):
        self.victim = victim
        self.value = value

    def _mutate(self):
        r = rnd(6)
        v = self.victim
        if r == 0:
            v.clear()
        elif r == 1:
            v.extend([0.5] * rnd(50))
        elif r == 2:
            v.append(self)
        elif r == 3 and v:
            v.pop()
        elif r == 4:
            gc.collect()
        elif r == 5:
            raise ValueError("hook")

    def __float__(self):
        self._mutate()
        return self.value if isinstance(self.value, float) else 1.0

    def __index__(self):
        self._mutate()
        return self.value if isinstance(self.value, int) else 1

    def __int__(self):
        return self.__index__()


def number():
    r = rnd(10)
    if r < 4:
        return pick(INTS)
    if r < 8:
        return pick(FLOATS)
    if r < 9:
        return rnd(200) - 100
    return Hook(pick(victims), pick(INTS + FLOATS))


def seq(depth, n=None):
    n = rnd(8) if n is None else n
    out = [value(depth + 1) if rnd(4) == 0 else number() for _ in range(n)]
    if rnd(5) == 0:
        out.append(Hook(out, pick(FLOATS)))
    if rnd(10) == 0:
        out.append(out)
    victims.append(out)
    if len(victims) > 20:
        victims.pop(0)
    return tuple(out) if rnd(3) == 0 else out


def buffer():
    n = pick((0, 1, 4, 6, 8, 12, 16, 24, 32, 48, 96, 9216, rnd(64)))
    r = rnd(6)
    if r == 0:
        return bytes(n)
    if r == 1:
        return bytearray(n)
    if r == 2:
        return memoryview(bytearray(n))[rnd(4):]
    if r == 3:
        return array.array("f", [pick(FLOATS) for _ in range(n % 13)])
    if r == 4:
        return array.array("b", bytes(n % 13))
    return array.array("d", [0.5] * (n % 7))


def shape():
    return tuple(pick((0, 1, 2, 3, 4, 96, -1, 2**31, 2**32 + 1)) if rnd(8) == 0 else 1 + rnd(4)
                 for _ in range(rnd(4)))


def array_():
    r = rnd(5)
    if r == 0 and pool:
        a = pick(pool)
        if isinstance(a, ndarray):
            return a
    try:
        dims = tuple(1 + rnd(4) for _ in range(1 + rnd(3)))
        count = 1
        for d in dims:
            count *= d
        a = ndarray([pick(FLOATS) if rnd(3) == 0 else rnd(300) - 150 for _ in range(count)],
                    dtype=pick(("b", "B", "h", "H", "i", "f", "?")))
        a = a.reshape(dims)
        if rnd(3) == 0:
            a = a.T
        if rnd(3) == 0:
            a = a[rnd(dims[0]):]
        return a
    except Exception:
        return ndarray([1.0, 2.0])


class FakeImage:
    def __init__(self):
        self.w = pick((0, -5, 1, 2, 4, 96, 2**31, 2**32 + 2, 40000)) if rnd(4) == 0 else 1 + rnd(8)
        self.h = pick((0, -5, 1, 2, 4, 96, 2**31)) if rnd(4) == 0 else 1 + rnd(8)
        self.f = pick((1, 2, 3, 0, 4, "RGB565", "GRAYSCALE", "x", 259, None))
        self.buf = bytearray(pick((0, 1, 16, 64, 200, 9216, 30000)))

    def width(self):
        if rnd(10) == 0:
            self.buf.extend(bytes(100))
        return self.w

    def height(self):
        if rnd(10) == 0:
            self.buf[:] = b""
        return self.h

    def format(self):
        return self.f

    def bytearray(self):
        return self.buf


def image():
    if rnd(2):
        return FakeImage()
    w, h = 1 + rnd(8), 1 + rnd(8)
    f = pick((1, 2, 3))
    return Image(bytearray(w * h * f + rnd(3)), w, h, f)


def normalization():
    kw = {}
    if rnd(2):
        kw["scale"] = seq(0, 2) if rnd(4) else seq(0)
    if rnd(2):
        kw["mean"] = number() if rnd(2) else seq(0, pick((1, 3)))
    if rnd(2):
        kw["stdev"] = number() if rnd(2) else seq(0, pick((1, 3)))
    if rnd(2):
        kw["roi"] = seq(0, 4) if rnd(4) else None
    elif rnd(2):
        # Small rois, often partly outside the image (cut to it) or outside it.
        kw["roi"] = tuple(rnd(24) - 12 for _ in range(4))
    if rnd(2):
        kw["quantize"] = pick((True, False, 0, 1, None))
    return Normalization(**kw)


def callable_():
    r = rnd(7)
    if r == 0:
        return lambda *a: None
    if r == 1:
        def keep(b, s, d):
            pool.append(b)
            pool.append(memoryview(b))
            for i in range(min(len(b), 8)):
                b[i] = rnd(256)
        return keep
    if r == 2:
        def resize(b, s, d):
            b.append(0)
        return resize
    if r == 3:
        def raises(*a):
            raise KeyError("cb")
        return raises
    if r == 4:
        def collect(*a):
            for m in list(models):
                if rnd(2):
                    models.remove(m)
            gc.collect()
            return a[-1] if a else None
        return collect
    if r == 5:
        def keep_outputs(model, inputs, outputs):
            pool.extend(outputs)
            for o in outputs:
                try:
                    pool.append(memoryview(o))
                except Exception:
                    pass
            if hasattr(inputs, "clear"):
                inputs.clear()
            return outputs
        return keep_outputs
    return pick((utils.sigmoid, len, print_quiet))


def print_quiet(*a):
    return repr(a)[:10]


def value(depth=0):
    if depth > 3:
        return number()
    r = rnd(14)
    if r < 3:
        return number()
    if r < 5:
        return seq(depth)
    if r == 5:
        return buffer()
    if r == 6:
        return array_()
    if r == 7:
        return image()
    if r == 8:
        return callable_()
    if r == 9:
        return pick(("b", "f", "", "person_detect", "hello_world", "models/identity_int8.tflite",
                     "models", "/nonexistent", "models/labels.d"))
    if r == 10:
        return pick(pool) if pool else None
    if r == 11:
        return None
    if r == 12:
        return shape()
    return pick((True, False, object(), ml, Hook(pick(victims), 2)))


MODEL_SOURCES = ("hello_world", "models/identity_int8.tflite", "models/add_two_inputs.tflite",
                 "models/accumulator.tflite", "models/image_i8_4x4x3.tflite",
                 "models/image_f32_2x2x3.tflite", "models/identity_uint8.tflite",
                 "person_detect", "models/huge_arena.tflite")
models = []
data = open("models/identity_int8.tflite", "rb").read()


def arena_limit():
    # Hostile values, or byte counts up to about person_detect's plain arena
    # (below it, its plan that recomputes per-channel scales).
    return value() if rnd(2) else rnd(70000) + 1


def model():
    if models and rnd(4):
        return pick(models)
    r = rnd(8)
    if r == 0:
        m = ml.Model(bytearray(data))
    elif r == 1:
        m = ml.Model(data)
    elif r == 2:
        m = ml.Model(pick(MODEL_SOURCES), arena_limit=arena_limit())
    else:
        m = ml.Model(pick(MODEL_SOURCES))
    models.append(m)
    if len(models) > 6:
        models.pop(0)
    return m


def model_input(m, i):
    r = rnd(8)
    shape_ = m.input_shape[i]
    count = 1
    for d in shape_:
        count *= d
    if r == 0:
        return bytes(count * pick((1, 1, 2, 4)))
    if r == 1:
        return [pick(FLOATS) for _ in range(count)]
    if r == 2:
        inner = [0.5] * count
        inner[rnd(count)] = Hook(inner, pick(FLOATS))
        return inner
    if r == 3:
        return callable_()
    if r == 4:
        return image() if rnd(2) else normalization()(image())
    return value()


def t_model():
    m = model()
    pool.append(m)


def t_model_any():
    pool.append(ml.Model(value()))


def t_predict():
    m = model()
    n = len(m.input_shape) + (rnd(5) == 0)
    inputs = [model_input(m, min(i, len(m.input_shape) - 1)) for i in range(n)]
    if rnd(2):
        inputs = tuple(inputs)
    kw = {"callback": callable_()} if rnd(3) == 0 else {}
    out = m.predict(inputs, **kw)
    if rnd(3) == 0:
        pool.append(out)


def t_model_attrs():
    m = model()
    r = rnd(5)
    if r == 0:
        m.labels = value()
    elif r == 1:
        del m.labels
    elif r == 2:
        m.reset()
    elif r == 3:
        repr(m)
    else:
        getattr(m, pick(("len", "ram", "input_shape", "output_dtype", "labels", "postprocess", "x")))


def t_ndarray_new():
    kw = {}
    if rnd(2):
        kw["dtype"] = pick(DTYPES)
    a = ndarray(value() if rnd(2) else seq(0), **kw)
    pool.append(a)


def t_ndarray_ops():
    a = array_()
    r = rnd(16)
    if r == 0:
        pool.append(a.reshape(*[number() if rnd(3) == 0 else rnd(5) - 1 for _ in range(rnd(4))]))
    elif r == 1:
        pool.append(a.reshape(shape()))
    elif r == 2:
        step = pick((1, 2, -1, number()))
        pool.append(a[number()] if rnd(2) else a[number():number():step])
    elif r == 3:
        idx = tuple(pick((rnd(3), -1, number())) for _ in range(rnd(4)))
        pool.append(a[idx] if rnd(2) else a[::-1, idx[0] if idx else 0])
    elif r == 4:
        if rnd(2):
            a[pick((0, (0, 0), number()))] = value()
        else:
            a[rnd(3)::pick((1, 2, -1))] = value()
    elif r == 5:
        a[:] = seq(0, a.size if a.ndim else 1)
    elif r == 6:
        pool.append(a.tolist())
    elif r == 7:
        pool.append(a.flatten())
    elif r == 8:
        pool.append(pick((a.T, a.transpose(), a.copy())))
    elif r == 9:
        getattr(a, pick(("argmax", "argmin", "max", "min", "sum", "mean")))(
            **({"axis": number()} if rnd(2) else {}))
    elif r == 10:
        pool.append(memoryview(a))
    elif r == 11:
        bytes(a)
    elif r == 12:
        repr(a)
    elif r == 13:
        for row in a:
            pool.append(row)
            break
    elif r == 14:
        len(a)
    else:
        pool.append((a.shape, a.dtype, a.size, a.itemsize, a.ndim))


def operand():
    return pick((array_, array_, array_, number, value))()


def index_array(a):
    r = rnd(4)
    if r == 0:
        return a > number()
    if r == 1:
        return np.array([rnd(9) - 4 for _ in range(rnd(5))], dtype=pick(("h", "B", "i", "f")))
    if r == 2:
        return array_()
    return np.array([rnd(2) == 0 for _ in range(1 + rnd(4))])


def t_numpy():
    a = array_()
    r = rnd(14)
    if r == 0:
        pool.append(pick(BINARY)(a, operand()))
    elif r == 1:
        pool.append(pick(BINARY)(operand(), a))
    elif r == 2:
        b = operand()
        a += b
        pool.append(a)
    elif r == 3:
        pool.append(a[index_array(a)])
    elif r == 4:
        a[index_array(a)] = operand()
    elif r == 5:
        pool.append(getattr(np, pick(("exp", "log", "sqrt", "sin", "tanh", "floor", "arctan")))(
            pick((a, operand()))))
    elif r == 6:
        pool.append(pick((np.maximum, np.minimum, np.clip, np.where))(a, operand(), operand())
                    if rnd(2) else np.where(a, operand(), operand()))
    elif r == 7:
        pool.append(np.nonzero(pick((a, operand()))))
    elif r == 8:
        pool.append(pick((np.zeros, np.ones, np.empty))(pick((shape(), number())),
                    **({"dtype": pick(DTYPES)} if rnd(2) else {})))
    elif r == 9:
        pool.append(np.full(pick((shape(), number())), value(), pick(DTYPES)))
    elif r == 10:
        pool.append(np.arange(number(), number(), pick((1, -1, number())), pick(DTYPES))
                    if rnd(2) else np.linspace(number(), number(), number()))
    elif r == 11:
        pool.append(np.frombuffer(buffer(), pick(DTYPES), pick((-1, number())), pick((0, number()))))
    elif r == 12:
        pool.append(pick((np.concatenate, np.roll, np.take, np.sort, np.argsort, np.dot))(
            *pick(([[a, operand()]], [a, number()], [a, index_array(a)], [a], [a, operand()]))))
    else:
        pool.append(pick((abs, lambda x: -x, lambda x: ~x, lambda x: +x))(a))


def t_memoryview_write():
    for o in pool[-10:]:
        if isinstance(o, memoryview) and len(o):
            try:
                o[rnd(len(o))] = 1
            except Exception:
                pass


def t_normalization():
    n = normalization()
    r = rnd(3)
    if r == 0:
        pool.append(n(image()))
    elif r == 1:
        n = n(image())
        n(buffer(), shape(), pick(DTYPES))
    else:
        n(value(), value(), value())


def t_nms():
    nms = NMS(pick((100, 84.5, number())), pick((100, number())), pick((None, seq(0, 4), seq(0))))
    for _ in range(rnd(6)):
        try:
            nms.add_bounding_box(number(), number(), number(), number(), pick((0.5, 0.9, number())),
                                 pick((0, 1, 2, number())),
                                 **({"keypoints": value()} if rnd(3) == 0 else {}))
        except Exception:
            pass
    pool.append(nms.get_bounding_boxes(**({"threshold": number()} if rnd(2) else {}),
                                       **({"sigma": number()} if rnd(2) else {})))


def t_decode():
    sink = NMS(84, 84, None) if rnd(2) else callable_()

    def number():  # mostly plausible quantization and thresholds, sometimes hostile
        return pick((0, 0.5, 0.25, 1, globals()["number"]()))

    name = pick(("decode_yolov8", "decode_yolov5", "decode_yolov2", "decode_fomo", "decode_blazeface"))
    f = getattr(_ml, name)
    out = array_() if rnd(2) else ndarray([[0.9] * 6] * 6, dtype=pick(("b", "f", "B")))
    if name == "decode_blazeface":
        f(out, number(), number(), array_(), number(), number(), number(), 84, 84, sink,
          seq(0) if rnd(2) else array_())
    elif name == "decode_yolov2":
        f(out, number(), number(), number(), 84, 84, sink, seq(0))
    elif name == "decode_fomo":
        f(out, number(), number(), number(), 84, 84, sink, number(), number())
    else:
        f(out, number(), number(), number(), number(), number(), sink)


def t_utils():
    f = pick((utils.sigmoid, utils.logit, utils.threshold, utils.quantize, utils.dequantize))
    f(*[value() for _ in range(rnd(4))])


def t_postprocess():
    cls = pick((postprocessing.YoloV8, postprocessing.YoloV5, postprocessing.YoloV2,
                postprocessing.Fomo, postprocessing.BlazeFace, postprocessing.YoloLC))
    p = cls(**({"threshold": number()} if rnd(2) else {}))
    m = model()
    p(m, [image() if rnd(2) else value()], [array_() for _ in range(rnd(5))])


def t_big():
    # Large allocations: MemoryError on the small heap, half-built objects freed.
    r = rnd(4)
    n = pick((1000, 20000, 70000, 300000))
    if r == 0:
        pool.append(ndarray([0.5] * (n // 10)).reshape(-1, 1))
    elif r == 1:
        pool.append(ml.Model(pick(("person_detect", "models/huge_arena.tflite", "tiny_yolov8"))))
    elif r == 2:
        pool.append(ndarray([[1] * 10] * (n // 100), dtype="i").sum(axis=1))
    else:
        pool.append(Normalization()(Image(bytearray(n), 100, n // 100)))


def t_release():
    r = rnd(4)
    if r == 0:
        models.clear()
    elif r == 1:
        del pool[: rnd(len(pool) + 1)]
    gc.collect()


TARGETS = (t_model, t_model_any, t_predict, t_predict, t_predict, t_model_attrs, t_ndarray_new,
           t_ndarray_ops, t_ndarray_ops, t_ndarray_ops, t_memoryview_write, t_normalization,
           t_normalization, t_nms, t_decode, t_decode, t_utils, t_postprocess, t_big, t_release,
           t_numpy, t_numpy, t_numpy)
BINARY = (lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y,
          lambda x, y: x ** y, lambda x, y: x & y, lambda x, y: x | y, lambda x, y: x ^ y,
          lambda x, y: x < y, lambda x, y: x >= y, lambda x, y: x == y, lambda x, y: x != y)

# Known objects: must be unchanged at the end.
known_list = [1.5, -2.0, 3.25]
known_bytes = b"\x01\x02\x03\x04\x05\x06"
known_array = ndarray([[1, 2, 3], [4, 5, 6]], dtype="h")
reference = ml.Model("models/identity_int8.tflite")
known_out = reference.predict([known_bytes])[0].tolist()

calls = errors = 0
for i in range(CALLS):
    target = TARGETS[rnd(len(TARGETS))]
    calls += 1
    try:
        target()
    except MemoryError:
        errors += 1
        pool.clear()
        models.clear()
    except Exception:
        errors += 1
    if len(pool) > 200:
        del pool[:100]
    if len(victims) > 20:
        del victims[:10]

pool.clear()
models.clear()
victims.clear()
gc.collect()
intact = (known_list == [1.5, -2.0, 3.25] and known_bytes == b"\x01\x02\x03\x04\x05\x06"
          and known_array.tolist() == [[1, 2, 3], [4, 5, 6]]
          and reference.predict([known_bytes])[0].tolist() == known_out
          and ml.Model("models/identity_int8.tflite").predict([known_bytes])[0].tolist() == known_out)
junk = [bytearray(100) for _ in range(100)]
print("fuzz seed", SEED, "calls", calls, "errors", errors, "intact", intact)
