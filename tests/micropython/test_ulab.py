"""`from ulab import numpy as np` (micropython/lib/ulab over ml.ndarray) against
real numpy in CPython.

Every case is one expression, evaluated by MicroPython (unix build, its
ASan + UBSan build, the native module on the stock unix port, and the
single-precision Cortex-M55 firmware; floats travel as float32 bits) and by numpy
on the same data; results are compared by shape, dtype and value. ulab's rules
are applied on the numpy side with two helpers that are the identity in
MicroPython: S(x) turns a Python scalar into a 0-d array of the smallest dtype
holding it (ulab's scalar rule), F(x) rounds a float64 result to float32
(ulab's only float). numpy's int64 / float64 results map to ml.ndarray's
int32 'i' / float 'f'. Hostile cases name the exception they must raise.
Builds nothing: scripts/build_micropython.sh unix unix-asan unix-stock, scripts/dist.sh x64.
"""

from __future__ import annotations

import ast
import os
import random
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mp_harness import need

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import run_micropython_qemu as qemu  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BUILDS = Path(os.environ.get("MICROPY_OUT", REPO / "build" / "micropython"))
DIST = Path(os.environ.get("ML_DIST", REPO / "dist"))
SANITIZER_ENV = {"ASAN_OPTIONS": "detect_stack_use_after_return=0:detect_leaks=0",
                 "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}

CODES = {np.int8: "b", np.uint8: "B", np.int16: "h", np.uint16: "H", np.int32: "i",
         np.int64: "i", np.uint64: "i", np.float32: "f", np.float64: "f", np.bool_: "?"}
NP_TYPES = {"b": np.int8, "B": np.uint8, "h": np.int16, "H": np.uint16, "i": np.int32, "f": np.float32}

DATA = {
    "a8": ("b", [[-3, 5, 127], [-128, 0, 7]]),
    "u8": ("B", [[0, 200, 255], [1, 2, 3]]),
    "i16": ("h", [[-300, 5, 32767], [-32768, 0, 9]]),
    "u16": ("H", [[0, 40000, 65535], [1, 2, 300]]),
    "i32": ("i", [[-70000, 5, 2147483647], [-2147483647, 0, 9]]),  # -2**31 is no machine word on 32-bit ports
    "f": ("f", [[1.5, -2.25, 3.0], [0.5, 100.0, -7.0]]),
    "z": ("f", [[0.0, 1.0, -1.0], [0.0, 2.0, 3.0]]),
    "row": ("f", [1.0, 2.0, 4.0]),
    "col": ("f", [[2.0], [3.0]]),
    "pos": ("f", [0.5, 1.0, 2.0, 10.0, 1e-3]),
    "v": ("f", [3.0, -1.0, 2.0, 2.0, 0.0, -5.5]),
    "m": ("f", [[3.0, 1.0, 2.0], [0.5, 9.0, -1.0], [4.0, 4.0, 0.0]]),
    "ix": ("h", [2, 0, -1, 1]),
    "small": ("B", [1, 2, 3]),
    "cube": ("f", [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]], [[9.0, 1.0], [2.0, 3.0]]]),
}

# (expression, relative tolerance): 0 means bit-exact in float32.
CASES = [
    # creation
    ("np.array([1, 2, 3])", 0), ("np.array([[1, 2], [3, 4]], dtype=np.int8)", 0),
    ("np.array(u8)", 0), ("np.array([True, False])", 0), ("np.array(f, dtype=np.int16)", 0),
    ("np.zeros((2, 3))", 0), ("np.zeros(4, dtype=np.uint8)", 0), ("np.ones((3,), dtype=np.int16)", 0),
    ("np.full((2, 2), 7, dtype=np.uint16)", 0), ("np.full(3, -1.5)", 0), ("np.empty((1, 2))", 0),
    ("np.arange(5, dtype=np.int16)", 0), ("np.arange(2, 11, 3, dtype=np.int16)", 0),
    ("np.arange(0.0, 1.0, 0.25, dtype=np.float)", 0), ("np.arange(10, 0, -3, dtype=np.int8)", 0),
    ("F(np.linspace(0, 1, 5))", 0), ("F(np.linspace(-2, 3, 7))", 2e-7),
    ("F(np.linspace(0, 1, 4, endpoint=False))", 0),
    ("np.frombuffer(b'\\x01\\x00\\xff\\xff', dtype=np.int16)", 0),
    ("np.frombuffer(bytearray(b'\\x00\\x00\\x80?\\x00\\x00\\x00@'), dtype=np.float, offset=4)", 0),
    # attributes
    ("f.shape", 0), ("f.size", 0), ("len(f)", 0), ("cube.ndim", 0), ("f.tolist()", 0),
    ("[r.tolist() for r in f]", 0), ("f.flatten()", 0), ("f.reshape((3, 2))", 0), ("f.T", 0),
    ("f.transpose()", 0), ("np.reshape(f, (6,))", 0), ("np.transpose(f)", 0),
    # arithmetic, same dtypes and mixed
    ("a8 + a8", 0), ("u8 + u8", 0), ("u8 * u8", 0), ("a8 - u8", 0), ("a8 + i16", 0), ("u8 + u16", 0),
    ("a8 * u16", 0), ("i16 - u16", 0), ("i16 + i32", 0), ("f + row", 0), ("f - col", 0),
    ("f * u8", 0), ("f / row", 0), ("F(u8 / a8)", 0), ("F(a8 / 4)", 0), ("z / z", 0), ("f / z", 0),
    ("u8 ** small", 0), ("a8 ** S(2)", 0), ("f ** 2", 1e-6), ("pos ** 0.5", 1e-6), ("row ** row", 1e-6),
    # scalars take the smallest dtype that holds them (ulab)
    ("u8 + S(1)", 0), ("u8 + S(-1)", 0), ("u8 * S(300)", 0), ("a8 + S(200)", 0), ("a8 - S(-40000)", 0),
    ("u8 + 0.5", 0), ("S(2) - u8", 0), ("S(3) * f", 0), ("1.0 / pos", 0), ("S(2) ** small", 0),
    ("a8 // u8", 0), ("u8 % S(7)", 0), ("a8 // S(-3)", 0), ("a8 % S(-3)", 0), ("i16 % u16", 0),
    ("f // row", 0), ("f % row", 0), ("-f % 0.75", 0), ("f // -0.5", 0), ("z // z", 0), ("f % z", 0),
    ("u8 & S(15)", 0), ("a8 | i16", 0), ("u8 ^ u8", 0),
    # comparisons give bool arrays
    ("f > 0", 0), ("f <= row", 0), ("u8 == S(200)", 0), ("a8 != u8", 0), ("i16 < u16", 0),
    ("f >= col", 0), ("(f > 0) & (f < 50)", 0), ("(f > 0) | (u8 > 100)", 0), ("~(f > 0)", 0),
    ("z == z", 0),
    # unary
    ("-a8", 0), ("-u8", 0), ("-f", 0), ("abs(a8)", 0), ("abs(f)", 0), ("+u16", 0), ("~u8", 0),
    # elementwise math
    ("np.exp(f)", 1e-6), ("np.log(pos)", 1e-6), ("np.sqrt(pos)", 0), ("np.sin(f)", 1e-6),
    ("np.cos(f)", 1e-6), ("np.tanh(f)", 1e-6), ("np.floor(f)", 0), ("np.ceil(f)", 0),
    ("np.arctan(f)", 1e-6), ("np.exp(a8 / 50)", 1e-6), ("np.sqrt(z)", 0),
    ("np.clip(f, -1, 2.5)", 0), ("np.clip(u8, S(2), S(199))", 0), ("np.maximum(f, row)", 0),
    ("np.minimum(a8, u8)", 0), ("np.maximum(z / z, row)", 0),
    # reductions
    ("np.max(f)", 0), ("np.min(u8)", 0), ("np.argmax(v)", 0), ("np.argmin(v)", 0), ("np.sum(a8)", 0),
    ("np.sum(f)", 1e-6), ("np.mean(f)", 1e-6), ("np.max(m, axis=0)", 0), ("np.max(m, axis=1)", 0),
    ("np.min(cube, axis=2)", 0), ("np.argmax(m, axis=0)", 0), ("np.argmin(m, axis=1)", 0),
    ("np.sum(u8, axis=0)", 0), ("np.sum(f, axis=1)", 1e-6), ("np.mean(cube, axis=0)", 1e-6),
    ("np.max(m, axis=1, keepdims=True)", 0), ("np.sum(m, axis=0, keepdims=True)", 1e-6),
    ("f.max()", 0), ("m.argmax()", 0), ("f.sum(axis=-1)", 1e-6),
    # indexing
    ("f[1]", 0), ("f[1, 2]", 0), ("f[-1, -3]", 0), ("f[:, 1]", 0), ("f[::-1, ::2]", 0), ("cube[1:, 0]", 0),
    ("f[f > 1]", 0), ("f.T[f.T > 1]", 0), ("f[::-1][ix[1:3]]", 0), ("v[v >= 2]", 0), ("m[m[:, 0] > 1]", 0), ("v[ix]", 0), ("v[ix[3:].reshape(())]", 0), ("m[ix[3:].reshape(())]", 0), ("m[ix[:2]]", 0),
    ("m[np.array([True, False, True], dtype=np.bool)]", 0), ("u8[u8 > 300]", 0), ("f[np.array([True, False])]", 0),
    # where, nonzero, shapes
    ("np.where(f > 0, f, 0)", 0), ("np.where(f > 0, u8, a8)", 0), ("np.where(col > 2, row, -row)", 0),
    ("np.nonzero(v)", 0), ("np.nonzero(m > 2)", 0), ("np.nonzero(v > 1)[0]", 0),
    ("np.concatenate((f, f))", 0), ("np.concatenate([f, col], axis=1)", 0),
    ("np.concatenate([u8[0], small])", 0),
    ("np.roll(v, 2)", 0), ("np.roll(v, -1)", 0), ("np.roll(m, 1, axis=0)", 0), ("np.roll(m, -1, axis=1)", 0),
    ("np.take(m, ix[:2], axis=0)", 0), ("np.take(m, [2, 0], axis=1)", 0), ("np.take(v, [5, 0])", 0),
    ("np.sort(v)", 0), ("np.argsort(v)", 0), ("np.sort(m, axis=0)", 0), ("np.sort(m, axis=1)", 0),
    ("np.argsort(m, axis=1)", 0), ("np.sort(cube)", 0), ("np.argsort(cube, axis=2)", 0),
    ("np.sort(v, axis=None)", 0), ("np.sum(v, keepdims=True)", 1e-6), ("np.max(u8, keepdims=True)", 0),
    ("np.sum(u8, axis=1, keepdims=True)", 0), ("np.min(v, axis=0, keepdims=True)", 0),
    # OpenMV's postprocessing idioms (softmax with keepdims, threshold, take, roll, slices)
    ("np.exp(m - np.max(m, axis=1, keepdims=True)) / np.sum(np.exp(m - np.max(m, axis=1, keepdims=True)), axis=1, keepdims=True)", 1e-6),
    ("np.take(m, np.nonzero(np.max(m, axis=1) > 3)[0], axis=0)", 0),
    ("np.argmax(m[:, 1:], axis=1) + S(1)", 0), ("1.0 / (1.0 + np.exp(-f))", 1e-6),
    ("np.log(pos / (1.0 - pos))", 1e-6), ("np.full(len(v), 0.25 / 3) * 0.5", 0),
    ("np.roll(np.arange(12, dtype=np.int16).reshape((1, 12)), -4, axis=1)", 0),
    ("cube[:, 0::2, 1] / 4 + row", 0), ("np.mean(m[:, 2])", 1e-6), ("np.dot(row, row)", 0), ("np.dot(m, row)", 0),
    ("np.dot(row, m)", 0), ("np.dot(m, m)", 0), ("np.dot(f, m)", 0),
]

# Statements that must raise (exception names; a number beyond a machine word
# is an OverflowError on 32-bit ports), and must not crash or leak.
HOSTILE = [
    ("np.zeros((2, -1))", "ValueError"), ("np.zeros((1 << 31,))", "ValueError|OverflowError"),
    ("np.zeros((65536, 65536, 65536))", "MemoryError"), ("np.zeros((1,) * 7)", "ValueError"),
    ("np.zeros(2, dtype='q')", "TypeError"), ("np.full(2, 'x')", "TypeError"),
    ("np.array([[1, 2], [3]])", "ValueError"), ("np.array([1], dtype=999)", "ValueError"),
    ("f + np.zeros((3, 2))", "ValueError"), ("f * np.zeros(2)", "ValueError"),
    ("np.where(f > 0, np.zeros(2), 1)", "ValueError"), ("f + 'x'", "TypeError"),
    ("f & f", "TypeError"), ("-(f > 0)", "TypeError"), ("~f", "TypeError"),
    ("a8 ** np.array([-1], dtype=np.int8)", "ValueError"), ("u8 ** S(-2)", "ValueError"),
    ("v[np.array([6], dtype=np.int16)]", "IndexError"), ("v[np.array([-7], dtype=np.int16)]", "IndexError"),
    ("v[np.array([0.5])]", "TypeError"), ("f[np.array([True, False, True])]", "IndexError"),
    ("np.take(v, [9])", "IndexError"), ("np.nonzero(np.array(5.0))", "ValueError"),
    ("np.frombuffer(b'abc', dtype=np.int16)", "ValueError"),
    ("np.frombuffer(b'abcd', dtype=np.int16, offset=5)", "ValueError"),
    ("np.frombuffer(b'abcd', dtype=np.int16, count=3)", "ValueError"),
    ("np.frombuffer(b'abcd', dtype=np.int16, offset=-1)", "ValueError"),
    ("np.frombuffer([1, 2], dtype=np.uint8)", "TypeError"),
    ("np.arange(0, 1e12, 1e-12)", "OverflowError"), ("np.arange(0, 1, 0)", "ValueError"),
    ("np.linspace(0, 1, -1)", "ValueError"), ("np.concatenate([f, row])", "ValueError"),
    ("np.concatenate([])", "ValueError"), ("np.max(f, axis=2)", "ValueError"),
    ("np.roll(f, 1, axis=5)", "ValueError"), ("np.sort(cube, axis=0)", "ValueError"),
    ("np.sort(np.array(1.0))", "ValueError"), ("np.dot(f, f)", "ValueError"),
    ("np.array([]).max()", "ValueError"), ("np.exp('x')", "TypeError"),
    ("np.maximum(f, None)", "TypeError"), ("np.full(2, 1, dtype=np.float).reshape((3,))", "ValueError"),
]

# Statements run after the cases; then `mutated` is printed (views, aliasing, assignment).
MUTATIONS = """
mutated = []
w = np.array(m)
w[w > 2] = 0
mutated.append(w)
w = np.array(m)
w[np.array([0, 2], dtype=np.int16)] = np.array([7.0, 8.0, 9.0])
mutated.append(w)
w = np.array(m)
w[w[:, 0] > 1] = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
mutated.append(w)
w = np.array(m)
w[w < 1] = w[w < 1] * 10
mutated.append(w)
w = np.array(m)
r = w[1]
r += 1
mutated.append(w)
w = np.array(u8)
w -= 3
mutated.append(w)
w = np.array(v)
w[1:4] = np.array([9, 9, 9], dtype=np.uint8)
mutated.append(w)
w = np.array(u8)
w[:, 0] = 500
mutated.append(w)
import gc
class Hook:
    # Converting runs Python code that drops arrays and collects.
    def __float__(self):
        global victim
        victim = None
        gc.collect()
        return 2.0
victim = np.array(m)
victim[victim > 2] = Hook()
mutated.append(np.array(m) if victim is None else None)
w = np.array(m)
victim = w
w[w > 2] = Hook()
mutated.append(w)
mutated.append(np.full((2, 2), Hook()))
t = np.array(m)[1:]
gc.collect()
mutated.append(t * 2)
w = np.array(m)
w += w[::-1]
mutated.append(w)
w = np.array(m)
w[np.array([0, 0, 2], dtype=np.int16)] = w
mutated.append(w)
"""


def np_mutations(env):
    m, u8, v = env["m"], env["u8"], env["v"]
    out = []
    w = m.copy(); w[w > 2] = 0; out.append(w)
    w = m.copy(); w[np.array([0, 2])] = np.array([7.0, 8.0, 9.0]); out.append(w)
    w = m.copy(); w[w[:, 0] > 1] = np.array([[1.0] * 3, [2.0] * 3]); out.append(w)
    w = m.copy(); w[w < 1] = w[w < 1] * 10; out.append(w)
    w = m.copy(); r = w[1]; r += 1; out.append(w)
    w = u8.copy(); w -= np.uint8(3); out.append(w)
    w = v.copy(); w[1:4] = np.array([9, 9, 9], dtype=np.uint8); out.append(w)
    w = u8.copy(); w[:, 0] = np.array(500).astype(np.uint8); out.append(w)
    out.append(m.copy())
    w = m.copy(); w[w > 2] = 2.0; out.append(w)
    out.append(np.full((2, 2), 2.0, dtype=np.float32))
    out.append(m[1:] * 2)
    w = m.copy(); w += w[::-1]; out.append(w)
    w = m.copy(); w[np.array([0, 0, 2])] = w.copy(); out.append(w)
    return out


def smallest(x):
    """ulab's scalar rule, applied with numpy."""
    if isinstance(x, float):
        return np.float32(x)
    for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32):
        if np.iinfo(t).min <= x <= np.iinfo(t).max:
            return np.array(x, dtype=t)
    return np.float32(x)


def default_dtype(v):
    """ulab's np.array: float, unless the values are an array's or all bools."""
    if isinstance(v, np.ndarray):
        return v.dtype
    return np.bool_ if v and all(isinstance(x, bool) for x in v) else np.float32


def f32(x):
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype == np.float64 else x


def random_cases(seed: int, count: int):
    """Binary operators between random arrays of every dtype pair, broadcast shapes included."""
    rng = random.Random(seed)
    data, cases = {}, []
    ops = ["+", "-", "*", "/", "//", "%", "<", ">=", "==", "!="]
    for i in range(count):
        ta, tb = rng.choice("bBhHf"), rng.choice("bBhHf")
        shape = [rng.randint(1, 4) for _ in range(rng.randint(1, 3))]
        shape_b = [d if rng.random() < 0.7 else 1 for d in shape][rng.randint(0, len(shape) - 1):]
        for name, t, s in ((f"ra{i}", ta, shape), (f"rb{i}", tb, shape_b)):
            info = np.iinfo(NP_TYPES[t]) if t != "f" else None
            n = int(np.prod(s))
            vals = [rng.randint(int(info.min), int(info.max)) if info else rng.choice([0.0, -1.5, 2.25, 1e3, -7e-3])
                    for _ in range(n)]
            data[name] = (t, np.array(vals).reshape(s).tolist())
        op = rng.choice(ops)
        expr = f"ra{i} {op} rb{i}"
        cases.append((f"F({expr})" if op == "/" else expr, 0))
    return data, cases


def mp_script(data, cases) -> str:
    lines = ["from ulab import numpy as np", "import ml", "import struct", "print('same', np.ndarray is ml.ndarray)",
             "S = F = lambda x: x",
             "def R(x):",
             "    if isinstance(x, np.ndarray):",
             "        return ('A', x.shape, x.dtype, R(x.tolist()))",
             "    if isinstance(x, (list, tuple)):",
             "        return [R(y) for y in x]",
             "    if isinstance(x, float):",
             "        return ('x', struct.unpack('<I', struct.pack('<f', x))[0])",
             "    return x"]
    for name, (t, vals) in data.items():
        lines.append(f"{name} = np.array({vals!r}, dtype={t!r})")
    for i, (expr, _) in enumerate(cases):
        lines.append(f"print({i}, repr(R({expr})))")
    for i, (stmt, _) in enumerate(HOSTILE):
        lines += ["try:", f"    {stmt}", f"    print('H', {i}, 'no error')",
                  "except Exception as e:", f"    print('H', {i}, type(e).__name__)"]
    lines += MUTATIONS.strip().splitlines()
    lines.append("print('M', repr(R(mutated)))")
    lines.append("print('intact', np.sum(np.arange(100, dtype=np.int16)))")
    return "\n".join(lines) + "\n"


def np_result(x):
    if isinstance(x, tuple) and x and isinstance(x[0], np.ndarray):
        return [np_result(y) for y in x]
    if isinstance(x, list) and x and isinstance(x[0], np.ndarray):
        return [np_result(y) for y in x]
    if isinstance(x, np.ndarray) and x.ndim > 0:
        return ("A", x.shape, CODES[x.dtype.type], x.tolist())
    if isinstance(x, (np.ndarray, np.generic)):
        return x.item()
    return x


def same_value(got, want, tol) -> bool:
    if isinstance(want, (list, tuple)):
        return (isinstance(got, (list, tuple)) and got[:1] != ("x",) and len(got) == len(want)
                and all(same_value(g, w, tol) for g, w in zip(got, want)))
    if isinstance(got, tuple) and got[:1] == ("x",):
        got = float(np.frombuffer(struct.pack("<I", got[1]), np.float32)[0])
    if isinstance(want, bool) or isinstance(got, bool):
        return bool(got) == bool(want) and type(got) is type(want)
    if isinstance(want, float) or isinstance(got, float):
        g, w = np.float32(got), np.float32(want)
        if np.isnan(w) or np.isnan(g):
            return bool(np.isnan(w) and np.isnan(g))
        if tol == 0 or np.isinf(w):
            return bool(g == w)
        return bool(abs(float(g) - float(w)) <= tol * max(abs(float(w)), 1e-30) + 1e-37)
    return got == want


def compare(got, want, tol) -> bool:
    if isinstance(want, tuple) and want[:1] == ("A",):
        return (isinstance(got, tuple) and got[0] == "A" and tuple(got[1]) == tuple(want[1])
                and got[2] == want[2] and same_value(got[3], want[3], tol))
    if isinstance(want, list) and want and isinstance(want[0], tuple):
        return len(got) == len(want) and all(compare(g, w, tol) for g, w in zip(got, want))
    return same_value(got, want, tol)


def expectations(data, cases):
    env = {"np": np, "S": smallest, "F": f32}
    for name, (t, vals) in data.items():
        env[name] = np.array(vals, dtype=NP_TYPES[t])
    # numpy spells ulab's names differently: np.float is float32, np.int16 stays.
    env["np"] = type("npshim", (), {k: getattr(np, k) for k in dir(np) if not k.startswith("_")})
    env["np"].float = np.float32
    env["np"].array = lambda v, dtype=None: np.array(v, dtype=dtype if dtype is not None else default_dtype(v))
    env["np"].zeros = lambda s, dtype=np.float32: np.zeros(s, dtype)
    env["np"].ones = lambda s, dtype=np.float32: np.ones(s, dtype)
    env["np"].empty = lambda s, dtype=np.float32: np.zeros(s, dtype)
    env["np"].full = lambda s, v, dtype=np.float32: np.full(s, v, dtype)
    env["np"].argsort = lambda a, axis=-1: np.argsort(a, axis=axis, kind="stable")
    env["np"].frombuffer = lambda b, dtype=np.float32, count=-1, offset=0: np.frombuffer(b, dtype, count, offset)
    with np.errstate(all="ignore"):
        want = [np_result(eval(expr, env)) for expr, _ in cases]
        mutated = [np_result(x) for x in np_mutations(env)]
    return want, mutated


def run(binary: Path, script: str, tmp_path: Path, env=None) -> str:
    path = tmp_path / "ulab_cases.py"
    path.write_text(script)
    proc = subprocess.run([str(binary), str(path)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def check(out: str, data, cases):
    want, mutated = expectations(data, cases)
    lines = out.splitlines()
    assert lines[0] == "same True", lines[0]
    bad = []
    got_cases = {}
    hostile = {}
    for line in lines[1:]:
        if line.startswith("H "):
            _, i, name = line.split(" ", 2)
            hostile[int(i)] = name
        elif line.startswith("M "):
            got_mut = ast.literal_eval(line[2:])
        elif line.startswith("intact"):
            intact = line
        else:
            i, text = line.split(" ", 1)
            got_cases[int(i)] = ast.literal_eval(text)
    for i, (expr, tol) in enumerate(cases):
        if i not in got_cases or not compare(got_cases[i], want[i], tol):
            bad.append(f"{expr}: got {got_cases.get(i)!r}, numpy {want[i]!r}")
    for i, (stmt, exc) in enumerate(HOSTILE):
        if hostile.get(i) not in exc.split("|"):
            bad.append(f"{stmt}: raised {hostile.get(i)}, expected {exc}")
    assert len(got_mut) == len(mutated), (len(got_mut), len(mutated))
    for k, (g, w) in enumerate(zip(got_mut, mutated)):
        if not compare(tuple(g), w, 0):
            bad.append(f"mutation {k}: got {g!r}, numpy {w!r}")
    assert intact == "intact 4950", intact
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:40])


def all_cases():
    rdata, rcases = random_cases(seed=9, count=300)
    return {**DATA, **rdata}, CASES + rcases


def test_unix(tmp_path):
    data, cases = all_cases()
    binary = need(BUILDS / "unix" / "micropython", "scripts/build_micropython.sh unix")
    check(run(binary, mp_script(data, cases), tmp_path), data, cases)


def test_unix_asan(tmp_path):
    data, cases = all_cases()
    binary = need(BUILDS / "unix-asan" / "micropython", "scripts/build_micropython.sh unix-asan")
    check(run(binary, mp_script(data, cases), tmp_path, {**os.environ, **SANITIZER_ENV}), data, cases)


def test_natmod_stock_unix(tmp_path):
    data, cases = all_cases()
    binary = need(BUILDS / "unix-stock" / "micropython", "scripts/build_micropython.sh unix-stock")
    dist = need(DIST / "x64", "scripts/dist.sh x64")
    check(run(binary, mp_script(data, cases), tmp_path, {**os.environ, "MICROPYPATH": str(dist)}),
          data, cases)


def test_qemu_m55():
    """Single-precision mp_float_t: the same cases on the Cortex-M55 firmware."""
    data, cases = all_cases()
    firmware = need(BUILDS / "qemu-m55" / "firmware.elf", "scripts/build_micropython.sh m55")
    out, err, status = qemu.run(mp_script(data, cases), "m55", firmware, timeout=300)
    assert status == 0, f"status {status}\n{out[-2000:]}\n{err[-2000:]}"
    check(out.replace("\r\n", "\n"), data, cases)
