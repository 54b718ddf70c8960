"""OpenMV compatibility of the `ml` module on the unix build: images become the
input tensors OpenMV makes (checked byte for byte against openmv_imlib_ref.py,
a re-implementation of OpenMV's imlib arithmetic), and ndarray inputs are real
numbers quantized whatever their dtype."""

from __future__ import annotations

import random
import struct

import numpy as np
import pytest

import openmv_imlib_ref as ref
from test_micropython import run_unix

FORMATS = {1: "GRAYSCALE", 2: "RGB565", 3: "RGB888"}


def make_case(rng: random.Random, i: int):
    fmt = (1, 2, 3)[i % 3]
    w, h = rng.randint(1, 40), rng.randint(1, 40)
    data = bytes(rng.randrange(256) for _ in range(w * h * fmt))
    tw, th = rng.randint(1, 24), rng.randint(1, 24)
    kind = i % 5
    if kind == 0:
        roi = None
    elif kind == 1:  # partly outside the image
        rw, rh = rng.randint(1, w + 10), rng.randint(1, h + 10)
        roi = (rng.randint(-rw + 1, w - 1), rng.randint(-rh + 1, h - 1), rw, rh)
    elif kind == 2:  # the tensor's own size: imlib copies without scaling
        tw, th = min(tw, w), min(th, h)
        roi = (rng.randint(0, w - tw), rng.randint(0, h - th), tw, th)
    else:
        x, y = rng.randrange(w), rng.randrange(h)
        roi = (x, y, rng.randint(1, w - x), rng.randint(1, h - y))
    tc = (1, 3)[(i // 3) % 2]
    dtype = "bBf"[(i // 6) % 3]
    norm = {}
    if dtype == "f" and i % 4 == 1:
        norm = {"scale": (-1.0, 1.0), "mean": (0.485, 0.456, 0.406), "stdev": (0.229, 0.224, 0.225)}
    return dict(fmt=fmt, w=w, h=h, data=data, roi=roi, th=th, tw=tw, tc=tc, dtype=dtype, norm=norm)


def run_cases(cases, tmp_path, asan=False) -> list[bytes]:
    lines = ["import ubinascii", "from ml.preprocessing import Normalization, Image", "CASES = ["]
    for c in cases:
        lines.append("  (%r, %d, %d, %d, %r, %r, %r, %r)," % (
            c["data"], c["w"], c["h"], c["fmt"], c["roi"], (1, c["th"], c["tw"], c["tc"]), c["dtype"],
            c["norm"]))
    lines += [
        "]",
        "for data, w, h, fmt, roi, shape, dtype, norm in CASES:",
        "    n = shape[1] * shape[2] * shape[3] * (4 if dtype == 'f' else 1)",
        "    buf = bytearray(n)",
        "    Normalization(roi=roi, **norm)(Image(data, w, h, fmt))(buf, shape, dtype)",
        "    print(ubinascii.hexlify(buf).decode())",
    ]
    out = run_unix("\n".join(lines) + "\n", tmp_path, asan=asan).split()
    return [bytes.fromhex(line) for line in out]


def expected(c) -> bytes:
    return ref.tensor_bytes(c["fmt"], c["w"], c["h"], c["data"], c["roi"], c["th"], c["tw"], c["tc"],
                            c["dtype"], **c["norm"])


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
def test_reference_by_hand():
    """The reference itself, on cases worked out from imlib's arithmetic by hand."""
    gray = bytes(range(16))  # 4x4, pixel (x, y) = 4 y + x
    # 2x downscale: step 2.0 from -0.5 (the half-pixel shift of the 16.16
    # start); x = -0.5 clamps to column 0, x = 1.5 blends columns 1 and 2
    # half and half: (128 * 1 + 128 * 2 + 128) >> 8 = 2.
    assert list(ref.tensor_bytes(1, 4, 4, gray, None, 2, 2, 1, "B")) == [0, 2, 6, 8]
    assert list(ref.tensor_bytes(1, 4, 4, gray, None, 2, 2, 1, "b")) == [128, 130, 134, 136]
    # Same size: a copy. A roi partly outside is cut to the image first.
    assert ref.tensor_bytes(1, 4, 4, gray, (2, 2, 9, 9), 2, 2, 1, "B") == bytes([10, 11, 14, 15])
    # RGB565 to 3 channels: 5/6-bit fields widened by replicating their top bits.
    red = struct.pack("<H", 0xF800)
    assert list(ref.tensor_bytes(2, 1, 1, red, None, 1, 1, 3, "B")) == [255, 0, 0]
    assert list(ref.tensor_bytes(2, 1, 1, struct.pack("<H", 0x0841), None, 1, 1, 3, "B")) == [8, 8, 8]
    # RGB888 goes through RGB565; grayscale luma (38 R + 75 G + 15 B) >> 7.
    assert list(ref.tensor_bytes(3, 1, 1, bytes([200, 100, 50]), None, 1, 1, 3, "B")) == [206, 101, 49]
    assert list(ref.tensor_bytes(3, 1, 1, bytes([200, 100, 50]), None, 1, 1, 1, "B")) == [(206 * 38 + 101 * 75 + 49 * 15) >> 7]
    # Float: pixel / 255 with the default scale (0, 1).
    assert np.frombuffer(ref.tensor_bytes(1, 1, 1, bytes([51]), None, 1, 1, 1, "f"), "<f4")[0] == np.float32(51) * (np.float32(1) / np.float32(255))


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
@pytest.mark.parametrize("asan", (False, True), ids=("unix", "unix-asan"))
def test_images_match_openmv(asan, tmp_path):
    rng = random.Random(9)
    cases = [make_case(rng, i) for i in range(180)]
    # Fixed cases: shapes where imlib's float scale falls a pixel short (96 / 37),
    # a 1-pixel roi, upscaling and a large downscale.
    big = bytes(rng.randrange(256) for _ in range(160 * 120 * 2))
    cases += [
        dict(fmt=2, w=160, h=120, data=big, roi=(10, 5, 37, 74), th=96, tw=96, tc=3, dtype="b", norm={}),
        dict(fmt=2, w=160, h=120, data=big, roi=(10, 5, 37, 74), th=96, tw=96, tc=1, dtype="B", norm={}),
        dict(fmt=2, w=160, h=120, data=big, roi=None, th=7, tw=9, tc=3, dtype="f", norm={}),
        dict(fmt=1, w=160, h=120, data=big[:19200], roi=(3, 4, 1, 1), th=5, tw=5, tc=1, dtype="B", norm={}),
        dict(fmt=1, w=160, h=120, data=big[:19200], roi=(150, 110, 30, 30), th=40, tw=40, tc=3, dtype="B",
             norm={}),
    ]
    got = run_cases(cases, tmp_path, asan)
    assert len(got) == len(cases)
    for i, (c, g) in enumerate(zip(cases, got)):
        want = expected(c)
        if g != want:
            pytest.fail("case %d (%s %dx%d roi %r -> %dx%dx%d %s): got %s, OpenMV %s" % (
                i, FORMATS[c["fmt"]], c["w"], c["h"], c["roi"], c["th"], c["tw"], c["tc"], c["dtype"],
                g[:48].hex(), want[:48].hex()))


# --------------------------------------------------------------------------- MicroSpeech

CLIPS = ("yes_1000ms", "no_1000ms", "noise_1000ms", "silence_1000ms")


def openmv_micro_speech(samples: np.ndarray, labels=("Silence", "Unknown", "Yes", "No"),
                        threshold=0.65, keywords=("Yes", "No")):
    """OpenMV's ml.apps.MicroSpeech on a sample stream (20 ms blocks, then one
    second of silence), run with TFLM's own Python interpreter: the keywords
    listen() reports, in order, each followed by the state reset."""
    from tflite_micro.python.tflite_micro import runtime
    models = REPO_SHARED / "models"
    pre = runtime.Interpreter.from_file(str(models / "tflm_audio_preprocessor_float" / "model.tflite"))
    ms = runtime.Interpreter.from_file(str(models / "tflm_micro_speech_quantized" / "model.tflite"))
    x = np.concatenate([samples, np.zeros(320 * 50, np.int16)])
    audio = np.zeros(480, np.int16)
    spec = np.zeros(1960, np.int8)
    history = np.zeros((34, 4), np.float32)
    heard = []
    for k in range(len(x) // 320):
        audio = np.roll(audio, -320)
        audio[160:] = x[320 * k:320 * k + 320]
        pre.set_input(audio.reshape(1, 480), 0)
        pre.invoke()
        features = pre.get_output(0).flatten()
        spec = np.roll(spec, -40)
        spec[-40:] = (np.sign(features) * np.floor(np.abs(features) + 0.5)).astype(np.int32).astype(np.int8)
        # The int8 spectrogram holds real numbers: quantized with the input's scale and zero point.
        q = np.clip(np.round(spec.astype(np.float32) / np.float32(0.101715684)) - 128, -128, 127)
        ms.set_input(q.astype(np.int8).reshape(1, 1960), 0)
        ms.invoke()
        history = np.roll(history, -1, axis=0)
        history[-1] = (ms.get_output(0).flatten().astype(np.float32) + 128) * np.float32(0.00390625)
        average = history.mean(axis=0)
        best = int(np.argmax(average))
        if average[best] > threshold and labels[best] in keywords:
            heard.append(labels[best])
            history[:] = 0
            spec[:] = 0
    return heard


REPO_SHARED = None


def wav_samples(path) -> np.ndarray:
    import wave
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (16000, 2, 1)
        return np.frombuffer(w.readframes(w.getnframes()), np.int16)


@pytest.fixture
def audio_dir(shared_dir):
    global REPO_SHARED
    REPO_SHARED = shared_dir
    return shared_dir / "audio"


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
def test_micro_speech_clips(audio_dir, tmp_path):
    """listen() on each clip says what OpenMV's algorithm says (TFLM reference):
    yes -> Yes, no -> No, noise -> nothing; silence (a +-3 LSB dither whose
    top filter-bank bins the preprocessor lifts) -> what the reference hears."""
    source = "from ml.apps import MicroSpeech\n"
    for clip in CLIPS:
        source += ("label, scores = MicroSpeech(audio=%r).listen()\nprint(label, len(scores))\n"
                   % str(audio_dir / (clip + ".wav")))
    got = run_unix(source, tmp_path).split("\n")
    for clip, line in zip(CLIPS, got):
        want = openmv_micro_speech(wav_samples(audio_dir / (clip + ".wav")))
        assert line == "%s 4" % (want[0] if want else None), clip
    assert got[:3] == ["Yes 4", "No 4", "None 4"]


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
def test_micro_speech_polling_sequence(audio_dir, tmp_path):
    """A concatenation of clips, polled with timeout=-1 (one 20 ms block per
    call), gives OpenMV's sequence of keywords; a callback sees the same."""
    order = ("yes_1000ms", "noise_1000ms", "no_1000ms", "noise_1000ms", "yes_1000ms", "noise_1000ms")
    samples = np.concatenate([wav_samples(audio_dir / (c + ".wav")) for c in order])
    want = openmv_micro_speech(samples)
    # OpenMV's reset (spectrogram zeroed after a keyword) makes the model hear
    # an extra "Yes" in the noise that follows: the reference has it too.
    assert want[:2] == ["Yes", "No"] and want.count("Yes") >= 2
    source = f"""import io
from ml.apps import MicroSpeech
pcm = {samples.tobytes()!r}
s = MicroSpeech(audio=io.BytesIO(pcm))
heard = []
while not s.ended:
    label, scores = s.listen(timeout=-1)
    if label:
        heard.append(label)
print(heard)
got = []
s = MicroSpeech(audio=io.BytesIO(pcm))
print(s.listen(callback=lambda label, scores: got.append(label))[0], got)
s = MicroSpeech(audio=io.BytesIO(pcm))
print(s.listen(timeout=200))
"""
    lines = run_unix(source, tmp_path).splitlines()
    assert lines[0] == repr(want)
    assert lines[1] == "None " + repr(want)
    assert lines[2].startswith("(None, ")


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
@pytest.mark.parametrize("cpu", ("m4f", "m55"))
def test_micro_speech_on_qemu(cpu, audio_dir):
    """The keyword spotter on the Cortex-M firmware (built-in models, the clip
    from a reader): yes -> Yes, no -> No."""
    from test_micropython import run_qemu
    source = "import io\nfrom ml.apps import MicroSpeech\n"
    for clip in ("yes_1000ms", "no_1000ms"):
        pcm = wav_samples(audio_dir / (clip + ".wav")).tobytes()
        source += f"print(MicroSpeech(audio=io.BytesIO({pcm!r})).listen()[0])\n"
    assert run_qemu(cpu, source, with_files=False).split() == ["Yes", "No"]
