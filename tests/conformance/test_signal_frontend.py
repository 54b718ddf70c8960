"""TFLM's signal-library operators beyond what the single-operator oracle test
can check, against TFLM itself (the tflite-micro package):

- The audio preprocessors (shared models tflm_audio_preprocessor_{int8,float},
  TFLM's micro_speech front end) on the real speech clips in shared/audio,
  framed as micro_speech does (30 ms windows of 480 samples, 20 ms stride)
  and streamed through one interpreter, so the noise estimate of spectral
  subtraction carries over from frame to frame; and on streams of random
  audio. Every frame's features must match.
- Partial-output fixtures (tests/fixtures/signal_partial, from
  tests/fixtures/ops/gen_signal.py): configurations where TFLM leaves part
  of an output unwritten, so it holds whatever the arena held. Only the
  written part is compared; see each entry's "mask".

Both stream with `microml run --frames N`: N input values through one
interpreter, the N outputs of each output tensor written back to back.
"""
from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

import microml_test_util as util

PREPROCESSORS = ("tflm_audio_preprocessor_int8", "tflm_audio_preprocessor_float")
WINDOW = 480  # 30 ms at 16 kHz
STRIDE = 320  # 20 ms
PARTIAL_DIR = util.REPO / "tests" / "fixtures" / "signal_partial"
SEEDS = (0, 1, 2)


def _clips():
    audio = util.SHARED / "audio"
    return sorted(audio.glob("*.wav")) if audio.is_dir() else []


def read_clip(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000), path
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)


def frames_of(samples: np.ndarray) -> np.ndarray:
    count = 1 + (len(samples) - WINDOW) // STRIDE
    return np.stack([samples[i * STRIDE: i * STRIDE + WINDOW] for i in range(count)])


def tflm_stream(model_bytes: bytes, frames: list[list[np.ndarray]], num_outputs: int):
    """Outputs of one TFLM interpreter after each set of inputs in turn."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=16 << 20)
    results = []
    for inputs in frames:
        for k, x in enumerate(inputs):
            interpreter.set_input(x, k)
        interpreter.invoke()
        results.append([np.array(interpreter.get_output(k)) for k in range(num_outputs)])
    return results


def microml_stream(cli, model: Path, frames: list[list[np.ndarray]], num_outputs: int,
                   out_shapes, tmp_path: Path):
    """Our outputs after each set of inputs, from one `run --frames` call."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(len(frames[0])):
        path = tmp_path / f"stream{k}.bin"
        path.write_bytes(b"".join(np.ascontiguousarray(f[k]).astype(f[k].dtype.newbyteorder("<"))
                                  .tobytes() for f in frames))
        paths.append(path)
    raw = cli.run_ok(model, paths, tmp_path / "out", num_outputs, "--frames", str(len(frames)))
    results = [[None] * num_outputs for _ in frames]
    for k in range(num_outputs):
        dtype, shape = out_shapes[k]
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        assert len(raw[k]) == size * len(frames), f"output {k}: {len(raw[k])} bytes"
        for i in range(len(frames)):
            results[i][k] = raw[k][i * size:(i + 1) * size]
    return results


def preprocessor_shapes(model_bytes: bytes):
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=16 << 20)
    interpreter.set_input(np.zeros((1, WINDOW), np.int16), 0)
    interpreter.invoke()
    out = np.array(interpreter.get_output(0))
    return [(out.dtype, out.shape)]


def compare_stream(cli, model: Path, frames: np.ndarray, tmp_path: Path):
    data = model.read_bytes()
    inputs = [[f.reshape(1, WINDOW)] for f in frames]
    want = tflm_stream(data, inputs, 1)
    got = microml_stream(cli, model, inputs, 1, preprocessor_shapes(data), tmp_path)
    problems = []
    for i, (g, w) in enumerate(zip(got, want)):
        problem = util.compare_outputs(g[0], w[0], w[0].dtype, f"frame {i}")
        if problem:
            problems.append(problem)
    assert not problems, f"{len(problems)}/{len(frames)} frames differ; " + "; ".join(problems[:3])


@pytest.mark.suite("audio front end", "speech clips bit-exact with TFLM frame by frame")
@pytest.mark.parametrize("clip", _clips(), ids=lambda p: p.stem)
@pytest.mark.parametrize("name", PREPROCESSORS)
def test_preprocessor_on_speech_clip(cli, name, clip, tmp_path):
    model = util.MODELS_DIR / name / "model.tflite"
    if not model.is_file():
        pytest.skip(f"{name} not in the shared models")
    compare_stream(cli, model, frames_of(read_clip(clip)), tmp_path)


@pytest.mark.suite("audio front end", "speech clips bit-exact with TFLM frame by frame")
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", PREPROCESSORS)
def test_preprocessor_on_random_stream(cli, name, seed, tmp_path):
    model = util.MODELS_DIR / name / "model.tflite"
    if not model.is_file():
        pytest.skip(f"{name} not in the shared models")
    rng = np.random.default_rng(seed)
    # Loud, quiet and silent stretches, so the noise estimate rises and falls
    # and the FFT auto-scale shift varies.
    amplitudes = rng.choice([0, 3, 60, 1000, 12000, 32767], size=40)
    frames = np.stack([rng.integers(-a - 1, a + 1, WINDOW).clip(-32768, 32767) for a in amplitudes])
    compare_stream(cli, model, frames.astype(np.int16), tmp_path)


# --------------------------------------------------------------------------- partial outputs


def _partial_entries():
    index = PARTIAL_DIR / "partial.json"
    if not index.is_file():
        return []
    return [pytest.param(e, id=f"{e['op']}/{e['name']}") for e in json.loads(index.read_text())]


def random_input(rng, detail, value_range):
    """The oracle test's input generator (tests/conformance/test_ops_oracle.py)."""
    dtype = np.dtype(detail["dtype"])
    shape = tuple(int(d) for d in detail["shape"])
    if value_range is not None:
        lo, hi = value_range
        return rng.integers(lo, hi + 1, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -(1 << 20)), min(info.max, 1 << 20)
    return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)


def framer_written(mask: dict, rows: int, invocations: int) -> list[np.ndarray]:
    """Per invocation, which (row, frame) slots TFLM's framer has written so far."""
    size, step, frames = mask["frame_size"], mask["frame_step"], mask["frames"]
    buffered = size - step if mask["prefill"] else 0
    written = np.zeros(frames, bool)
    history = []
    for _ in range(invocations):
        for f in range(frames):
            buffered += step
            if buffered >= size:
                written[f] = True
                buffered -= step
        history.append(np.tile(written, rows).copy())
    return history


@pytest.mark.suite("signal partial outputs", "match TFLM where TFLM writes")
@pytest.mark.parametrize("entry", _partial_entries())
def test_partial_outputs_match_tflm(cli, entry, tmp_path):
    model = PARTIAL_DIR / entry["op"] / f"{entry['name']}.tflite"
    data = model.read_bytes()
    info = cli.inspect(model)
    num_inputs, num_outputs = len(info["inputs"]), len(info["outputs"])
    ranges = entry.get("input_ranges") or [None] * num_inputs
    invocations = int(entry.get("invocations", 1))
    mask = entry["mask"]
    from tflite_micro.python.tflite_micro import runtime

    compared = 0
    for seed in SEEDS:
        rng = np.random.default_rng(seed * 7919 + 17)
        probe = runtime.Interpreter.from_bytes(data, arena_size=16 << 20)
        inputs = [random_input(rng, probe.get_input_details(k), ranges[k])
                  for k in range(num_inputs)]
        stream = [inputs] * invocations
        want = tflm_stream(data, stream, num_outputs)
        shapes = [(w.dtype, w.shape) for w in want[0]]
        got = microml_stream(cli, model, stream, num_outputs, shapes, tmp_path / f"seed{seed}")
        ever_valid = False
        history = None
        if mask["kind"] == "frames":
            rows = int(np.prod(want[0][0].shape[:-2])) if want[0][0].ndim > 2 else 1
            history = framer_written(mask, rows, invocations)
        for step in range(invocations):
            w, g = want[step], got[step]
            out = w[0].reshape(-1)
            got0 = np.frombuffer(g[0], dtype=out.dtype.newbyteorder("<"))
            if mask["kind"] == "range":
                keep = np.zeros(out.size, bool)
                keep[mask["start"]:mask["end"]] = True
            elif mask["kind"] == "frames":
                keep = np.repeat(history[step], mask["frame_size"])
            else:
                ever_valid = ever_valid or bool(w[1])
                keep = np.full(out.size, ever_valid)
            compared += int(keep.sum())
            problem = util.compare_outputs(got0[keep].tobytes(), out[keep], out.dtype, "output 0")
            for k in range(1, num_outputs):
                problem = problem or util.compare_outputs(g[k], w[k], w[k].dtype, f"output {k}")
            assert problem is None, f"seed {seed}, invocation {step + 1}: {problem}"
    assert compared > 0, "TFLM never wrote output 0: the fixture tests nothing"
