"""/rom and `time` on the qemu firmware (micropython/qemu).

A ROMFS image (tools/mkromfs.py) goes into the board's flash window through
QEMU's loader (run_micropython_qemu.py --rom) and the firmware mounts it on
/rom. Models there run in place: the heap grows by the arena and a few small
objects, not by the model, and a 3 MB model runs on the M55 whose heap is
2.5 MB. Outputs are checked against TFLM (the tflite-micro package, or the
golden files of ../shared/models). Builds nothing: run
scripts/build_micropython.sh m4f m55 first.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(HERE.parent / "fixtures" / "ops"))
import mkromfs  # noqa: E402
from tflite_builder import ModelBuilder, S, run_tflm  # noqa: E402
from test_micropython import BUILDS, QEMU_CPUS, qemu  # noqa: E402
from mp_harness import need  # noqa: E402

# Small objects a model holds besides its arena (the Model object, shape and
# quantization tuples, the file object), measured at about 1 KB.
MODEL_OVERHEAD = 4096


def run_rom(cpu: str, source: str, rom: Path | None, timeout: float = 300) -> str:
    firmware = need(BUILDS / f"qemu-{cpu}" / "firmware.elf", f"scripts/build_micropython.sh {cpu}")
    out, err, status = qemu.run(source, cpu, firmware, timeout, rom=rom)
    if status != 0:
        pytest.fail(f"qemu {cpu}: status {status}\nstdout:\n{out[-3000:]}\nstderr:\n{err[-3000:]}",
                    pytrace=False)
    return out


def rom_image(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = tmp_path / "rom"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    image = tmp_path / "rom.img"
    image.write_bytes(mkromfs.build(root))
    return image


def results(text: str) -> dict[str, str]:
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in text.splitlines() if " " in line}


# Loads MODEL from /rom measuring the heap, runs INPUT, prints the raw int8
# output (the callback sees the output tensors before dequantization). The
# model lives in a function's frame, so that nothing on the stack keeps it
# (or temporaries) alive when the heap is measured after it is gone.
IN_PLACE = """import gc, ml
def load_and_run():
    gc.collect()
    free0 = gc.mem_free()
    m = ml.Model(MODEL)
    gc.collect()
    print("used", free0 - gc.mem_free())
    print("ram", m.ram)
    print("len", m.len)
    print("labels", m.labels)
    print("where", str(m).count("in place"))
    return free0, m.predict([INPUT], callback=lambda m, i, o: bytes(o[0]))
free0, raw = load_and_run()
gc.collect()
print("freed", gc.mem_free() + len(raw) - free0)
print("raw", raw.hex())
"""


def check_in_place(got: dict[str, str], model_len: int, golden: bytes):
    used, ram = int(got["used"]), int(got["ram"])
    assert int(got["len"]) == model_len
    assert ram <= used <= ram + MODEL_OVERHEAD, f"heap grew by {used} for an arena of {ram}"
    assert abs(int(got["freed"])) <= 256, "the model's memory did not all come back"
    assert got["raw"] == golden.hex()
    assert got["where"] == "1"


# --------------------------------------------------------------------------- images

@pytest.mark.suite("micropython-rom", "/rom and time on qemu")
def test_mkromfs_image_on_unix(tmp_path):
    """MicroPython's own VfsRom (unix port) reads an image of nested
    directories and files of awkward sizes (0, 1, 15, 17 bytes, ...) back
    byte for byte, every file's data 16-byte aligned within the image."""
    from test_micropython import UNIX
    unix = need(UNIX, "scripts/build_micropython.sh unix")
    rng = np.random.default_rng(3)
    files = {name: rng.integers(0, 256, size, dtype=np.uint8).tobytes()
             for name, size in (("empty", 0), ("one", 1), ("a/b", 15), ("a/c/d.bin", 17),
                                ("a/c/e.tflite", 100_003), ("z.txt", 16))}
    image = rom_image(tmp_path, files)
    script = tmp_path / "check.py"
    script.write_text(f"""import vfs, uctypes, hashlib, binascii
data = open({str(image)!r}, "rb").read()
vfs.mount(vfs.VfsRom(data), "/rom")
for name in {sorted(files)!r}:
    f = open("/rom/" + name, "rb")
    print(name, (uctypes.addressof(f) - uctypes.addressof(data)) % 16,
          binascii.hexlify(hashlib.sha256(f.read()).digest()).decode())
""")
    import hashlib
    import subprocess
    out = subprocess.run([str(unix), str(script)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [f"{n} 0 {hashlib.sha256(files[n]).hexdigest()}"
                                       for n in sorted(files)]
    assert len(image.read_bytes()) % 2 == 0


@pytest.mark.suite("micropython-rom", "/rom and time on qemu")
def test_bad_image_is_not_mounted(tmp_path):
    """An image whose length runs past the flash window, or with a corrupt
    header, leaves /rom unmounted and the firmware working."""
    for n, blob in enumerate((b"\xd2\xcd\x31\x8f\xff\xff\xff\x7f" + bytes(8),
                              b"\xd2\xcd\x32\x04" + bytes(4))):
        image = tmp_path / f"bad{n}.img"
        image.write_bytes(blob)
        out = run_rom("m55", "import os\nprint('root', os.listdir('/'))\n", image)
        assert results(out)["root"] == "[]", out


# --------------------------------------------------------------------------- models in place

def person_files(shared_dir: Path):
    d = shared_dir / "models" / "tflm_person_detect"
    return d / "model.tflite", (d / "input0.bin").read_bytes(), (d / "output0.bin").read_bytes()


@pytest.mark.suite("micropython-rom", "/rom and time on qemu")
@pytest.mark.parametrize("cpu", QEMU_CPUS)
def test_person_detect_from_rom(cpu, shared_dir, tmp_path):
    """person_detect and its labels from /rom: TFLM's golden output, heap use = arena."""
    model, data, golden = person_files(shared_dir)
    image = rom_image(tmp_path, {"models/person.tflite": model.read_bytes(),
                                 "models/person.txt": b"no_person\nperson\n"})
    source = f"MODEL = '/rom/models/person.tflite'\nINPUT = {data!r}\n" + IN_PLACE
    got = results(run_rom(cpu, source, image))
    check_in_place(got, model.stat().st_size, golden)
    assert got["labels"] == "['no_person', 'person']"


@pytest.mark.suite("micropython-rom", "/rom and time on qemu")
@pytest.mark.parametrize("cpu", QEMU_CPUS)
def test_rom_errors(cpu, shared_dir, tmp_path):
    """A missing file, a truncated model and a directory in /rom raise clear
    errors; a write is refused; the filesystem stays usable after them."""
    model, data, golden = person_files(shared_dir)
    raw = model.read_bytes()
    image = rom_image(tmp_path, {"person.tflite": raw, "cut.tflite": raw[:len(raw) // 2],
                                 "stub.tflite": raw[:7], "dir/x.txt": b"x"})
    source = f"INPUT = {data!r}\n" + """import ml, os
for path in ("/rom/missing.tflite", "/rom/cut.tflite", "/rom/stub.tflite", "/rom/dir"):
    try:
        ml.Model(path)
        print(path, "loaded")
    except Exception as e:
        print(path, type(e).__name__, e)
try:
    open("/rom/new.txt", "wb")
    print("write", "allowed")
except OSError as e:
    print("write", "refused")
print("list", sorted(os.listdir("/rom")))
m = ml.Model("/rom/person.tflite")
print("raw", m.predict([INPUT], callback=lambda m, i, o: bytes(o[0])).hex())
"""
    got = results(run_rom(cpu, source, image))
    assert got["/rom/missing.tflite"].startswith("OSError") and "missing.tflite" in got["/rom/missing.tflite"]
    for cut in ("/rom/cut.tflite", "/rom/stub.tflite"):
        assert got[cut].startswith("ValueError"), got[cut]
    assert got["/rom/dir"].startswith("OSError") and "directory" in got["/rom/dir"]
    assert got["write"] == "refused"
    assert got["list"] == "['cut.tflite', 'dir', 'person.tflite', 'stub.tflite']"
    assert got["raw"] == golden.hex()


def large_model(rng) -> bytes:
    """A 3.6 MB int8 conv net shaped like a detector's backbone: stride-2 3x3
    CONV_2Ds take a 96x96 RGB image down to 6x6, five 3x3 256->256 convs hold
    most of the weights (per-channel quantized), a last conv gives 84 channels
    as YOLOv8's head does (4 box + 80 class rows). About 110 M multiply-adds,
    15 s on QEMU's M55. Output scales follow the accumulators' spread so
    that outputs span the int8 range."""
    b = ModelBuilder("microml /rom test: 3.6 MB conv stack")
    scale = 1 / 255
    x = first = b.tensor("x", [1, 96, 96, 3], "int8", scale=scale, zero_point=-128)
    layers = [(3, 32, 2), (32, 64, 2), (64, 128, 2), (128, 256, 2)] + [(256, 256, 1)] * 5 + [(256, 84, 1)]
    side = 96
    for i, (cin, cout, stride) in enumerate(layers):
        side //= stride
        w = b.const(f"w{i}", rng.integers(-127, 128, (cout, 3, 3, cin), dtype=np.int8), "int8",
                    scale=[0.004] * cout, zero_point=[0] * cout)
        bias = b.const(f"b{i}", rng.integers(-2000, 2000, cout, dtype=np.int32), "int32",
                       scale=[scale * 0.004] * cout, zero_point=[0] * cout)
        out_scale = float(scale * 0.004 * 73 * np.sqrt(9 * cin) * 60 / 320)
        y = b.tensor(f"y{i}", [1, side, side, cout], "int8", scale=out_scale, zero_point=-20)
        opts = S.Conv2DOptionsT()
        opts.padding = S.Padding.SAME
        opts.strideW = opts.strideH = stride
        opts.fusedActivationFunction = S.ActivationFunctionType.RELU if i < len(layers) - 1 else 0
        b.op("CONV_2D", [x, w, bias], [y], options=opts)
        x, scale = y, out_scale
    b.inputs([first])
    b.outputs([x])
    return b.finish()


@pytest.mark.suite("micropython-rom", "/rom and time on qemu")
def test_three_megabyte_model_on_m55(tmp_path):
    """A 3.6 MB model runs from /rom on the M55, whose 2.5 MB heap could not
    hold a copy: TFLM's output, and the heap grows by the arena only."""
    rng = np.random.default_rng(1)
    model = large_model(rng)
    data = rng.integers(-128, 128, (1, 96, 96, 3), dtype=np.int8)
    golden = run_tflm(model, [data])[0].astype(np.int8)
    assert len(np.unique(golden)) > 100, "outputs saturate: the test would check little"
    golden = golden.tobytes()
    image = rom_image(tmp_path, {"big.tflite": model})
    source = (f"MODEL = '/rom/big.tflite'\nINPUT = {data.tobytes()!r}\n"
              "import gc\ngc.collect()\nprint('heap', gc.mem_free() + gc.mem_alloc())\n" + IN_PLACE)
    got = results(run_rom("m55", source, image))
    assert len(model) > 3_000_000 and len(model) > int(got["heap"])
    check_in_place(got, len(model), golden)


# --------------------------------------------------------------------------- MicroSpeech

@pytest.mark.suite("micropython-rom", "/rom and time on qemu")
@pytest.mark.parametrize("cpu", QEMU_CPUS)
def test_micro_speech_wav_from_rom(cpu, shared_dir, tmp_path):
    """MicroSpeech(audio="/rom/<clip>.wav").listen() hears what OpenMV's
    algorithm hears with TFLM (yes -> Yes, no -> No), its two models and the
    labels taken from /rom (where ml.apps looks first), not the built-in copies."""
    import test_openmv_compat as openmv
    openmv.REPO_SHARED = shared_dir
    clips = ("yes_1000ms", "no_1000ms")
    files = {f"{c}.wav": (shared_dir / "audio" / f"{c}.wav").read_bytes() for c in clips}
    files["micro_speech.tflite"] = (REPO / "models" / "micro_speech.tflite").read_bytes()
    files["micro_speech.txt"] = (REPO / "micropython" / "models" / "micro_speech.txt").read_bytes()
    files["audio_preprocessor.tflite"] = (REPO / "micropython" / "models" / "audio_preprocessor.tflite").read_bytes()
    image = rom_image(tmp_path, files)
    source = "from ml.apps import MicroSpeech\n"
    for c in clips:
        source += (f"s = MicroSpeech(audio='/rom/{c}.wav')\nmodels = (s.micro_speech, s.preprocessor)\n"
                   f"print('{c}', s.listen()[0], *(str(m).count('in place') for m in models))\n")
    got = results(run_rom(cpu, source, image))
    for c in clips:
        want = openmv.openmv_micro_speech(openmv.wav_samples(shared_dir / "audio" / f"{c}.wav"))
        assert got[c] == f"{want[0] if want else None} 1 1"
    assert [got[c].split()[0] for c in clips] == ["Yes", "No"]


# --------------------------------------------------------------------------- time

@pytest.mark.suite("micropython-rom", "/rom and time on qemu")
@pytest.mark.parametrize("cpu", QEMU_CPUS)
def test_time_module(cpu):
    """ticks arithmetic wraps at 2**30; sleeps last at least what they ask by
    the ticks and by the host's clock (ticks follow host time, not faster);
    time.time() is the host's (epoch 2000)."""
    source = """import time
print("wrap", time.ticks_add(0, -1), time.ticks_add(2**30 - 1, 1), time.ticks_diff(5, 2**30 - 5),
      time.ticks_diff(2**30 - 5, 5), time.ticks_diff(2**29, 0))
t = time.ticks_ms(); u = time.ticks_us()
time.sleep_ms(300)
time.sleep(0.3)
time.sleep_us(300000)
print("slept", time.ticks_diff(time.ticks_ms(), t), time.ticks_diff(time.ticks_us(), u))
print("now", time.time())
try:
    time.ticks_add(0, 2**30)
except OverflowError:
    print("overflow", "raised")
"""
    start = time.monotonic()
    got = results(run_rom(cpu, source, None))
    host_elapsed = time.monotonic() - start
    assert got["wrap"] == f"{2**30 - 1} 0 10 -10 {-2**29}"
    ms, us = (int(v) for v in got["slept"].split())
    assert 900 <= ms < 5000 and 900_000 <= us < 5_000_000 and abs(us / 1000 - ms) < 2
    assert host_elapsed >= ms / 1000, "ticks ran faster than the host's clock"
    assert abs(int(got["now"]) + 946684800 - time.time()) < 60
    assert got["overflow"] == "raised"
