# ml.preprocessing.Normalization on grayscale, RGB565 and RGB888 images:
# OpenMV's mapping (the default; expected values worked out by hand from
# imlib's arithmetic, see openmv_imlib_ref.py) and the quantized mapping
# (quantize=True): roi crop, resize, colour conversion, normalization.
# Identity models (RESHAPE) return the input tensor as their output.
import ml
from ml.preprocessing import Normalization, Image, GRAYSCALE, RGB565, RGB888

rgb = ml.Model("models/image_f32_2x2x3.tflite")    # float (1, 2, 2, 3)
gray = ml.Model("models/image_f32_2x3x1.tflite")   # float (1, 2, 3, 1)
q8 = ml.Model("models/image_i8_4x4x3.tflite")      # int8 (1, 4, 4, 3), scale 1/255, zero point -128


def show(model, x):
    print(" ".join("%.4f" % v for v in model.predict([x])[0].flatten()))


rgb_pixels = bytes([0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 255, 0])
img = Image(rgb_pixels, 2, 2, RGB888)
print(img, img.width(), img.height(), img.format())

print("-- OpenMV: RGB888 via RGB565, 5/6-bit fields widened (51 -> 48, 102 -> 99, 153 -> 156)")
show(rgb, img)
show(rgb, Normalization()(img))
print("-- OpenMV: int8 ignores the tensor's scale: pixel ^ 0x80 (gray 200 -> RGB565 -> 206 203 206)")
out = q8.predict([Image(bytes([200] * 16), 4, 4, GRAYSCALE)], callback=lambda m, i, o: o[0].tolist()[0])
print(out[:6])
print("-- OpenMV: fixed-point bilinear 4x4 -> 2x3 (pixel = 16 row + 4 column)")
ramp = Image(bytes(16 * r + 4 * c for r in range(4) for c in range(4)), 4, 4, GRAYSCALE)
show(gray, Normalization(scale=(0, 255))(ramp))
print("-- OpenMV: a roi partly outside is cut to the image (2, 2, 2, 2); roi kept as given")
n = Normalization(scale=(0, 255), roi=(2, 2, 5, 5))(ramp)
show(gray, n)
print(n.roi)
print("-- quantized: RGB888, same size: pixel / 255")
show(rgb, Normalization(quantize=True)(img))
print("-- quantized: scale (-1, 1), per-channel mean and stdev")
show(rgb, Normalization(scale=(-1, 1), mean=(0.0, 0.5, 1.0), stdev=(1.0, 2.0, 4.0), quantize=True)(img))
print("-- quantized: scalar mean and stdev apply to every channel")
show(rgb, Normalization(scale=(0, 255), mean=127.5, stdev=127.5, quantize=True)(img))

print("-- quantized: RGB888 into a grayscale tensor: luma")
show(gray, Normalization(quantize=True)(Image(bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 10, 20, 30]), 3, 2, RGB888)))

print("-- quantized: grayscale into an RGB tensor: replicated")
show(rgb, Normalization(quantize=True)(Image(bytes([0, 85, 170, 255]), 2, 2, GRAYSCALE)))

print("-- quantized: RGB565 (little-endian words, red in the top bits)")
words = (0xF800, 0x07E0, 0x001F, 0x8410)
show(rgb, Normalization(quantize=True)(Image(bytes(b for w in words for b in (w & 0xFF, w >> 8)), 2, 2, RGB565)))
print("-- quantized: format given by name")
show(rgb, Normalization(quantize=True)(Image(bytes(b for w in words for b in (w & 0xFF, w >> 8)), 2, 2, "RGB565")))

print("-- quantized: bilinear resize 4x4 -> 2x3 (pixel = 16 row + 4 column)")
ramp = Image(bytes(16 * r + 4 * c for r in range(4) for c in range(4)), 4, 4, GRAYSCALE)
show(gray, Normalization(scale=(0, 255), quantize=True)(ramp))
print("-- quantized: roi (1, 1, 2, 3) -> 2x3")
show(gray, Normalization(scale=(0, 255), roi=(1, 1, 2, 3), quantize=True)(ramp))

print("-- quantized: int8 with scale 1/255 and zero point -128 is pixel - 128")
pixels = bytes(range(0, 256, 5))[:48]
out = q8.predict([Normalization(quantize=True)(Image(pixels, 4, 4, RGB888))], callback=lambda m, i, o: o[0].tolist()[0])
print(out == [p - 128 for p in pixels], out[:6])

print("-- Normalization binds a copy with the roi")
n = Normalization(mean=(1, 2, 3), roi=(0, 0, 2, 1))
b = n(img)
print(n, n.image)
print(b, b.image is img, b.scale, b.mean, b.stdev)
print(Normalization()(img).roi)

print("-- the callback gets the Normalization made for an image")
print(rgb.predict([img], callback=lambda m, inputs, o: (type(inputs[0]).__name__, inputs[0].roi)))

print("-- called like OpenMV's (buffer, shape, dtype): int8 is pixel ^ 0x80, via RGB565")
buf = bytearray(12)
Normalization()(img)(buf, (1, 2, 2, 3), ord("b"))
print([v - 256 if v > 127 else v for v in buf])

print("-- errors")


def attempt(label, f):
    try:
        f()
        print(label, "-> no error")
    except Exception as e:
        print(label, "->", type(e).__name__ + ":", e)


attempt("roi outside", lambda: rgb.predict([Normalization(roi=(2, 0, 2, 2))(img)]))
attempt("roi negative size", lambda: rgb.predict([Normalization(roi=(0, 0, -1, 2))(img)]))
attempt("roi shape", lambda: Normalization(roi=(1, 2)))
attempt("stdev 0", lambda: Normalization(stdev=(1, 0, 1)))
attempt("scale shape", lambda: Normalization(scale=(0, 1, 2)))
attempt("no image", lambda: rgb.predict([Normalization()]))
attempt("not an image", lambda: Normalization()(b"abc"))
class ShortImage:
    # Duck-typed: its pixels are fewer than width x height x bytes per pixel.
    def width(self):
        return 2

    def height(self):
        return 2

    def format(self):
        return RGB565

    def bytearray(self):
        return bytearray(7)


attempt("short buffer", lambda: rgb.predict([ShortImage()]))
attempt("short Image", lambda: Image(bytes(10), 2, 2, RGB888))
attempt("bad format", lambda: Image(bytes(4), 2, 2, 7))
attempt("bad format name", lambda: Image(bytes(12), 2, 2, "YUV"))
