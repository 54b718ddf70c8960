# ml.utils (sigmoid, logit, threshold, quantize, dequantize, NMS) and the
# decoders of ml.postprocessing on hand-made outputs. The decoders read only
# the model's shape and quantization attributes, so a stand-in object does.
import math
import ml
from ml import ndarray
from ml.utils import NMS, sigmoid, logit, threshold, quantize, dequantize
from ml.postprocessing import YoloV2, YoloLC, YoloV5, YoloV8, Fomo, BlazeFace
from ml.postprocessing import BlazePalm, HandLandmarks, FaceLandmarks, MoveNet


class Model:
    def __init__(self, input_shape, outputs):
        # outputs: (shape, dtype, scale, zero_point) per output
        self.input_shape = (input_shape,)
        self.output_shape = tuple(o[0] for o in outputs)
        self.output_dtype = tuple(o[1] for o in outputs)
        self.output_scale = tuple(o[2] for o in outputs)
        self.output_zero_point = tuple(o[3] for o in outputs)


class Input:
    def __init__(self, roi):
        self.roi = roi


def fmt(result):
    # Scores to 4 decimals: they print the same on single- and double-precision ports.
    if result == ():
        return "()"
    out = []
    for boxes in result:
        items = []
        for b in boxes:
            s = "%s %.4f" % (b[0], b[1])
            if len(b) > 2:
                s += " kp " + str([["%.1f" % v for v in p] for p in b[2].tolist()])
            items.append(s)
        out.append(items)
    return str(out)


print("-- utils")
print("%.4f %.4f %.4f" % (sigmoid(0), sigmoid(2.0), logit(0.5)))
print(["%.4f" % v for v in sigmoid([-1.0, 0.0, 1.0])])
print(sigmoid(ndarray([[0.0, 100.0]])).shape, ["%.4f" % v for v in logit(ndarray([0.25, 0.75])).tolist()])
print(threshold(ndarray([0.1, 0.7, 0.3, 0.9]), 0.5, 1.0).tolist())
print(threshold(ndarray([0.1, 0.7, 0.3, 0.9]), 0.5, -1.0).tolist())
scores = ndarray([[1, 9, 2], [3, 4, 5], [8, 0, 0]], dtype="b")
print(threshold(scores, 6, 0.5, find_max=True).tolist(), threshold(scores, 1, -0.5, find_max=True).tolist())
qm = Model((1, 8, 8, 3), [((1, 4), "b", 0.5, -10), ((1, 4), "f", 1.0, 0)])
print(quantize(qm, 2.0), dequantize(qm, -6), quantize(qm, 2.0, 1), dequantize(qm, 7, index=1))
print(quantize(qm, [1.0, 2.0]), dequantize(qm, ndarray([-10, -8], dtype="b")).tolist())

print("-- NMS")
nms = NMS(100, 50, (0, 0, 100, 50))
nms.add_bounding_box(10, 10, 30, 30, 0.9, 0)
nms.add_bounding_box(12, 10, 32, 30, 0.8, 0)        # overlaps the first: decays away
nms.add_bounding_box(60, 5, 90, 45, 0.7, 2)
nms.add_bounding_box(-20, -5, 5.5, 8.9, 0.6, 1)      # clamped to the window
nms.add_bounding_box(0, 0, 10, 10, 1.5, 0)           # score out of [0, 1]: ignored
nms.add_bounding_box(40, 40, 40.5, 45, 0.9, 0)       # less than a pixel wide: ignored
print(len(nms), nms.roi)
print(fmt(nms.get_bounding_boxes()))
keep_all = NMS(100, 50, None)
keep_all.add_bounding_box(10, 10, 30, 30, 0.9, 0)
keep_all.add_bounding_box(12, 10, 32, 30, 0.8, 0)
print(fmt(keep_all.get_bounding_boxes(sigma=0)))
mapped = NMS(10, 10, (100, 50, 40, 20))
mapped.add_bounding_box(1, 1, 6, 6, 0.5, 0, ndarray([[2.0, 3.0]]))
print(fmt(mapped.get_bounding_boxes()))
print(NMS(4, 4, (0, 0, 4, 4)).get_bounding_boxes())
try:
    NMS(4, 4, (0, 0, 0, 4))
except ValueError as e:
    print("ValueError:", e)

print("-- YoloV8: (1, 4 + classes, anchors)")
# anchors: 0 class 0 at 0.9; 1 class 1 at 0.7; 2 below threshold; 3 overlaps 0; 4 just below it.
# Scales are written as 1 / 100: single-precision ports parse the literal 0.01
# one unit in the last place off, which moves box edges across pixel boundaries.
rows = [
    [50, 10, 30, 52, 40],   # cx
    [50, 10, 30, 50, 60],   # cy
    [20, 10, 10, 20, 10],   # w
    [40, 10, 10, 40, 10],   # h
    [90, 10, 50, 80, 59],   # class 0
    [10, 70, 55, 10, 0],    # class 1
]
out = ndarray([rows], dtype="b")
m8 = Model((1, 100, 200, 3), [((1, 6, 5), "b", 1 / 100, 0)])
print(fmt(YoloV8()(m8, [b""], [out])))
print(fmt(YoloV8(threshold=0.45, nms_sigma=0.0)(m8, [b""], [out])))
print(fmt(YoloV8(threshold=0.58, nms_sigma=0.0)(m8, [b""], [out])))
print(fmt(YoloV8()(m8, [Input((10, 20, 400, 200))], [out])))
print(fmt(YoloV8(threshold=0.95)(m8, [b""], [out])))

print("-- YoloV5: (1, rows, 5 + classes), the score is the objectness")
out = ndarray([[[50, 50, 20, 40, 90, 1, 9], [10, 10, 10, 10, 20, 9, 1], [80, 80, 10, 10, 75, 9, 1]]], dtype="b")
m5 = Model((1, 100, 100, 3), [((1, 3, 7), "b", 1 / 100, 0)])
print(fmt(YoloV5()(m5, [b""], [out])))

print("-- Fomo: (1, H, W, classes), class 0 the background")
cells = [[[255, 0, 0], [51, 0, 204]], [[0, 153, 102], [255, 0, 0]]]
mf = Model((1, 96, 96, 1), [((1, 2, 2, 3), "B", 1 / 255, 0)])
print(fmt(Fomo()(mf, [b""], [ndarray(cells, dtype="B")])))
print(fmt(Fomo(threshold=0.9)(mf, [b""], [ndarray(cells, dtype="B")])))

print("-- YoloV2 / YoloLC: (1, H, W, anchors * (5 + classes)) logits")
grid = [[[0.0] * 6, [0.0, 0.0, 0.0, 0.0, -5.0, 0.0]], [[0.0, 0.0, 0.0, math.log(2.0), 2.0, 1.0], [0.0] * 6]]
m2 = Model((1, 64, 64, 3), [((1, 2, 2, 6), "f", 1.0, 0)])
print(fmt(YoloV2(anchors=((1.0, 1.0),))(m2, [b""], [ndarray(grid)])))
print(["%.4f" % v for v in YoloV2().anchors[0] + YoloLC().anchors[0]], YoloLC(anchors=[[2, 3]]).anchors)

print("-- BlazeFace: coordinates (1, N, 16) and score logits (1, N, 1)")
coords = [[0.0, 0.0, 32.0, 16.0] + [8.0, -8.0] * 6, [0.0] * 16]
mb = Model((1, 128, 128, 3), [((1, 2, 16), "f", 1.0, 0), ((1, 2, 1), "f", 1.0, 0)])
face = BlazeFace(anchors=[[0.5, 0.5], [0.25, 0.25]])
# OpenMV's result: one flat list of (rect, score, keypoints), [] when nothing is found.
print(fmt([face(mb, [b""], [ndarray([coords]), ndarray([[[3.0], [-3.0]]])])]))
print(face(mb, [b""], [ndarray([coords]), ndarray([[[-3.0], [-3.0]]])]))
print(BlazeFace().anchors.shape, BlazeFace().anchors[0].tolist(), BlazeFace().anchors[895].tolist())

print("-- BlazePalm: scores (1, N, 1) at 0, coordinates (1, N, 18) at 1; 24x24x2 + 12x12x6 anchors")
# Centre (0.5, 0.5) of 128 px, size 32 x 16: box (48, 56, 32, 16); keypoints (8, -8) from the anchor.
mp = Model((1, 128, 128, 3), [((1, 1, 1), "f", 1.0, 0), ((1, 1, 18), "f", 1.0, 0)])
palm = BlazePalm(anchors=[[0.5, 0.5]])
print(fmt([palm(mp, [b""], [ndarray([[[3.0]]]), ndarray([[[0.0, 0.0, 32.0, 16.0] + [8.0, -8.0] * 7]])])]))
print(BlazePalm().anchors.shape, ["%.4f" % v for v in BlazePalm().anchors[2].tolist()])

print("-- HandLandmarks: handedness 0, score 2, 21 (x, y, z) landmarks 3; one list per hand")
# Landmarks (10 + i, 20 + 2 i, i): box (10, 20) to (30, 60); handedness 0.9 -> label 1 (right).
mh = Model((1, 224, 224, 3), [((1, 1), "f", 1.0, 0), ((1, 1), "f", 1.0, 0), ((1, 1), "f", 1.0, 0),
                              ((1, 63), "f", 1.0, 0)])
marks = [[v for i in range(21) for v in (10.0 + i, 20.0 + 2 * i, float(i))]]
hand = HandLandmarks()
r = hand(mh, [b""], [ndarray([[0.9]]), ndarray([[0.0]]), ndarray([[0.8]]), ndarray(marks)])
print(len(r), r[0], r[1][0][0], "%.4f" % r[1][0][1], r[1][0][2].shape, r[1][0][2][20].tolist())
print(hand(mh, [b""], [ndarray([[0.9]]), ndarray([[0.0]]), ndarray([[0.5]]), ndarray(marks)]))

print("-- FaceLandmarks: landmarks (1, 1, 1, 3 N) at 0, presence logit (1, 1, 1, 1) at 1")
mf = Model((1, 192, 192, 3), [((1, 1, 1, 9), "f", 1.0, 0), ((1, 1, 1, 1), "f", 1.0, 0)])
points = ndarray([[[[10.0, 20.0, 0.0, 40.0, 30.0, 1.0, 20.0, 50.0, 2.0]]]])
print(fmt([FaceLandmarks()(mf, [b""], [points, ndarray([[[[2.0]]]])])]))
print(FaceLandmarks()(mf, [b""], [points, ndarray([[[[0.0]]]])]))

print("-- MoveNet: heatmaps (1, H, W, K); peaks at cell centres, box over keypoints above threshold")
# 2x2 cells of a 64 px input: keypoint 0 peaks at cell (0, 1) -> (48, 16), 0.9; keypoint 1 at
# cell (1, 0) -> (16, 48), 0.7: box (16, 16, 32, 32), score 0.8.
mm = Model((1, 64, 64, 3), [((1, 2, 2, 2), "f", 1.0, 0)])
heat = ndarray([[[[0.1, 0.1], [0.9, 0.1]], [[0.2, 0.7], [0.3, 0.1]]]])
print(fmt([MoveNet()(mm, [b""], [heat])]))
print(MoveNet(threshold=0.95)(mm, [b""], [heat]))

print("-- errors")
try:
    YoloV8()(Model((1, 8, 8, 3), [((1, 3, 5), "b", 0.1, 0)]), [b""], [ndarray([[[0] * 5] * 3], dtype="b")])
except ValueError as e:
    print("ValueError:", e)
try:
    YoloV8()(m8, [b""], [ndarray([[1, 2, 3]], dtype="i")])
except ValueError as e:
    print("ValueError:", e)
