# Detection on the unix port with the heap sized to model.ram + model.len +
# 128 KB (test_micropython.py runs this with -X heapsize and prepends MODEL,
# INPUT and CLI_ARENA): predict() with the YoloV8 decoder as callback works
# from the int8 output views, and each call allocates under 4 KB beyond the arena.
import gc
import ml
from ml.postprocessing import YoloV8

model = ml.Model(MODEL)
print("ram", model.ram, "cli", CLI_ARENA, "len", model.len, "output", model.output_shape[0], model.output_dtype[0])
decode = YoloV8()


def measure():
    gc.collect()
    start = gc.mem_free()
    result = model.predict([INPUT], callback=decode)
    return start - gc.mem_free(), result


measure()  # the first call may intern names
worst = 0
for _ in range(10):
    used, boxes = measure()
    worst = max(worst, used)
    boxes = None
used, boxes = measure()
print("per call", max(worst, used))
for label, found in enumerate(boxes):
    for rect, score in found:
        print("box", label, rect[0], rect[1], rect[2], rect[3], repr(score))
