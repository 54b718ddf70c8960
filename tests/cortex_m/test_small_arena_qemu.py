"""The smallest arena on the target: a model_test image (whose arena holds the
fastest plan) prints the default and the least arena its model runs in on
this core (setup trading speed for memory: per-channel requantization
recomputed before each eval, pairs of window operators in row bands); an
image built with exactly that arena (MICROML_CORTEX_M_SMALL_ARENAS) must set
up with a tradeoff, use the whole arena and still reproduce TFLM's golden
output, over two invocations.

Models where trading saves bytes: mlperf_kws_ref_model (recomputed scales
only) and tflm_person_detect (row bands too) on m4 (mps2-an386, Arm DSP
kernels, scales recomputed in integers), tflm_person_detect on m55
(mps3-an547, Helium), all in the default image list of build/cortex-m/<cpu>,
which scripts/cortex_m_test.sh builds as well.

Environment (as tests/cortex_m/test_fixtures_qemu.py):
  MICROML_CORTEX_M_BUILD  build directory per core, "{cpu}" replaced by m4 or
                          m55 (default <repo>/build/cortex-m/{cpu}); configured
                          like scripts/cortex_m_test.sh when it has no
                          CMakeCache.txt
  MICROML_QEMU_CPUS       cores to run (default "m4 m7 m55"; m7 has no case)
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import microml_test_util as util

TOOLCHAIN_CPU = {"m4": "cortex-m4", "m55": "cortex-m55"}
CASES = [("m4", "mlperf_kws_ref_model"), ("m4", "tflm_person_detect"),
         ("m55", "tflm_person_detect")]
CPUS = os.environ.get("MICROML_QEMU_CPUS", "m4 m7 m55").split()
BUILD_PATTERN = os.environ.get("MICROML_CORTEX_M_BUILD",
                               str(util.REPO / "build" / "cortex-m" / "{cpu}"))


def _target(model: str) -> str:
    return "model_test_" + re.sub(r"[^A-Za-z0-9_]", "_", model)


def _cache(build: Path, name: str) -> str:
    match = re.search(rf"^{name}:\w+=(.*)$", (build / "CMakeCache.txt").read_text(), re.M)
    return match.group(1) if match else ""


def _configure_and_build(build: Path, cpu: str, target: str, options: list[str], log: Path):
    """Configures (like scripts/cortex_m_test.sh the first time) with `options`
    and builds `target`."""
    with open(log, "a") as out:
        first = [] if (build / "CMakeCache.txt").is_file() else [
            "-G", "Ninja", f"-DCMAKE_TOOLCHAIN_FILE={util.REPO / 'cmake/arm-none-eabi.cmake'}",
            f"-DMICROML_CPU={TOOLCHAIN_CPU[cpu]}", "-DMICROML_HOST_TOOLS=OFF"]
        configure = subprocess.run(["cmake", "-S", str(util.REPO), "-B", str(build)] + first + options,
                                   stdout=out, stderr=subprocess.STDOUT, timeout=600)
        proc = subprocess.run(["cmake", "--build", str(build), "--target", target],
                              stdout=out, stderr=subprocess.STDOUT, timeout=3000)
    assert configure.returncode == 0 and proc.returncode == 0, \
        f"building {target} for {cpu} failed (see {log}):\n" + \
        "\n".join(log.read_text().splitlines()[-20:])
    return build / "cortex-m" / f"{target}.elf"


def _run(cpu: str, elf: Path, invocations: int) -> str:
    proc = subprocess.run([str(util.REPO / "cortex-m" / "run"), "--cpu", cpu, "--timeout", "600",
                           str(elf), str(invocations)], capture_output=True, text=True, timeout=700)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{elf.name} exited with {proc.returncode}:\n{output[-4000:]}"
    return output


@pytest.mark.parametrize("cpu,model", [c for c in CASES if c[0] in CPUS])
def test_smallest_arena_on_target(cpu, model):
    if shutil.which("arm-none-eabi-g++") is None or shutil.which("qemu-system-arm") is None:
        pytest.skip("needs arm-none-eabi-g++ and qemu-system-arm")
    build = Path(BUILD_PATTERN.replace("{cpu}", cpu))
    log = build / "logs" / f"small_arena_{model}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)

    # The model's image in the default list (added if an earlier run chose others).
    options = []
    if (build / "CMakeCache.txt").is_file():
        models = _cache(build, "MICROML_CORTEX_M_MODELS").split(";")
        if model not in models:
            options.append("-DMICROML_CORTEX_M_MODELS=" + ";".join([m for m in models if m] + [model]))
    plain_elf = _configure_and_build(build, cpu, _target(model), options, log)
    setup = _run(cpu, plain_elf, 0)
    figures = {}
    for name in ("smallest_arena_bytes", "default_arena_bytes", "arena_used_bytes"):
        match = re.search(rf"^model_test: {name} (\d+)", setup, re.M)
        assert match, setup[-2000:]
        figures[name] = int(match.group(1))
    smallest, standard = figures["smallest_arena_bytes"], figures["default_arena_bytes"]
    fastest = figures["arena_used_bytes"]  # the image's arena holds the fastest plan
    assert "model_test: arena_tradeoff 0" in setup, setup[-2000:]
    assert smallest <= standard <= fastest, setup[-2000:]
    assert smallest < fastest, f"{model} on {cpu}: trading speed no longer saves bytes " \
        f"({smallest} vs {fastest}): this test needs a model where it does"

    small_elf = _configure_and_build(build, cpu, f"{_target(model)}_arena_{smallest}",
                                     [f"-DMICROML_CORTEX_M_SMALL_ARENAS={model}={smallest}"], log)
    output = _run(cpu, small_elf, 2)
    print(output)
    assert re.search(rf"^model_test: arena_used_bytes {smallest} of {smallest}$", output, re.M), \
        output[-2000:]
    assert re.search(r"^model_test: arena_tradeoff [1-9]$", output, re.M), output[-2000:]
    assert "model_test: PASS" in output, output[-2000:]
