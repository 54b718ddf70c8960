# Detection decoders with OpenMV's constructor arguments. Each is a callable
# for Model(postprocess=...) or predict(callback=...): it runs the per-anchor
# loop in C++ over the output tensor as stored (int8 etc., no float copy) and
# returns NMS.get_bounding_boxes() - one list per class of (rect, score[,
# keypoints]) in source-image pixels - or () when nothing passes the threshold.
from ml.postprocessing.darknet import YoloV2, YoloLC
from ml.postprocessing.ultralytics import YoloV5, YoloV8
from ml.postprocessing.edgeimpulse import Fomo
from ml.postprocessing.mediapipe import BlazeFace, BlazePalm, HandLandmarks, FaceLandmarks, MoveNet
