# predict(): every kind of input entry, quantization (round to nearest, ties
# away from zero, clamped), several inputs, callbacks and output views.
import array
import ml
from ml import ndarray

m = ml.Model("models/identity_int8.tflite")  # int8 (1, 2, 3), scale 0.5, zero point 3


def rounded(x):
    # float32 results print the same on single- and double-precision ports
    return [rounded(v) for v in x] if isinstance(x, list) else round(x, 5)


def show(result):
    print(rounded(result[0].tolist()))


# Floats are quantized: q = round(v / 0.5) + 3, clamped to [-128, 127].
floats = [0.0, 0.26, -0.25, 0.75, 1000.0, -1000.0]
show(m.predict([floats]))
show(m.predict([tuple(floats)]))
show(m.predict([[[0.0, 0.26, -0.25], [0.75, 1000.0, -1000.0]]]))  # nested, as the shape
show(m.predict([array.array("f", floats)]))
show(m.predict([array.array("d", floats)]))
show(m.predict([ndarray([floats]).reshape((1, 2, 3))]))
show(m.predict([ndarray([floats]).reshape((1, 2, 3)).T.T]))

# Arrays hold real numbers whatever their dtype (as on OpenMV): int8 values
# 3..8 are quantized to 2 v + 3 and come back as 3..8. Raw bytes go in as a buffer.
show(m.predict([ndarray([[[3, 4, 5], [6, 7, 8]]], dtype="b")]))
show(m.predict([ndarray([[[3, 4], [5, 6], [7, 8]]], dtype="b").transpose().reshape((1, 2, 3))]))
show(m.predict([array.array("b", [3, 5, 7, 9, 11, 13])]))
# int16 into int8: 200 -> round(400) + 3 clamps to 127, which is 62.0.
show(m.predict([ndarray([[[200, 0, 1], [2, 3, 4]]], dtype="h")]))


# A callable fills the tensor: (uint8 ml.ndarray of its bytes, shape, dtype code), copied in on return.
def fill(buf, shape, dtype):
    print(type(buf).__name__, len(buf), shape, chr(dtype))
    for i in range(len(buf)):
        buf[i] = 3 + 2 * i


show(m.predict([fill]))

# uint8 tensors.
u = ml.Model("models/identity_uint8.tflite")  # uint8 (1, 4), scale 0.25, zero point 10
show(u.predict([[0.0, -10.0, 0.125, 100.0]]))
show(u.predict([bytes([0, 10, 20, 255])]))

# Two inputs, one entry each.
add = ml.Model("models/add_two_inputs.tflite")  # int8, scale 0.1
show(add.predict([[0.1, 0.2, 0.3, -0.4], [1.0, 1.0, -1.0, 0.0]]))
show(add.predict([bytes([1, 2, 3, 4]), ndarray([[0.5, 0.5, 0.5, 0.5]])]))


# With a callback the outputs are int8 views into the arena, not copies.
def views(model, inputs, outputs):
    o = outputs[0]
    print(o.dtype, o.shape, o.tolist(), bytes(o))
    return o


kept = m.predict([bytes([1, 2, 3, 4, 5, 6])], callback=views)
m.predict([bytes([9, 9, 9, 9, 9, 9])])
print("a view sees the next predict:", kept.tolist())

# Float models exchange floats.
f = ml.Model("models/image_f32_2x3x1.tflite")
print(f.input_dtype, f.input_scale, f.input_zero_point)
show(f.predict([[0.1, -2.5, 3.0, 1e6, 0.0, -0.0]]))
show(f.predict([array.array("f", [1, 2, 3, 4, 5, 6])]))
show(f.predict([ndarray([1, 2, 3, 4, 5, 6], dtype="f").reshape((1, 2, 3, 1))]))

# reset() is available on every model (state, if any, is zeroed).
print(m.reset())
