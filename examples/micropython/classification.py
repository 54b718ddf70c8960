# Person detection (MobileNet v1 0.25, 96x96 grayscale) with the ml module.
#
#   build/micropython/unix/micropython examples/micropython/classification.py [image.pgm]
#   scripts/run_micropython_qemu.py --cpu m4f examples/micropython/classification.py
#
# With a binary PGM (P5, 8-bit grayscale, any size) the picture is classified;
# without one, a synthetic gradient is. The model is the built-in
# person_detect (run in place from the firmware image, labels included).
import sys
import ml
from ml.preprocessing import Image, GRAYSCALE


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos] in b" \t\r\n":
            pos += 1
        if data[pos] == ord("#"):
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while data[end] not in b" \t\r\n":
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P5" or int(fields[3]) != 255:
        raise ValueError("expected an 8-bit binary PGM (P5)")
    width, height = int(fields[1]), int(fields[2])
    return Image(data[pos + 1:pos + 1 + width * height], width, height, GRAYSCALE)


def gradient(size=96):
    return Image(bytes((x + y) * 255 // (2 * size - 2) for y in range(size) for x in range(size)), size, size)


model = ml.Model("person_detect")
print(model)
image = read_pgm(sys.argv[1]) if len(sys.argv) > 1 else gradient()
# As on OpenMV, the picture is resized with imlib's bilinear scaling and an
# int8 input gets pixel ^ 0x80 (pixel - 128): this model's [-1, 1] quantized.
# Normalization(roi=...)(image) would classify a part of the picture.
scores = model.predict([image])[0].flatten()
for label, score in sorted(zip(model.labels, scores.tolist()), key=lambda x: -x[1]):
    print("%-10s %.3f" % (label, score))
