"""OpenMV's own ML unit tests (scripts/unittest/tests/ml_*.py) on the unix
build, with OpenMV's expected results. They need OpenMV's test images and
models, which are not part of this repository: set OPENMV_REPO to a checkout
of github.com/openmv/openmv (a work tree, or a bare/mirror git directory) to
run them; without it the test is skipped."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from test_micropython import HERE, run_unix

FILES = {
    "scripts/unittest/data": ("faces.bmp", "hand.bmp", "person.bmp"),
    "lib/models": ("blazeface_front_128.tflite", "palm_detection_full_192.tflite",
                   "hand_landmarks_full_224.tflite", "face_landmarks_192.tflite",
                   "movenet_singlepose_192.tflite", "yolov8n_192.tflite", "yolov8n_192.txt",
                   "yolo_lc_192.tflite", "yolo_lc_192.txt", "fomo_face_detection.tflite",
                   "fomo_face_detection.txt", "force_int_quant.tflite", "person_detect.tflite",
                   "person_detect.txt"),
}
TESTS = ("t_blazeface", "t_face_landmarks", "t_fomo", "t_hand_landmarks", "t_movenet", "t_palm",
         "t_person_detect", "t_regression", "t_yolo_lc", "t_yolov8")


def read(repo: Path, path: str) -> bytes:
    if (repo / path).is_file():
        return (repo / path).read_bytes()
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:{path}"], check=True,
                          capture_output=True).stdout


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
def test_openmv_ml_unit_tests(tmp_path):
    repo = os.environ.get("OPENMV_REPO")
    if not repo:
        pytest.skip("OPENMV_REPO is not set")
    for folder, names in FILES.items():
        for name in names:
            (tmp_path / name).write_bytes(read(Path(repo), f"{folder}/{name}"))
    source = f"DATA = {str(tmp_path)!r}\n" + (HERE / "openmv_units.py").read_text()
    text = run_unix(source, tmp_path, "-X", "heapsize=64M")
    results = dict(line.split() for line in text.splitlines() if line.startswith("t_"))
    assert {t: results.get(t) for t in TESTS} == {t: "PASS" for t in TESTS}, text


# OpenMV's own Python decoders (which use ulab's numpy) instead of ours: the
# same unit tests then check `from ulab import numpy` against OpenMV's results.
DECODERS = {f"scripts/libraries/ml/ml-{pkg}/ml/postprocessing/{name}.py": name
            for pkg, name in (("ultralytics", "ultralytics"), ("darknet", "darknet"),
                              ("edgeimpulse", "edgeimpulse"), ("mediapipe", "mediapipe"))}


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
def test_openmv_python_decoders_on_ulab_numpy(tmp_path):
    repo = os.environ.get("OPENMV_REPO")
    if not repo:
        pytest.skip("OPENMV_REPO is not set")
    for folder, names in FILES.items():
        for name in names:
            (tmp_path / name).write_bytes(read(Path(repo), f"{folder}/{name}"))
    package = tmp_path / "openmv_decoders"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for path, name in DECODERS.items():
        (package / f"{name}.py").write_bytes(read(Path(repo), path))
    units = (HERE / "openmv_units.py").read_text().replace("from ml.postprocessing.", "from openmv_decoders.")
    source = f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nDATA = {str(tmp_path)!r}\n" + units
    text = run_unix(source, tmp_path, "-X", "heapsize=64M")
    results = dict(line.split() for line in text.splitlines() if line.startswith("t_"))
    assert {t: results.get(t) for t in TESTS} == {t: "PASS" for t in TESTS}, text
