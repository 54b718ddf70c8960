"""The MicroPython `ml` module on the unix port and on the qemu Cortex-M
firmware (M4F, M55). Builds nothing: run scripts/build_micropython.sh first.

* Scripts with a `.py.exp` file follow MicroPython's test convention: their
  output must equal the file (a script printing just "SKIP" is skipped). They
  run on unix from this directory, and on qemu with models/ served from a RAM
  filesystem mounted as the working directory.
* ml_fuzz.py, the hostile-argument fuzzer, runs for several seeds and heap
  sizes (>= 100,000 calls in all) on unix, briefly on qemu, and with the
  ASan + UBSan unix build (scripts/build_micropython.sh unix-asan), which also
  runs every .exp script.
* ml_classify.py, ml_detect_heap.py and ml_stress.py get their data and
  expectations from here: the CLI (build/bin/microml) runs the same models on
  the same inputs, and detection boxes are decoded from its output by an
  independent numpy implementation of the YOLOv8 decoder and soft-NMS.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import run_micropython_qemu as qemu  # noqa: E402
from mp_harness import check_expected, need, ram_fs_prelude  # noqa: E402

# MICROPY_OUT: the builds of scripts/build_micropython.sh run with the same variable.
BUILDS = Path(os.environ.get("MICROPY_OUT", REPO / "build" / "micropython"))
UNIX = BUILDS / "unix" / "micropython"
UNIX_ASAN = BUILDS / "unix-asan" / "micropython"
# The GC scans the C stack: ASan's fake stacks would hide pointers from it.
# MicroPython frees its heap at exit without caring about malloc leaks.
SANITIZER_ENV = {"ASAN_OPTIONS": "detect_stack_use_after_return=0:detect_leaks=0",
                 "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}
QEMU_CPUS = ("m4f", "m55")
EXP_SCRIPTS = sorted(p.name for p in HERE.glob("ml_*.py") if Path(str(p) + ".exp").is_file())
DETECT_MODEL = REPO / "micropython" / "models" / "tiny_yolov8.tflite"
PERSON_MODEL = REPO / "models" / "person_detect.tflite"


# --------------------------------------------------------------------------- running

def run_unix(source: str, tmp_path: Path, *flags: str, timeout: float = 600, asan: bool = False) -> str:
    """Runs script text with the unix port (or its ASan build) from this directory; returns stdout."""
    script = tmp_path / "script.py"
    script.write_text(source)
    binary = need(UNIX_ASAN, "scripts/build_micropython.sh unix-asan") if asan else need(UNIX, "scripts/build_micropython.sh unix")
    env = {**os.environ, **SANITIZER_ENV} if asan else None
    try:
        proc = subprocess.run([str(binary), *flags, str(script)], cwd=HERE, capture_output=True,
                              text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"unix micropython did not finish within {timeout} s (hang)", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(f"unix micropython exited {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\n"
                    f"stderr:\n{proc.stderr[-3000:]}", pytrace=False)
    return proc.stdout


def models_fs_prelude() -> str:
    """Source that mounts models/ (as files under models/) in RAM and makes it the cwd."""
    return ram_fs_prelude({str(p.relative_to(HERE)): p.read_bytes()
                           for p in sorted((HERE / "models").rglob("*")) if p.is_file()})


def run_qemu(cpu: str, source: str, with_files: bool = True, timeout: float = 300) -> str:
    firmware = need(BUILDS / f"qemu-{cpu}" / "firmware.elf", f"scripts/build_micropython.sh {cpu}")
    out, err, status = qemu.run((models_fs_prelude() if with_files else "") + source, cpu, firmware, timeout)
    if status != 0:
        pytest.fail(f"qemu {cpu}: status {status}\nstdout:\n{out[-3000:]}\nstderr:\n{err[-3000:]}",
                    pytrace=False)
    return out


# --------------------------------------------------------------------------- .exp scripts

@pytest.mark.suite("micropython-unix", "scripts match .exp")
@pytest.mark.parametrize("name", EXP_SCRIPTS)
def test_unix_script(name, tmp_path):
    check_expected(name, run_unix((HERE / name).read_text(), tmp_path))


@pytest.mark.suite("micropython-qemu", "scripts match .exp")
@pytest.mark.parametrize("cpu", QEMU_CPUS)
@pytest.mark.parametrize("name", EXP_SCRIPTS)
def test_qemu_script(name, cpu):
    check_expected(name, run_qemu(cpu, (HERE / name).read_text()))


# --------------------------------------------------------------------------- classification

def person_input(shared_dir: Path) -> bytes:
    return (shared_dir / "models" / "tflm_person_detect" / "input0.bin").read_bytes()


def cli_scores(cli, model: Path, inputs: list[Path], tmp_path: Path):
    meta = cli.inspect(model)
    out = meta["outputs"][0]
    raw = np.frombuffer(cli.run_ok(model, inputs, tmp_path / "cli", 1)[0], dtype=np.int8)
    scores = (raw.astype(np.float32) - np.float32(out["zero_point"])) * np.float32(out["scale"])
    return raw, scores, meta


def parse_classification(text: str):
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in text.splitlines() if " " in line}
    top = lines["top1"].split(" ", 1)
    raw = [int(v) for v in lines["raw"].strip("[]").split(",")]
    scores = [float(v) for v in lines["scores"].split()]
    return int(top[0]), top[1], raw, scores


@pytest.mark.suite("micropython-classify", "runs agree with the CLI")
@pytest.mark.parametrize("target", ("unix",) + QEMU_CPUS)
def test_classification_matches_cli(target, cli, shared_dir, tmp_path):
    data = person_input(shared_dir)
    (tmp_path / "in0.bin").write_bytes(data)
    raw, scores, _ = cli_scores(cli, PERSON_MODEL, [tmp_path / "in0.bin"], tmp_path)
    source = f"INPUT = {data!r}\n" + (HERE / "ml_classify.py").read_text()
    text = run_unix(source, tmp_path) if target == "unix" else run_qemu(target, source, with_files=False)
    top, label, got_raw, got_scores = parse_classification(text)
    assert got_raw == raw.tolist()
    assert top == int(np.argmax(scores)) and label == ("no_person", "person")[top]
    np.testing.assert_allclose(got_scores, scores, rtol=0, atol=1e-6)


# --------------------------------------------------------------------------- detection

def detection_input() -> bytes:
    """An 84x84 RGB picture (int8 = pixel - 128) for tiny_yolov8: four red or
    green marks in the class rows and their boxes encoded in rows 0-3 (see
    micropython/models/gen_tiny_yolov8.py)."""
    img = np.zeros((84, 84, 3), np.uint8)

    def mark(col, channel, cx, cy, w, h, label, strength=255):
        for row, v in enumerate((cx, cy, w, h)):
            img[row, col, channel] = round((v + 0.3) * 255)
        img[4 + label, col, channel] = strength

    mark(10, 0, 0.31, 0.42, 0.21, 0.17, 3)
    mark(40, 1, 0.62, 0.53, 0.33, 0.19, 7)
    mark(70, 0, 0.66, 0.61, 0.12, 0.31, 0)
    mark(75, 1, 0.12, 0.68, 0.15, 0.11, 79, strength=240)
    return (img.astype(np.int16) - 128).astype(np.int8).tobytes()


def soft_nms(boxes, threshold=0.1, sigma=0.1):
    """OpenMV's Gaussian soft-NMS on [x, y, w, h, score, label] lists."""
    def iou(a, b):
        w = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
        h = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
        inter = w * h
        return inter / (a[2] * a[3] + b[2] * b[3] - inter)

    pending = sorted(boxes, key=lambda b: b[4], reverse=True)
    kept = []
    while pending:
        best = max(range(len(pending)), key=lambda i: (pending[i][4], -i))
        box = pending.pop(best)
        kept.append(box)
        for other in pending:
            other[4] *= np.exp(-1.0 / sigma * iou(box, other) ** 2)
        pending = [b for b in pending if b[4] >= threshold and b[4] > 0]
    return kept


def reference_yolov8(raw: np.ndarray, scale: float, zero_point: int, iw: int, ih: int, threshold=0.6):
    """YOLOv8 decoding in float32 as the module does it, then soft-NMS."""
    f32 = np.float32
    q = raw.reshape(84, -1).astype(f32)
    s, z = f32(scale), f32(zero_point)
    t = f32(threshold) / s + z
    best, label = q[4:].max(axis=0), q[4:].argmax(axis=0)
    boxes = []
    for a in np.flatnonzero(best > t):
        cx, cy, w, h = ((q[:4, a] - z) * s)
        hw, hh = w * f32(0.5), h * f32(0.5)
        coords = [(cx - hw) * f32(iw), (cy - hh) * f32(ih), (cx + hw) * f32(iw), (cy + hh) * f32(ih)]
        xmin, ymin, xmax, ymax = (min(max(c, f32(0)), f32(lim)) for c, lim in zip(coords, (iw, ih, iw, ih)))
        score = float((best[a] - z) * s)
        bw, bh = int(xmax - xmin), int(ymax - ymin)  # float32 arithmetic, as in the module
        if 0.0 <= score <= 1.0 and bw > 0 and bh > 0:
            boxes.append([int(xmin), int(ymin), bw, bh, score, int(label[a])])
    return soft_nms(boxes)


@pytest.mark.suite("micropython-detect", "acceptance checks pass")
def test_detection_with_sized_heap(cli, tmp_path):
    """[1, 84, 8400] int8 output (0.7 MB): heap = model.ram + model.len + 128 KB,
    the YoloV8 callback decodes from the views, under 4 KB of heap per call
    besides OpenMV's empty per-class lists,
    model.ram equals the CLI's arena figure and the boxes match the CLI's output."""
    data = detection_input()
    (tmp_path / "in0.bin").write_bytes(data)
    meta = cli.inspect(DETECT_MODEL)
    out = meta["outputs"][0]
    assert out["shape"] == [1, 84, 8400] and out["dtype"] == "int8"
    raw = np.frombuffer(cli.run_ok(DETECT_MODEL, [tmp_path / "in0.bin"], tmp_path / "cli", 1)[0], np.int8)
    want = reference_yolov8(raw, out["scale"], out["zero_point"], 84, 84)
    assert len(want) >= 3, "the test picture should give several detections"

    heap = meta["arena_bytes"] + meta["model_bytes"] + 128 * 1024
    source = (f"MODEL = {str(DETECT_MODEL)!r}\nCLI_ARENA = {meta['arena_bytes']}\nINPUT = {data!r}\n"
              + (HERE / "ml_detect_heap.py").read_text())
    text = run_unix(source, tmp_path, "-X", f"heapsize={heap}")
    lines = text.splitlines()
    ram = lines[0].split()
    assert ram[1] == ram[3] == str(meta["arena_bytes"]), lines[0]
    per_call = int(lines[1].split()[2])
    got = [[int(v) for v in line.split()[1:6]] + [float(line.split()[6])] for line in lines[2:]]
    # As OpenMV, the result has a list for every class up to the highest label
    # found, [] when empty: at most 64 bytes each (list and its 4 first slots).
    classes = max(g[0] for g in got) + 1
    assert per_call < 4096 + 64 * classes, f"{per_call} bytes of heap per predict() call"
    expected = sorted([b[5], b[0], b[1], b[2], b[3], b[4]] for b in want)
    assert [g[:5] for g in got] == [e[:5] for e in expected]
    np.testing.assert_allclose([g[5] for g in got], [e[5] for e in expected], rtol=0, atol=1e-6)


# --------------------------------------------------------------------------- stress

@pytest.mark.slow
@pytest.mark.suite("micropython-detect", "acceptance checks pass")
def test_ten_thousand_model_cycles(tmp_path):
    text = run_unix("CYCLES = 10000\n" + (HERE / "ml_stress.py").read_text(), tmp_path, timeout=1800)
    fields = text.split()
    assert fields[1] == "10000" and fields[-1] == "True", text


# --------------------------------------------------------------------------- memory safety

FUZZ_SEEDS = (1, 2, 3, 4)
FUZZ_HEAPS = ("8M", "256K")  # the small heap drives the MemoryError paths
FUZZ_CALLS = 12500  # 4 seeds x 2 heaps x 12,500 = 100,000 calls


def fuzz(seed: int, calls: int, tmp_path: Path, heap: str, asan: bool = False) -> None:
    source = f"SEED = {seed}\nCALLS = {calls}\n" + (HERE / "ml_fuzz.py").read_text()
    # About 2 s per 5,000 calls (ASan: 10 times that): a run beyond the limit hangs.
    text = run_unix(source, tmp_path, "-X", f"heapsize={heap}", timeout=600 if asan else 120, asan=asan)
    fields = text.split()
    assert fields[:5] == ["fuzz", "seed", str(seed), "calls", str(calls)] and fields[-2:] == ["intact", "True"], text


@pytest.mark.suite("micropython-fuzz", "fuzzer runs end intact")
@pytest.mark.parametrize("heap", FUZZ_HEAPS)
@pytest.mark.parametrize("seed", FUZZ_SEEDS)
def test_fuzz_unix(seed, heap, tmp_path):
    fuzz(seed, FUZZ_CALLS, tmp_path, heap)


@pytest.mark.suite("micropython-fuzz", "fuzzer runs end intact")
@pytest.mark.parametrize("cpu", QEMU_CPUS)
def test_fuzz_qemu(cpu):
    text = run_qemu(cpu, "SEED = 7\nCALLS = 1500\n" + (HERE / "ml_fuzz.py").read_text())
    fields = text.split()
    assert fields[-2:] == ["intact", "True"], text


@pytest.mark.suite("micropython-asan", "scripts pass under ASan + UBSan")
@pytest.mark.parametrize("name", EXP_SCRIPTS)
def test_asan_script(name, tmp_path):
    check_expected(name, run_unix((HERE / name).read_text(), tmp_path, asan=True))


@pytest.mark.suite("micropython-asan", "scripts pass under ASan + UBSan")
@pytest.mark.parametrize("heap", FUZZ_HEAPS)
def test_asan_fuzz(heap, tmp_path):
    fuzz(5, 5000, tmp_path, heap, asan=True)


@pytest.mark.suite("micropython-unix", "scripts match .exp")
def test_unix_model_path_errors(tmp_path):
    """A directory and a missing path are named as such (unix: a real filesystem)."""
    source = """import ml
for path in ("models", "models/nothing-here.tflite"):
    try:
        ml.Model(path)
    except OSError as e:
        print(e)
"""
    lines = run_unix(source, tmp_path).splitlines()
    assert lines[0] == "[Errno 21] EISDIR: 'models' is a directory, not a model file", lines
    assert lines[1].startswith("[Errno 2] ENOENT: no model file 'models/nothing-here.tflite', "
                               "and no built-in model of that name (built-in: person_detect"), lines
