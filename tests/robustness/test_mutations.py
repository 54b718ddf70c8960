"""Hostile models: `inspect` and `run` on every model gen_mutations.py makes must
exit normally (0, or non-zero with a one-line message). A signal, a hang or a
sanitizer report is a failure.

MICROML_MUTATION_TIMEOUT  seconds per command (default 30)
MICROML_MUTATION_JOBS     parallel commands (default: CPU count)
MICROML_MUTATION_DIR      keep the generated models here (default: pytest tmp dir)
MICROML_MUTATION_BUDGET   mutants per source model (default 200: about 2900 in all)
MICROML_MUTATION_SEED     another seed gives other mutants (default 0)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import microml_test_util as util

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_mutations  # noqa: E402

TIMEOUT = float(os.environ.get("MICROML_MUTATION_TIMEOUT", "30"))
JOBS = int(os.environ.get("MICROML_MUTATION_JOBS", "0")) or os.cpu_count() or 2
BUDGET = int(os.environ.get("MICROML_MUTATION_BUDGET", str(gen_mutations.DEFAULT_PER_MODEL)))
SEED = int(os.environ.get("MICROML_MUTATION_SEED", "0"))
MIN_CASES = 1000

SOURCES = [s.name for s in gen_mutations.default_sources(util.SHARED, BUDGET)] \
    if util.SHARED.is_dir() else []


def signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def check_command(args: list[str], env: dict) -> str | None:
    """None when the command exited normally, else what went wrong."""
    try:
        proc = subprocess.run(args, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return f"hang: no exit after {TIMEOUT:g} s"
    stderr = proc.stderr.decode("utf-8", "replace")
    marker = util.sanitizer_report(stderr)
    if marker:
        lines = [l for l in stderr.splitlines() if marker in l or "#0 " in l or "#1 " in l]
        return f"sanitizer ({marker}): " + " | ".join(lines[:4])[:600]
    if proc.returncode < 0:
        return f"killed by {signal_name(proc.returncode)}; stderr: {stderr.strip()[:300]!r}"
    if proc.returncode != 0:
        lines = stderr.strip().splitlines()
        if not lines:
            return f"exit {proc.returncode} without a message on stderr"
        if len(lines) != 1:
            return f"exit {proc.returncode} with {len(lines)} stderr lines, expected one: {stderr[:300]!r}"
    return None


def run_case(case: dict, binary: str, out_root: Path, env: dict) -> list[str]:
    failures = []
    problem = check_command([binary, "inspect", case["model"], "--json"], env)
    if problem:
        failures.append(f"inspect: {problem}")
    out_dir = out_root / case["id"]
    out_dir.mkdir(parents=True, exist_ok=True)
    args = [binary, "run", case["model"]]
    for path in case["inputs"]:
        args += ["--input", path]
    args += ["--output-dir", str(out_dir)]
    problem = check_command(args, env)
    if problem:
        failures.append(f"run: {problem}")
    shutil.rmtree(out_dir, ignore_errors=True)
    return failures


@pytest.fixture(scope="session")
def mutation_results(microml_bin, shared_dir, tmp_path_factory):
    keep = os.environ.get("MICROML_MUTATION_DIR")
    root = Path(keep) if keep else tmp_path_factory.mktemp("mutations")
    if keep and root.exists():
        shutil.rmtree(root)
    started = time.monotonic()
    cases = gen_mutations.generate(root / "models", shared_dir, BUDGET, SEED)
    generated = time.monotonic()
    env = dict(os.environ)
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    out_root = root / "outputs"
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        results = list(pool.map(lambda c: run_case(c, str(microml_bin), out_root, env), cases))
    finished = time.monotonic()
    by_source: dict[str, list[str]] = {}
    for case, failures in zip(cases, results):
        by_source.setdefault(case["source"], [])
        for f in failures:
            by_source[case["source"]].append(f"{case['model']}: {f}")
    clean = sum(1 for r in results if not r)
    util.add_summary("robustness", clean, len(cases),
                     f"mutated models handled cleanly by inspect and run "
                     f"(generated in {generated - started:.1f} s, ran in {finished - generated:.0f} s "
                     f"with {JOBS} jobs; models in {root / 'models'})")
    return {"cases": cases, "by_source": by_source, "root": root}


def test_enough_mutations(mutation_results):
    if BUDGET >= gen_mutations.DEFAULT_PER_MODEL:
        assert len(mutation_results["cases"]) >= MIN_CASES


@pytest.mark.suite("robustness sources", "source models whose mutants are all handled cleanly")
@pytest.mark.parametrize("source", SOURCES)
def test_mutations_exit_cleanly(mutation_results, source):
    failures = mutation_results["by_source"].get(source, [])
    total = sum(1 for c in mutation_results["cases"] if c["source"] == source)
    assert total > 0, f"no mutants generated from {source}"
    shown = "\n".join(failures[:25])
    more = f"\n... and {len(failures) - 25} more" if len(failures) > 25 else ""
    assert not failures, (f"{len(failures)} failures among {total} mutants of {source} "
                          f"(regenerate with: python tests/robustness/gen_mutations.py DIR "
                          f"--per-model {BUDGET} --seed {SEED}):\n"
                          f"{shown}{more}")
