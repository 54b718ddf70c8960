# Model(..., arena_limit=BYTES): the fastest plan within the limit. person_detect
# has per-channel int8 convolutions and 1x1 convolutions into stride-2
# depthwise ones, so besides its fastest plan it has smaller ones that trade
# speed for memory (recomputed requantization, row bands, both). Without a
# limit it gets the default plan, its scales recomputed; a limit above every
# plan buys the fastest. No arena size is written here: the default one is
# Model.ram without a limit, the fastest is Model.ram with a limit beyond any
# arena, the smallest is read from the MemoryError of a limit below every plan.
import gc
import ml

MODEL = "person_detect"


def numbers(text):
    # The integers in a message, in order ("(57088" and "bytes:" included).
    found = []
    for word in text.split():
        word = word.strip("():,")
        if word.isdigit():
            found.append(int(word))
    return found


def pattern(seed):
    # 96 x 96 int8 pixels from a linear congruential generator.
    out = bytearray(96 * 96)
    x = seed
    for i in range(len(out)):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = x >> 23
    return bytes(out)


def outputs(model, data):
    # Dequantized scores and the raw int8 output bytes.
    scores = model.predict([data])[0].tolist()
    raw = model.predict([data], callback=lambda m, i, o: bytes(o[0]))
    return scores, raw


def too_small(limit):
    try:
        ml.Model(MODEL, arena_limit=limit)
        return None
    except MemoryError as e:
        return str(e)


default = ml.Model(MODEL)
default_ram = default.ram
print("no limit is the default:", ml.Model(MODEL, arena_limit=None).ram == default_ram)

text = too_small(1)
figures = numbers(text)
print("limit of 1 byte -> MemoryError naming the limit and two plans:", len(figures) == 3 and figures[0] == 1)
smallest = figures[1]
print("the larger plan named is the default one:", figures[2] == default_ram)
print("trading speed makes the arena smaller:", 0 < smallest < default_ram)

print("-- limits at and around the plans")
fastest = ml.Model(MODEL, arena_limit=2**100)
fastest_ram = fastest.ram
print("a limit above every plan: the fastest plan, larger than the default:", fastest_ram > default_ram)
print("limit = fastest: fastest plan:", ml.Model(MODEL, arena_limit=fastest_ram).ram == fastest_ram)
print("limit = fastest - 1: the default plan:",
      ml.Model(MODEL, arena_limit=fastest_ram - 1).ram == default_ram)
print("limit = default: default plan:", ml.Model(MODEL, arena_limit=default_ram).ram == default_ram)
traded = ml.Model(MODEL, arena_limit=default_ram - 1).ram
print("limit = default - 1: a traded plan:", smallest <= traded < default_ram)
print("limit = smallest: smallest plan:", ml.Model(MODEL, arena_limit=smallest).ram == smallest)
text = too_small(smallest - 1)
print("limit = smallest - 1: MemoryError naming the limit:", text is not None and str(smallest - 1) in text)
print("  and both plans:", text is not None and numbers(text)[1:] == [smallest, default_ram])

print("-- the default plan, between the plans and at the smallest: same results as the fastest")
limit = (smallest + default_ram) // 2
for small in (default, ml.Model(MODEL, arena_limit=limit), ml.Model(MODEL, arena_limit=smallest)):
    print("ram within the limit:", small.ram <= max(limit, default_ram), smallest <= small.ram)
    for seed in (1, 2):
        data = pattern(seed)
        want = outputs(fastest, data)
        print("seed", seed, "identical scores and raw bytes:", outputs(small, data) == want)
print("a different input gives different scores:", outputs(small, pattern(1)) != outputs(small, pattern(2)))


def fail_below():
    for _ in range(5):
        too_small(smallest - 1)


def heap_back(f):
    gc.collect()
    start = gc.mem_free()
    f()
    gc.collect()
    return gc.mem_free() == start


fail_below()
print("failed constructions leave the heap as it was:", heap_back(fail_below))

print("-- invalid limits")
for bad in (0, -5, -(2**70), "x", 1.5, True, b"100"):
    try:
        ml.Model(MODEL, arena_limit=bad)
        print(repr(bad), "-> no error")
    except (ValueError, TypeError) as e:
        print(repr(bad), "->", type(e).__name__ + ":", e)
try:
    ml.Model(MODEL, None, 1000)
    print("arena_limit as a third positional argument -> no error")
except TypeError:
    print("arena_limit as a third positional argument -> TypeError (keyword only)")

print("-- beyond a machine word: limits nothing, never truncated")
# 2**32 + 1 and 2**64 + 1 truncate to 1 in 32 and 64 bits; 2**32 - 1 and
# 2**64 - 1 are SIZE_MAX, the engine's "no limit", in 32 and 64 bits.
for label, big in (("2**31 + 1", 2**31 + 1), ("2**32 - 1", 2**32 - 1), ("2**32 + 1", 2**32 + 1),
                   ("2**63 + 1", 2**63 + 1), ("2**64 - 1", 2**64 - 1), ("2**64 + 1", 2**64 + 1),
                   ("2**100", 2**100)):
    print(label, "-> fastest plan:", ml.Model(MODEL, arena_limit=big).ram == fastest_ram)
