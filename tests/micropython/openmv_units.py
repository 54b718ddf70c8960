# OpenMV's ml unit tests (scripts/unittest/tests/ml_*.py) with OpenMV's own
# expected results, adapted only where OpenMV's camera-side API is missing:
# image.Image(path, copy_to_fb=True) -> load_bmp(path); the `omv.arch()`
# check dropped; np.array(..., dtype=np.int8) -> ml.ndarray(..., dtype="b");
# FOMO's 0.4257813 written as the float32 value it is on OpenMV (0.42578125),
# since the unix port's floats are double. Prints "<test> PASS|FAIL".
import ml
from ml.preprocessing import Image, RGB565, Normalization
import sys
D = DATA  # set by test_openmv_units.py: a directory with the data files and models

def load_bmp(path):
    f = open(path, "rb"); d = f.read(); f.close()
    off = d[10] | d[11] << 8
    w = int.from_bytes(d[18:22], "little")
    h = int.from_bytes(d[22:26], "little")
    if h >= 2**31:
        h -= 2**32
    rows = []
    stride = (w * 2 + 3) & ~3
    bottom_up = h > 0
    h = abs(h)
    out = bytearray(w * h * 2)
    for y in range(h):
        sy = h - 1 - y if bottom_up else y
        out[y * w * 2:(y + 1) * w * 2] = d[off + sy * stride: off + sy * stride + w * 2]
    return Image(out, w, h, RGB565)

def square(img):
    s = min(img.width(), img.height())
    return img.crop(roi=((img.width() - s) // 2, (img.height() - s) // 2, s, s))

def t_person_detect():
    img = load_bmp(D + "/person.bmp")
    model = ml.Model(D + "/person_detect.tflite")
    output = model.predict([img])
    scores = sorted(zip(model.labels, output[0].flatten().tolist()), key=lambda x: x[1], reverse=True)
    print("   ", scores)
    return scores[0][0] == "person" and scores[0][1] >= 0.9

def t_blazeface():
    from ml.postprocessing.mediapipe import BlazeFace
    img = square(load_bmp(D + "/faces.bmp"))
    model = ml.Model(D + "/blazeface_front_128.tflite", postprocess=BlazeFace(threshold=0.4))
    output = model.predict([img])
    print("   ", [(r, s) for r, s, k in output])
    expected = [[76, 14, 48, 48], [163, 155, 36, 36], [170, 2, 40, 40], [4, 97, 36, 36]]
    return len(output) == len(expected) and all(r == e for (r, s, k), e in zip(output, expected))

def t_palm():
    from ml.postprocessing.mediapipe import BlazePalm
    img = load_bmp(D + "/hand.bmp")
    model = ml.Model(D + "/palm_detection_full_192.tflite", postprocess=BlazePalm(threshold=0.4))
    output = model.predict([img])
    print("   ", [(r, s) for r, s, k in output])
    return len(output) == 1 and output[0][0] == [107, 194, 152, 152]

def t_hand_landmarks():
    from ml.postprocessing.mediapipe import BlazePalm, HandLandmarks
    img = square(load_bmp(D + "/hand.bmp"))
    palms = ml.Model(D + "/palm_detection_full_192.tflite", postprocess=BlazePalm(threshold=0.4)).predict([img])
    print("    palms", [(r, s) for r, s, k in palms])
    if len(palms) != 1 or palms[0][0] != [107, 194, 152, 152]:
        return False
    r = palms[0][0]
    n = Normalization(roi=(r[0] - r[2], r[1] - r[3], r[2] * 3, r[3] * 3))
    hands = ml.Model(D + "/hand_landmarks_full_224.tflite", postprocess=HandLandmarks(threshold=0.4)).predict([n(img)])
    print("    hands", hands and [[(h[0], h[1]) for h in c] for c in hands])
    if not hands:
        return False
    r, score, kp = hands[0][0]
    return r == [14, 48, 285, 364] and kp.shape == (21, 3)

def t_face_landmarks():
    from ml.postprocessing.mediapipe import BlazeFace, FaceLandmarks
    img = square(load_bmp(D + "/faces.bmp"))
    faces = ml.Model(D + "/blazeface_front_128.tflite", postprocess=BlazeFace(threshold=0.4)).predict([img])
    r = faces[0][0]
    n = Normalization(roi=(r[0] - r[2] // 2, r[1] - r[3] // 2, r[2] * 2, r[3] * 2))
    marks = ml.Model(D + "/face_landmarks_192.tflite", postprocess=FaceLandmarks(threshold=0.4)).predict([n(img)])
    print("   ", [(m[0], m[1]) for m in marks])
    return len(marks) == 1 and marks[0][0] == [74, 0, 50, 61] and marks[0][2].shape == (468, 3)

def t_movenet():
    from ml.postprocessing.mediapipe import MoveNet
    img = load_bmp(D + "/person.bmp")
    det = ml.Model(D + "/movenet_singlepose_192.tflite", postprocess=MoveNet(threshold=0.4)).predict([img])
    print("   ", [(d[0], d[1]) for d in det])
    return len(det) == 1 and det[0][0] == [20, 104, 350, 208]

def t_yolov8():
    from ml.postprocessing.ultralytics import YoloV8
    img = load_bmp(D + "/person.bmp")
    out = ml.Model(D + "/yolov8n_192.tflite", postprocess=YoloV8(threshold=0.4)).predict([img])
    print("   ", out[0] if out else out)
    return len(out[0]) == 1 and out[0][0][1] >= 0.9

def t_yolo_lc():
    from ml.postprocessing.darknet import YoloLC
    img = load_bmp(D + "/person.bmp")
    out = ml.Model(D + "/yolo_lc_192.tflite", postprocess=YoloLC(threshold=0.2)).predict([img])
    print("   ", out)
    return True

def t_fomo():
    from ml.postprocessing.edgeimpulse import Fomo
    img = square(load_bmp(D + "/faces.bmp"))
    out = ml.Model(D + "/fomo_face_detection.tflite", postprocess=Fomo(threshold=0.4)).predict([img])
    print("   ", out)
    # OpenMV's floats are single precision: 0.4257813 is 0.42578125 there.
    return out[1] == [([130, 85, 31, 31], 0.9375), ([85, 17, 31, 31], 0.875), ([130, 198, 31, 31], 0.42578125)]

def t_regression():
    model = ml.Model(D + "/force_int_quant.tflite")
    i = ml.ndarray([-3, -1, -2, 5, -2, 10, -1, 9, 0, 2, 0, 9, 1, 10, 2, -1, 3, 5,
                    3, 9, 3, 9, 6, 2, 6, 7, 5, 10, 6, -1, 7, 4, 7, 8, 5, 7], dtype="b").reshape(model.input_shape[0])
    result = float(model.predict([i])[0].flatten()[0])
    print("   ", result)
    return abs(result - 53.78332) < 0.01

for name in sorted(n for n in dir() if n.startswith("t_")):
    try:
        ok = globals()[name]()
    except Exception as e:
        print("    error:", type(e).__name__, e)
        ok = False
    print(name, "PASS" if ok else "FAIL")
