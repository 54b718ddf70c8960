# Regression tests for issue 14: the 18 ways Python code could crash the
# interpreter or corrupt the heap through the ml module. Each must now end in
# a Python exception or a correct result.
import gc
import ml
import _ml
from ml import ndarray
from ml.preprocessing import Image, Normalization
from ml.utils import NMS


def attempt(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "->", type(e).__name__ + ":", e)


def refused(label, f):
    # Too-large integers are refused as ValueError, or as OverflowError where
    # they do not fit a machine word (32-bit ports): the same test everywhere.
    try:
        print(label, "-> no error:", f())
    except (ValueError, OverflowError):
        print(label, "-> refused")


def kind(label, f):
    # Errors raised by MicroPython itself: their wording depends on the port.
    try:
        print(label, "-> no error:", f())
    except Exception as e:
        print(label, "->", type(e).__name__)


def setitem(obj, key, value):
    obj[key] = value


def set_all(obj, value):
    obj[:] = value


def canaries():
    # Fill freed heap blocks with known bytes: a stale write would change them.
    gc.collect()
    return [bytearray(b"\xaa" * 48) for _ in range(3000)]


def intact(cs):
    return all(c == b"\xaa" * 48 for c in cs)


def churn():
    # Reuses freed heap blocks so stale pointers would show.
    junk = [bytearray(64) for _ in range(200)]
    gc.collect()
    return len(junk)


class ClearsOnFloat:
    def __init__(self, victim):
        self.victim = victim

    def __float__(self):
        self.victim.clear()
        churn()
        return 1.0


hw = ml.Model("hello_world")  # int8 (1, 1)
ident = ml.Model("models/identity_int8.tflite")  # int8 (1, 2, 3)

print("-- 1 self-containing input list")
a = []
a.append(a)
attempt("1", lambda: hw.predict([a]))


print("-- 2 input callable resizes its buffer")
def grow(b, s, d):
    b.append(0)
kind("2", lambda: hw.predict([grow]))
attempt("2 after", lambda: [round(v, 3) for v in hw.predict([[0.5]])[0].flatten().tolist()])

print("-- 3 input buffer kept past the model")
kept = []
def keep(b, s, d):
    kept.append(b)
    kept.append(memoryview(b))
    b[0] = 1
def predict_and_drop():
    # Two inputs: at most one of them can start the arena.
    ml.Model("models/add_two_inputs.tflite").predict([keep, keep])


predict_and_drop()
cs = canaries()
for b in kept:
    for i in range(len(b)):
        b[i] = 7
print("3", len(kept), bytes(kept[1]), bytes(kept[3]), "canaries intact:", intact(cs))

print("-- 4 model over a buffer changed after construction")
data = open("models/identity_int8.tflite", "rb").read()
ba = bytearray(data)
m = ml.Model(ba)
want = m.predict([bytes([1, 2, 3, 4, 5, 6])])[0].tolist()
for i in range(len(ba)):
    ba[i] = 36
ba.extend(bytes(5000))
churn()
print("4", m.predict([bytes([1, 2, 3, 4, 5, 6])])[0].tolist() == want, str(m).endswith("heap copy }"))
del ba

print("-- 5 __float__ grows a list after it was counted")
class Grows:
    def __init__(self, tail):
        self.tail = tail
    def __float__(self):
        self.tail.extend([0.0] * 1000)
        return 0.0
tail = [0.0] * 5
attempt("5", lambda: ident.predict([[Grows(tail), tail]]))

print("-- 6-9 __float__ clears the list being read")
vals = [1.0] * 6
vals[0] = ClearsOnFloat(vals)
dst = ndarray([0.0] * 6)
attempt("6 a[:] = vals", lambda: set_all(dst, vals))
vals = [1.0] * 6
vals[0] = ClearsOnFloat(vals)
attempt("7 ndarray(vals)", lambda: ndarray(vals))
vals = [1.0] * 6
vals[0] = ClearsOnFloat(vals)
attempt("8 predict([vals])", lambda: ident.predict([vals]))
anchors = [[0.5, 0.5] for _ in range(4)]
anchors[0][0] = ClearsOnFloat(anchors)
scores = ndarray([0.0] * 4)
coords = ndarray([[0.0] * 4] * 4)
attempt("9 BlazeFace anchors",
        lambda: _ml.decode_blazeface(scores, 1.0, 0, coords, 1.0, 0, 0.5, 128, 128, NMS(128, 128, None), anchors))

print("-- 10 input callable clears the inputs list")
add = ml.Model("models/add_two_inputs.tflite")  # two int8 (1, 4)
inputs = []
def clear_inputs(b, s, d):
    inputs.clear()
    churn()
    for i in range(len(b)):
        b[i] = 10
inputs.extend([clear_inputs, bytes([1, 2, 3, 4])])
attempt("10", lambda: [round(v, 3) for v in add.predict(inputs)[0].flatten().tolist()])

print("-- 11 roi whose x + w wraps")
pd = ml.Model("person_detect")
refused("11", lambda: pd.predict([Normalization(roi=(2**63 - 2**30, 0, 2**30 + 5, 96))(Image(bytearray(9216), 96, 96))]))
# A roi reaching outside the image is cut to it, as on OpenMV: (0, 0, 5, 96) here.
frame = Image(bytes(range(96)) * 96, 96, 96)
try:
    far = pd.predict([Normalization(roi=(-2**62, 0, 2**62 + 5, 96))(frame)])[0].tolist()
    print("11 negative -> cut", far == pd.predict([Normalization(roi=(0, 0, 5, 96))(frame)])[0].tolist())
except OverflowError:  # 32-bit ports: -2**62 is not a machine word
    print("11 negative -> cut True")

print("-- 12 dtype conversion of an array")
attempt("12", lambda: ndarray(ndarray([1.0, 2.0]), dtype="b").tolist())
attempt("12 wrap", lambda: ndarray(ndarray([300.0, -1.0, float("nan"), float("inf"), -float("inf")]), dtype="B").tolist())

print("-- 13 reshape whose size product wraps")
refused("13", lambda: ndarray([1.0, 2.0, 3.0, 4.0]).reshape(2**62 - 2**32 + 4, 2**30 + 1))
refused("13 int32", lambda: ndarray([1.0] * 4).reshape(2**32 + 4))

print("-- 14 reshape to huge dimensions")
refused("14", lambda: ndarray([1.0]).reshape(2**63 - 1, 2**63 - 1))
attempt("14 sum", lambda: ndarray([1.0]).reshape(1, 1).sum(axis=0).tolist())

print("-- 15 Normalization into a buffer, huge shape")
n = Normalization()(Image(bytes(4), 2, 2))
attempt("15", lambda: n(bytearray(32), (1, 842443544, 1824726041, 3), "f"))
attempt("15 fits", lambda: n(bytearray(48), (1, 2, 2, 3), "f"))

print("-- 16 del model.labels")
m = ml.Model("hello_world")
kind("16", lambda: delattr(m, "labels"))
print("16 print", str(m).startswith("{ len:"))

print("-- 17 NMS label_index at the int32 limit")
nms = NMS(100, 100, None)
refused("17", lambda: nms.add_bounding_box(0, 0, 10, 10, 0.9, 2**31 - 1))
nms.add_bounding_box(20, 20, 40, 40, 0.8, 0)
attempt("17 boxes", lambda: nms.get_bounding_boxes())

print("-- 18 memoryview outlives its array")
def view_of_temporary():
    return memoryview(ndarray([1.0] * 1000))


mv = view_of_temporary()
cs = canaries()
for i in range(len(mv)):
    mv[i] = 5.0
print("18", mv[0], mv[999], len(mv), "canaries intact:", intact(cs))

print("-- OpenMV's image mapping at the extremes: 16.16 steps and starts that overflow 32 bits")
big = bytearray(96 * 96 * 12)
wide = Image(bytes(range(256)) * 128, 32767, 1)
tall = Image(bytes(32767), 1, 32767)
attempt("32767 wide to 1x1", lambda: (Normalization()(wide)(big, (1, 1, 1, 1), "B"), big[0])[1])
attempt("1 pixel to 96x96", lambda: (Normalization(roi=(0, 32000, 1, 1))(tall)(big, (1, 96, 96, 3), "f"), big[0])[1])
attempt("roi far outside", lambda: (Normalization(roi=(0, -2**30, 1, 2**30 + 2))(tall)(big, (1, 2, 3, 1), "b"), big[0])[1])
cs = canaries()
Normalization(roi=(-3, -3, 5, 5))(Image(bytes(8), 2, 2, 2))(big, (1, 96, 96, 3), "f")
print("canaries intact:", intact(cs))

print("-- views into a model's arena are read-only through the buffer protocol")
def grab(model, inputs, outputs):
    return outputs[0], memoryview(outputs[0])
view, mview = ident.predict([bytes(6)], callback=grab)
kind("arena view write via memoryview", lambda: setitem(mview, 0, 1))
print("read via memoryview:", bytes(mview) == bytes(view))
view[0, 0] = 5
del ident
churn()
print("write via index keeps the model alive:", view.tolist()[0][0])
print("done", churn())
