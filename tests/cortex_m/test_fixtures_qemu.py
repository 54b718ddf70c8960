"""Operator fixtures on the target: the optimized kernels (Arm DSP on M4/M7,
Helium on M55, which only run on Arm) must reproduce TFLM bit-exactly.

Every fixture of tests/fixtures/ops/*.json for the operators with optimized
kernels (OPS, all dtypes: the int16/float ones exercise the fallbacks) gets
the seeded random inputs of tests/conformance/test_ops_oracle.py (its own
input function), TFLM (the tflite-micro package) computes the expected
outputs, and cortex-m/fixture_runner runs all of them in one QEMU launch per
core: m4 on mps2-an386, m7 on mps2-an500, m55 on mps3-an547. One test per
fixture and core (covering every seed); fixtures marked "expect": "error" must
be refused on the target with the host CLI's message. A job that crashes the
runner fails only its own test: the batch goes on in a new launch.

Environment:
  MICROML_CORTEX_M_BUILD  build directory per core, "{cpu}" replaced by m4,
                          m7 or m55 (default <repo>/build/cortex-m/{cpu}, as
                          scripts/cortex_m_test.sh); configured like that
                          script when it has no CMakeCache.txt, and the
                          fixture_runner target is built before the run
  MICROML_QEMU_CPUS       cores to run (default "m4 m7 m55")
  MICROML_QEMU_KERNELS    optimized (default) or reference
  MICROML_QEMU_SEEDS      seeds of the inputs per fixture (default 3: 0, 1, 2, as
                          the oracle test), all in the same batch
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import microml_test_util as util

sys.path.insert(0, str(util.REPO / "tests" / "conformance"))
from test_ops_oracle import _random_input  # noqa: E402  the oracle's inputs, not a copy

FIXTURES = util.REPO / "tests" / "fixtures" / "ops"
OPS = ("conv_2d", "depthwise_conv_2d", "fully_connected", "average_pool_2d", "max_pool_2d",
       "add", "mul", "softmax", "pad", "padv2")
TOOLCHAIN_CPU = {"m4": "cortex-m4", "m7": "cortex-m7", "m55": "cortex-m55"}
CPUS = os.environ.get("MICROML_QEMU_CPUS", "m4 m7 m55").split()
KERNELS = os.environ.get("MICROML_QEMU_KERNELS", "optimized")
SEEDS = tuple(range(int(os.environ.get("MICROML_QEMU_SEEDS", "3"))))
BUILD_PATTERN = os.environ.get("MICROML_CORTEX_M_BUILD",
                               str(util.REPO / "build" / "cortex-m" / "{cpu}"))
# A launch that times out counts as a crash of its current job. Jobs take
# about 2 ms each (3500 in 4-8 s); the margin is for slow, loaded machines.
LAUNCH_TIMEOUT_S = 60
LAUNCH_TIMEOUT_PER_JOB_S = 0.05


def _entries() -> list[dict]:
    entries = []
    for index in sorted(FIXTURES.glob("*.json")):
        entries += [e for e in json.loads(index.read_text()) if e["op"] in OPS]
    return entries


ENTRIES = _entries()


def _fixture_id(entry: dict) -> str:
    return f"{entry['op']}/{entry['name']}"


def _model_path(entry: dict) -> Path:
    return FIXTURES / entry["op"] / f"{entry['name']}.tflite"


def _io_counts(model_bytes: bytes) -> tuple[int, int]:
    """Inputs and outputs of the model's main subgraph."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as S
    sub = S.Model.GetRootAs(model_bytes, 0).Subgraphs(0)
    return sub.InputsLength(), sub.OutputsLength()


class Job:
    """One fixture on one seed: its input files and TFLM's outputs (none when
    it must be refused)."""

    def __init__(self, number: int, entry: dict, seed: int, work: Path):
        self.number = number  # position in the batch
        self.entry = entry
        self.seed = seed
        self.id = _fixture_id(entry)
        self.model = _model_path(entry)
        self.refusal = entry.get("expect") == "error"
        self.repeat = int(entry.get("invocations", 1))
        self.inputs: list[Path] = []
        self.want: list[np.ndarray] = []
        self.dir = work / "jobs" / str(number)
        if not self.refusal:
            self._oracle()

    def _oracle(self):
        from tflite_micro.python.tflite_micro import runtime

        model_bytes = self.model.read_bytes()
        num_inputs, num_outputs = _io_counts(model_bytes)
        ranges = self.entry.get("input_ranges") or [None] * num_inputs
        # The oracle test's seeding (test_ops_oracle.py), so both see the same inputs.
        rng = np.random.default_rng(self.seed * 7919 + 17)
        interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=16 << 20)
        inputs = [_random_input(rng, interpreter.get_input_details(i), ranges[i])
                  for i in range(num_inputs)]
        self.dir.mkdir(parents=True, exist_ok=True)
        for i, x in enumerate(inputs):
            path = self.dir / f"input{i}.bin"
            path.write_bytes(np.ascontiguousarray(x).astype(x.dtype.newbyteorder("<")).tobytes())
            self.inputs.append(path)
        for _ in range(self.repeat):
            for i, x in enumerate(inputs):
                interpreter.set_input(x, i)
            interpreter.invoke()
        self.want = [np.array(interpreter.get_output(k)) for k in range(num_outputs)]

    def output(self, cpu: str, k: int) -> Path:
        return self.dir / f"{cpu}_output{k}.bin"

    def manifest_line(self, cpu: str) -> str:
        outputs = [str(self.output(cpu, k)) for k in range(len(self.want))]
        fields = [KERNELS, str(self.repeat), str(self.model), str(len(self.inputs)),
                  *map(str, self.inputs), str(len(outputs)), *outputs]
        assert not any("\t" in f or "\n" in f for f in fields), fields
        return "\t".join(fields)


def _build_dir(cpu: str) -> Path:
    return Path(BUILD_PATTERN.replace("{cpu}", cpu))


def build_runner(cpu: str) -> Path:
    """Configures (like scripts/cortex_m_test.sh) when needed, builds fixture_runner."""
    build = _build_dir(cpu)
    log = build / "logs" / "fixture_runner_build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        if not (build / "CMakeCache.txt").is_file():
            subprocess.run(["cmake", "-S", str(util.REPO), "-B", str(build), "-G", "Ninja",
                            f"-DCMAKE_TOOLCHAIN_FILE={util.REPO / 'cmake/arm-none-eabi.cmake'}",
                            f"-DMICROML_CPU={TOOLCHAIN_CPU[cpu]}", "-DMICROML_HOST_TOOLS=OFF"],
                           stdout=out, stderr=subprocess.STDOUT, check=False, timeout=600)
        proc = subprocess.run(["cmake", "--build", str(build), "--target", "fixture_runner"],
                              stdout=out, stderr=subprocess.STDOUT, timeout=3000)
    if proc.returncode != 0:
        text = log.read_text()
        errors = [line for line in text.splitlines() if "error" in line or "FAILED" in line]
        raise RuntimeError(f"building fixture_runner for {cpu} failed (see {log}):\n"
                           + "\n".join(errors[:20] or text.splitlines()[-20:]))
    return build / "cortex-m" / "fixture_runner.elf"


def _read_results(path: Path) -> dict[int, tuple[str, str]]:
    results = {}
    if path.is_file():
        for line in path.read_text(errors="replace").splitlines():
            fields = line.split("\t", 2)
            if len(fields) >= 2 and fields[0].isdigit():
                results[int(fields[0])] = (fields[1], fields[2] if len(fields) > 2 else "")
    return results


def run_batch(cpu: str, elf: Path, jobs: list[Job], work: Path) -> dict:
    """Runs every job on QEMU; returns {job number: (status, message)} and timing. A job
    that crashes the runner (fault, timeout) is recorded as "crashed" and the
    batch goes on after it in a new launch."""
    run_dir = work / cpu
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "manifest.txt").write_text("".join(j.manifest_line(cpu) + "\n" for j in jobs))
    results: dict[int, tuple[str, str]] = {}
    first, launches = 0, 0
    start = time.monotonic()
    while first < len(jobs):
        launches += 1
        timeout = int(LAUNCH_TIMEOUT_S + LAUNCH_TIMEOUT_PER_JOB_S * (len(jobs) - first))
        try:
            proc = subprocess.run(
                [str(util.REPO / "cortex-m" / "run"), "--cpu", cpu, "--timeout", str(timeout),
                 str(elf), "manifest.txt", f"results{launches}.txt", str(first)],
                cwd=run_dir, capture_output=True, text=True, errors="replace",
                timeout=timeout + 60)
            status, log = proc.returncode, (proc.stdout + proc.stderr).strip()
        except subprocess.TimeoutExpired:
            status, log = 124, "timeout"
        done = _read_results(run_dir / f"results{launches}.txt")
        results.update(done)
        missing = [i for i in range(first, len(jobs)) if i not in done]
        if not missing:
            break
        if status == 2 and first == 0 and not done:
            raise RuntimeError(f"fixture_runner on {cpu} did not start: {log[-2000:]}")
        tail = " | ".join(log.splitlines()[-3:])
        results[missing[0]] = ("crashed", f"runner exit status {status}: {tail}")
        first = missing[0] + 1
    return {"results": results, "seconds": time.monotonic() - start, "launches": launches}


class TargetRuns:
    """Prepares the jobs once and runs each core's batch on first request; the
    builds run one at a time (ninja uses every core), the QEMU runs overlap them."""

    def __init__(self, work: Path, cpus: list[str]):
        self.work = work
        self.cpus = cpus
        self.lock = threading.Lock()
        self.jobs: list[Job] | None = None
        self.by_fixture: dict[int, list[Job]] = {}
        self.futures: dict = {}
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.build_lock = threading.Lock()

    def _prepare(self):
        if self.jobs is None:
            start = time.monotonic()
            self.jobs = []
            for i, e in enumerate(ENTRIES):
                # A refusal does not depend on the inputs: one job.
                seeds = SEEDS[:1] if e.get("expect") == "error" else SEEDS
                self.by_fixture[i] = [Job(len(self.jobs) + k, e, seed, self.work)
                                      for k, seed in enumerate(seeds)]
                self.jobs += self.by_fixture[i]
            self.oracle_seconds = time.monotonic() - start

    def _build_and_run(self, cpu: str) -> dict:
        start = time.monotonic()
        with self.build_lock:
            elf = build_runner(cpu)
        built = time.monotonic() - start
        run = run_batch(cpu, elf, self.jobs, self.work)
        ok = sum(1 for j in self.jobs if self._passes(j, run["results"].get(j.number)))
        run["summary"] = (f"qemu {cpu} batch", ok, len(self.jobs),
                          f"jobs ran or were refused as expected ({run['seconds']:.1f} s on "
                          f"QEMU, {run['launches']} launch(es); build {built:.0f} s; TFLM "
                          f"{self.oracle_seconds:.0f} s)")
        return run

    @staticmethod
    def _passes(job: Job, result) -> bool:
        return result is not None and result[0] == ("refused" if job.refusal else "ok")

    def get(self, cpu: str) -> dict:
        with self.lock:
            if not self.futures:
                self._prepare()
                for c in self.cpus:
                    self.futures[c] = self.pool.submit(self._build_and_run, c)
        return self.futures[cpu].result()


_HOST_MESSAGES: dict[str, str] = {}


def host_refusal(cli, job: Job, tmp_path: Path) -> str:
    """The host CLI's message for a model it refuses, without "microml: error: PATH: "."""
    if job.id not in _HOST_MESSAGES:
        proc = cli.run(job.model, [], tmp_path / "host")
        assert proc.returncode > 0, f"the host CLI does not refuse it: {cli.describe(proc)}"
        text = proc.stderr_text.strip().splitlines()[0]
        prefix = f"microml: error: {job.model}: "
        assert text.startswith(prefix), f"unexpected host message {text!r}"
        _HOST_MESSAGES[job.id] = text[len(prefix):]
    return _HOST_MESSAGES[job.id]


@pytest.fixture(scope="module")
def target_runs(request, tmp_path_factory):
    # Only the cores of the selected tests (-k m55 builds and runs one).
    selected = {item.callspec.params["cpu"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_fixture_on_target"}
    runs = TargetRuns(tmp_path_factory.mktemp("qemu_fixtures"),
                      [c for c in CPUS if c in selected])
    yield runs
    runs.pool.shutdown(wait=True)
    for cpu in runs.cpus:  # in core order, whichever finished first
        future = runs.futures.get(cpu)
        if future is not None and future.exception() is None:
            util.add_summary(*future.result()["summary"])


def _params():
    return [pytest.param(cpu, i, id=f"{cpu}-{_fixture_id(e)}",
                         marks=pytest.mark.suite(f"qemu {cpu} ops ({KERNELS} kernels)",
                                                 "match TFLM"))
            for cpu in CPUS for i, e in enumerate(ENTRIES)]


@pytest.mark.slow
@pytest.mark.parametrize("cpu,index", _params())
def test_fixture_on_target(cpu, index, target_runs, request, tmp_path):
    try:
        run = target_runs.get(cpu)
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    for job in target_runs.by_fixture[index]:
        check_job(cpu, job, run["results"].get(job.number, ("missing", "no result line")),
                  request, tmp_path)


def check_job(cpu, job, result, request, tmp_path):
    status, message = result
    where = f"{job.id} on {cpu}"
    if job.refusal:
        assert status == "refused", f"{where}: expected a refusal, got {status}: {message}"
        want = host_refusal(request.getfixturevalue("cli"), job, tmp_path)
        assert message == want, f"{where}: refused with {message!r}, host CLI says {want!r}"
        return
    where += f" ({KERNELS} kernels, seed {job.seed})"
    assert status == "ok", f"{where}: {status}: {message}"
    for k, want in enumerate(job.want):
        got = job.output(cpu, k).read_bytes()
        problem = util.compare_outputs(got, want.tobytes(), want.dtype, f"output {k}")
        assert problem is None, f"{where}: {problem}"
