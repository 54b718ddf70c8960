"""OpenMV's ML examples (scripts/examples/03-Machine-Learning) on the unix
build, checked against OpenMV's expected results (its ML unit tests run the
same models on the same images). Only the camera, the microphone and the
endless frame loop are adapted, by the line replacements in CAMERA and
ADAPT (each with its reason); openmv_examples_prelude.py mounts OpenMV's
models at /rom, gives time.clock() OpenMV's frame-clock API and prints what
the example draws. Set OPENMV_REPO to a
checkout or mirror git directory of github.com/openmv/openmv to run them.

Not run: yolo_v2_detector.py and yolo_v5_detector.py (their model is a
"<model_file_name>" placeholder; OpenMV ships none), nn_stm32cubeai.py
(STM32 Cube.AI's nn_st module and its generated network), and the
02-Haar-Cascade scripts (imlib's image.HaarCascade / find_features /
find_lbp / find_keypoints, which are OpenMV's image module, not ml)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_micropython import HERE, run_unix
from test_openmv_units import read

EXAMPLES = "scripts/examples/03-Machine-Learning/00-TensorFlow"
MODELS = ("blazeface_front_128.tflite", "palm_detection_full_192.tflite",
          "hand_landmarks_full_224.tflite", "face_landmarks_192.tflite",
          "movenet_singlepose_192.tflite", "yolov8n_192.tflite", "yolov8n_192.txt",
          "yolo_lc_192.tflite", "yolo_lc_192.txt", "fomo_face_detection.tflite",
          "fomo_face_detection.txt", "force_int_quant.tflite", "person_detect.tflite",
          "person_detect.txt")
IMAGES = ("faces.bmp", "hand.bmp", "person.bmp")

# (pattern, replacement, reason); every pattern must match in a camera example.
CAMERA = (
    (r"^import csi\n", "", "no camera module on unix"),
    (r"^csi0 = csi\.CSI\(\)\n", "", "no camera"),
    (r"^csi0\.(?!snapshot\(\)).*\n", "", "camera settings (and the settle-time snapshot)"),
    (r"csi0\.snapshot\(\)", "frame()", "a test image instead of a camera frame"),
    (r"^while True:", "for _ in range(FRAMES):", "a few frames instead of an endless loop"),
)
MICROPHONE = ((r"MicroSpeech\(\)", "MicroSpeech(audio=WAV)",
               "no microphone: a recorded 16 kHz 'yes' clip instead"),)

FACES = [[76, 14, 48, 48], [163, 155, 36, 36], [170, 2, 40, 40], [4, 97, 36, 36]]
PALM = [107, 194, 152, 152]
HAND = [14, 48, 285, 364]


def draws(out):
    """[(boxes, labels)] and [keypoint counts] the example drew, per frame."""
    frames = []
    for line in out.splitlines():
        if line.startswith("FRAME"):
            frames.append(([], []))
        elif line.startswith("DRAW "):
            frames[-1][0].append(line[5:])
        elif line.startswith("KEYPOINTS "):
            frames[-1][1].append(int(line[10:]))
    return frames


def check_blazeface(out):
    boxes, kps = draws(out)[-1]
    assert boxes == ["[%r] ['face']" % f for f in FACES] and kps == [6] * 4


def check_palm(out):
    assert draws(out)[-1] == (["[%r] ['palm']" % PALM], [7])


def check_face_multi(out):
    # The first face's landmarks are OpenMV's face-landmarks unit test.
    boxes, kps = draws(out)[-1]
    assert boxes[0] == "[[74, 0, 50, 61]] ['face']" and kps and set(kps) == {468}


def check_face_single(out):
    # Frame 1 finds the faces, later frames track the last one's landmarks.
    frames = draws(out)
    assert frames[0] == ([], []) and all(len(b) == 1 and k == [468] for b, k in frames[1:])


def check_hand_multi(out):
    assert draws(out)[-1] == (["[%r] ['left']" % HAND], [21])


def check_hand_single(out):
    frames = draws(out)
    assert frames[0] == ([], []) and frames[1] == (["[%r] ['left']" % HAND], [21])
    assert len(frames[2][0]) == 1 and frames[2][1] == [21]


def check_movenet(out):
    boxes, kps = draws(out)[-1]
    assert boxes == ["[[20, 104, 350, 208]] ['person']"] and 0 < kps[0] <= 17


def check_yolov8(out):
    boxes, kps = draws(out)[-1]
    assert [b for b in boxes if b != "[] []"] == [b for b in boxes if "'person'" in b]
    assert sum(b.count("'person'") for b in boxes) == 1


def check_yolo_lc(out):
    # At the example's threshold (0.4) OpenMV's own YoloLC decoder finds
    # nothing in person.bmp either: its one box scores 0.37 (the unit test
    # uses 0.2), so the example draws nothing.
    assert draws(out)[-1] == ([], [])


def check_fomo(out):
    # Centres of OpenMV's FOMO unit-test boxes; its floats are single precision.
    want = ["x 145\ty 100\tscore 0.9375", "x 100\ty 32\tscore 0.875", "x 145\ty 213\tscore 0.42578125"]
    last = out.split("FRAME")[-1].splitlines()
    assert "********** face **********" in last and [x for x in last if x.startswith("x ")] == want


def check_classification(out):
    label, score = re.findall(r"fps\t (\w+) = ([\d.]+)", out)[-1]
    assert label == "person" and float(score) >= 0.9


def check_regression(out):
    assert abs(float(re.search(r"array\(\[\[([\d.]+)\]\]", out).group(1)) - 53.78332) < 0.01


def check_micro_speech(out, wav):
    # The keywords OpenMV's algorithm hears at the example's threshold, run by
    # TFLM's own Python interpreter (test_openmv_compat.py).
    import test_openmv_compat as compat
    compat.REPO_SHARED = wav.parents[1]
    want = compat.openmv_micro_speech(compat.wav_samples(wav), threshold=0.70)
    assert want == ["Yes"] and re.findall(r'Heard: "(\w+)" @\d+ms Scores: ', out) == want, out


# script: (frame image, squared (a square camera window), frames, adaptations, check)
ADAPT = {
    "blazeface_detector.py": ("faces.bmp", True, 1, CAMERA, check_blazeface),
    "blazepalm_detection.py": ("hand.bmp", True, 1, CAMERA, check_palm),
    "face_landmarks_multi_face.py": ("faces.bmp", True, 1, CAMERA, check_face_multi),
    "face_landmarks_single_face.py": ("faces.bmp", True, 3, CAMERA, check_face_single),
    "hand_landmarks_multi_hand.py": ("hand.bmp", True, 1, CAMERA, check_hand_multi),
    "hand_landmarks_single_hand.py": ("hand.bmp", True, 3, CAMERA, check_hand_single),
    "movenet_singlepose_detection.py": ("person.bmp", False, 1, CAMERA, check_movenet),
    "yolo_v8_detector.py": ("person.bmp", False, 1, CAMERA, check_yolov8),
    "yolo_lc_person_detector.py": ("person.bmp", False, 1, CAMERA, check_yolo_lc),
    "tf_object_detection.py": ("faces.bmp", True, 1, CAMERA, check_fomo),
    "tf_image_classification.py": ("person.bmp", False, 1, CAMERA, check_classification),
    "tf_regression.py": (None, False, 0, (), check_regression),
    "micro_speech.py": (None, False, 0, MICROPHONE, check_micro_speech),
}


def adapt(source: str, rules) -> str:
    for pattern, replacement, reason in rules:
        source, n = re.subn(pattern, replacement, source, flags=re.M)
        assert n, f"adaptation ({reason}) no longer matches: {pattern}"
    return source


@pytest.fixture(scope="module")
def openmv_data(tmp_path_factory):
    """OpenMV's models and test images, extracted once, or None."""
    repo = os.environ.get("OPENMV_REPO")
    if not repo:
        return None
    data = tmp_path_factory.mktemp("openmv")
    for name in MODELS:
        (data / name).write_bytes(read(Path(repo), f"lib/models/{name}"))
    for name in IMAGES:
        (data / name).write_bytes(read(Path(repo), f"scripts/unittest/data/{name}"))
    return data


@pytest.mark.suite("micropython-openmv", "OpenMV behaviours match")
@pytest.mark.parametrize("asan", (False, True), ids=("unix", "unix-asan"))
@pytest.mark.parametrize("script", sorted(ADAPT))
def test_openmv_ml_example(script, asan, openmv_data, tmp_path, request):
    if openmv_data is None:
        pytest.skip("OPENMV_REPO is not set")
    image, squared, frames, rules, check = ADAPT[script]
    wav = None
    if rules is MICROPHONE:
        wav = request.getfixturevalue("shared_dir") / "audio" / "yes_1000ms.wav"
    example = read(Path(os.environ["OPENMV_REPO"]), f"{EXAMPLES}/{script}").decode()
    source = (f"DATA = {str(openmv_data)!r}\nFRAME = {(image, squared)!r}\nFRAMES = {frames}\n"
              f"WAV = {str(wav)!r}\n"
              + (HERE / "openmv_examples_prelude.py").read_text() + adapt(example, rules))
    out = run_unix(source, tmp_path, "-X", "heapsize=64M", asan=asan)
    assert out.count("FRAME") == frames, out
    if wav:
        check(out, wav)
    else:
        check(out)
