# CYCLES consecutive Model() / predict() / del cycles (CYCLES is prepended by
# test_micropython.py): the heap must end where it started.
import gc
import ml

data = open("models/identity_int8.tflite", "rb").read()
sources = ("person_detect", "models/identity_int8.tflite", data, "models/add_two_inputs.tflite")
inputs = {"person_detect": [bytes(96 * 96)], "models/add_two_inputs.tflite": [bytes(4), [0.5] * 4]}


def fill(buf, shape, dtype):
    buf[0] = 1


def outputs(model, inputs, outputs):
    return outputs


def cycle(i):
    source = sources[i % len(sources)]
    m = ml.Model(source)
    if isinstance(source, str):
        out = m.predict(inputs.get(source, [bytes(6)]))
    else:
        # An input callable (its staging array) and a callback (views of the arena).
        out = m.predict([fill], callback=outputs)
    del m
    return len(out)


def run(n):
    total = 0
    for i in range(n):
        total += cycle(i)
    return total


def measure(n):
    # Inside a function: new module-level names would grow the globals dict.
    gc.collect()
    start = gc.mem_free()
    done = run(n)
    gc.collect()
    return done, start, gc.mem_free()


measure(len(sources))  # warm up: first-time allocations
done, start, end = measure(CYCLES)
print("cycles", done, "heap start", start, "end", end, "same", start == end)
