# Every error the ml module raises on bad models and bad inputs: its type and
# message, and that a failed construction leaves nothing allocated.
import gc
import ml
from ml import ndarray


def attempt(label, f):
    try:
        f()
        print(label, "-> no error")
    except Exception as e:
        print(label, "->", type(e).__name__ + ":", e)


m = ml.Model("models/identity_int8.tflite")  # int8 (1, 2, 3)
add = ml.Model("models/add_two_inputs.tflite")  # two int8 (1, 4) inputs

print("-- number of inputs")
attempt("none", lambda: m.predict([]))
attempt("two for one", lambda: m.predict([bytes(6), bytes(6)]))
attempt("one for two", lambda: add.predict([bytes(4)]))
attempt("not a list", lambda: m.predict(bytes(6)))

print("-- size, shape, dtype")
attempt("raw size", lambda: m.predict([bytes(5)]))
attempt("float count", lambda: m.predict([[1.0] * 5]))
attempt("nested count", lambda: m.predict([[[1.0, 2.0], [3.0]]]))
attempt("second input size", lambda: add.predict([bytes(4), bytes(8)]))
attempt("ndarray shape", lambda: m.predict([ndarray([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])]))
attempt("entry type", lambda: m.predict([None]))
attempt("value type", lambda: m.predict([["x"] * 6]))
attempt("image into a (1, 4) tensor", lambda: add.predict([ml.preprocessing.Image(bytes(4), 2, 2), bytes(4)]))

print("-- models that cannot run")
try:
    ml.Model("models/missing_op.tflite")
except ValueError as e:
    # The runtime words the reason; the operator must be named.
    print("unsupported operator -> ValueError naming it:", "ml_test_missing_op" in str(e))
attempt("int64 input", lambda: ml.Model("models/int64_input.tflite"))

def invalid(label, data):
    # The runtime words what is wrong with the bytes; the module prefixes it.
    try:
        ml.Model(data)
        print(label, "-> no error")
    except ValueError as e:
        print(label, "-> ValueError: invalid model + reason:", str(e).startswith("invalid model: ") and len(str(e)) > 20)


invalid("not a model", bytes(64))
invalid("truncated", open("models/identity_int8.tflite", "rb").read()[:200])
invalid("empty", b"")
attempt("no such file", lambda: ml.Model("models/nothing-here.tflite"))
attempt("wrong argument", lambda: ml.Model(42))
attempt("image width 0", lambda: add.predict([ml.preprocessing.Image(bytes(4), 0, 2), bytes(4)]))
attempt("image width -5", lambda: add.predict([ml.preprocessing.Image(bytes(4), -5, 2), bytes(4)]))
attempt("nan stdev", lambda: ml.preprocessing.Normalization(stdev=float("nan")))
attempt("inf scale", lambda: ml.preprocessing.Normalization(scale=(0, float("inf"))))


def out_of_memory(label, f, needed):
    # needed: a lower bound (arena sizes differ a little between 32 and 64 bits)
    try:
        f()
        print(label, "-> no error")
    except MemoryError as e:
        text = str(e)
        named = int(text.split(" needs ")[1].split(" ")[0]) >= needed
        named = named and "largest free heap block is " in text and "bytes free" in text
        print(label, "-> MemoryError:", text.split(" needs ")[0] + ", names needed and free bytes:", named)


def heap_after(f):
    # Measured inside a function: module-level names would grow the globals dict.
    gc.collect()
    start = gc.mem_free()
    f()
    gc.collect()
    return gc.mem_free() == start


def unaligned_copy():
    # A misaligned buffer must be copied before it can run; the copy does not
    # fit beside the buffer itself (the heap is 2 MB on unix, 2.5-3 MB on qemu).
    big = bytearray(1600001)
    ml.Model(memoryview(big)[1:])


print("-- memory")
print("heap back:", heap_after(lambda: out_of_memory("arena", lambda: ml.Model("models/huge_arena.tflite"), 8000000)))
print("heap back:", heap_after(lambda: out_of_memory("model copy", unaligned_copy, 1600000)))


def fail_repeatedly():
    for path in ("models/missing_op.tflite", "models/int64_input.tflite", "models/huge_arena.tflite"):
        for _ in range(20):
            try:
                ml.Model(path)
            except (ValueError, MemoryError):
                pass


print("-- failed constructions leave the heap as it was")
fail_repeatedly()
print(heap_after(fail_repeatedly))
