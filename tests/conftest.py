"""pytest fixtures for the microml CLI suites.

Environment:
  MICROML_BIN     the CLI (default <repo>/build/bin/microml)
  MICROML_SHARED  the team data folder (default <repo>/../shared)

Tests tagged @pytest.mark.suite("name", "what passing means") are counted per
suite and summarised at the end of the session ("8/8 bit-exact").
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import microml_test_util as util  # noqa: E402

_SUITES: dict[str, dict] = {}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "suite(name, noun): count this test in the named summary line")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture(scope="session")
def microml_bin() -> Path:
    if not util.MICROML_BIN.is_file():
        pytest.fail(f"CLI not found at {util.MICROML_BIN}: build it "
                    f"(cmake -S . -B build -G Ninja && cmake --build build) or set MICROML_BIN",
                    pytrace=False)
    return util.MICROML_BIN


@pytest.fixture(scope="session")
def cli(microml_bin) -> util.Cli:
    return util.Cli(microml_bin)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not util.SHARED.is_dir():
        pytest.fail(f"shared data not found at {util.SHARED}; set MICROML_SHARED", pytrace=False)
    return util.SHARED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("suite")
    if marker is None:
        return
    name = marker.args[0]
    noun = marker.args[1] if len(marker.args) > 1 else "passed"
    suite = _SUITES.setdefault(name, {"noun": noun, "passed": [], "failed": [], "skipped": []})
    test_id = item.callspec.id if hasattr(item, "callspec") else item.name
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if report.passed:
            suite["passed"].append(test_id)
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            suite["skipped"].append(f"{test_id}: {reason.removeprefix('Skipped: ')}")
        else:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash is not None else str(report.longrepr)
            suite["failed"].append(f"{test_id}: {_short(message)}")


def _short(message: str, limit: int = 160) -> str:
    """First meaningful line of a failure message, without the exception class."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = lines[0] if lines else ""
    for prefix in ("AssertionError: ", "microml_test_util.CliError: ", "CliError: ", "Failed: "):
        text = text.removeprefix(prefix)
    text = re.sub(r"microml: error: (\S+\.tflite: )?", "", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _grouped_skips(skips: list[str]) -> list[str]:
    """One line per distinct reason ("a-seed0, a-seed1: reason" -> "a-seed0 (+1 more): reason")."""
    by_reason: dict[str, list[str]] = {}
    for skip in skips:
        test_id, _, reason = skip.partition(": ")
        by_reason.setdefault(reason, []).append(test_id)
    lines = []
    for reason, ids in by_reason.items():
        more = f" (+{len(ids) - 1} more)" if len(ids) > 1 else ""
        lines.append(f"{ids[0]}{more}: {_short(reason, 240)}")
    return lines


def pytest_terminal_summary(terminalreporter):
    if not _SUITES and not util.EXTRA_SUMMARIES:
        return
    tr = terminalreporter
    tr.write_sep("=", "microml summary")
    for name, s in _SUITES.items():
        ran = len(s["passed"]) + len(s["failed"])
        line = f"{name}: {len(s['passed'])}/{ran} {s['noun']}"
        if s["skipped"]:
            line += f" ({len(s['skipped'])} skipped)"
        tr.write_line(line, red=bool(s["failed"]), green=not s["failed"])
        for failure in s["failed"][:40]:
            tr.write_line(f"    FAILED {failure}")
        if len(s["failed"]) > 40:
            tr.write_line(f"    ... and {len(s['failed']) - 40} more")
        for skip in _grouped_skips(s["skipped"]):
            tr.write_line(f"    SKIPPED {skip}")
    for name, passed, total, note in util.EXTRA_SUMMARIES:
        tr.write_line(f"{name}: {passed}/{total} {note}".rstrip(),
                      red=passed != total, green=passed == total)
