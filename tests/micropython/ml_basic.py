# ml.Model from a file, a buffer and a built-in name: attributes, labels,
# printing, predict() results, and the tf alias.
import gc
import ml
import tf

print(tf.Model is ml.Model, tf.preprocessing.Normalization is ml.preprocessing.Normalization)
print(sorted(ml.builtin_models()))

m = ml.Model("models/identity_int8.tflite")
print(m.len, m.ram > 0, m.labels, m.postprocess)
print(m.input_shape, m.input_dtype, m.input_scale, m.input_zero_point)
print(m.output_shape, m.output_dtype, m.output_scale, m.output_zero_point)
# The arena is a little smaller on 32-bit targets (pointer-sized records).
print(str(m).replace("ram: %d," % m.ram, "ram: <ram>,"))

# Raw bytes of the tensor's size are used as is; outputs come back dequantized.
out = m.predict([bytes([3, 4, 5, 1, 0, 255])])
print(type(out).__name__, len(out), out[0].shape, out[0].dtype, out[0].tolist())

# The same model from a buffer (used in place) and from a memoryview.
data = open("models/identity_int8.tflite", "rb").read()
for source in (data, bytearray(data), memoryview(data)):
    mb = ml.Model(source)
    print(type(source).__name__, mb.len, mb.predict([b"\x05\x03\x03\x03\x03\x07"])[0].tolist())

# Labels come from the sibling .txt, also when directories contain dots.
m = ml.Model("models/labels.d/with.dots.tflite")
print(m.labels)
m.labels = ["a", "b"]
print(m.labels)
print(ml.Model("models/labels.d/nolabels").labels)

# Built-in models run from the firmware image, with their labels.
gc.collect()
free = gc.mem_free()
pd = ml.Model("person_detect")
gc.collect()
print(pd.labels, pd.len, pd.input_shape, pd.output_shape)
print("in place:", free - gc.mem_free() < pd.ram + 8192)
print(str(pd).endswith("model: built-in }"))

# postprocess given at construction is used by predict and exposed.
def take_first(model, inputs, outputs):
    return (model is mp, len(inputs), outputs[0].dtype, outputs[0].tolist())

mp = ml.Model("models/identity_int8.tflite", postprocess=take_first)
print(mp.postprocess is take_first)
print(mp.predict([bytes(6)]))
print(mp.predict([bytes(6)], callback=lambda model, i, o: "callback wins"))
print(ml.Model("models/identity_int8.tflite", load_to_fb=True).len)
