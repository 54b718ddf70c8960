# Darknet-style YOLOv2 and OpenMV's YOLO LC.
from _ml import decode_yolov2
from ml.postprocessing._common import input_size, new_nms, finish

_YOLO_V2_ANCHORS = ((0.98830, 3.36060), (2.11940, 5.37590), (3.05200, 9.13360),
                    (5.55170, 9.30660), (9.72600, 11.1422))
_YOLO_LC_ANCHORS = ((0.076023, 0.258508), (0.163031, 0.413531), (0.234769, 0.702585),
                    (0.427054, 0.715892), (0.748154, 0.857092))


class YoloV2:
    """Output (1, H, W, anchors * (5 + classes)): tx, ty, tw, th, objectness
    logit, class logits per anchor; anchors are (w, h) in grid cells."""

    def __init__(self, threshold=0.6, anchors=None, nms_threshold=0.1, nms_sigma=0.1):
        self.threshold = threshold
        self.anchors = tuple(tuple(a) for a in (anchors if anchors is not None else _YOLO_V2_ANCHORS))
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def __call__(self, model, inputs, outputs):
        w, h = input_size(model)
        nms = new_nms(model, inputs)
        decode_yolov2(outputs[0], model.output_scale[0], model.output_zero_point[0],
                      self.threshold, w, h, nms.add_bounding_box, self.anchors)
        return finish(nms, self.nms_threshold, self.nms_sigma)


class YoloLC(YoloV2):
    def __init__(self, threshold=0.6, anchors=None, nms_threshold=0.1, nms_sigma=0.1):
        super().__init__(threshold, anchors if anchors is not None else _YOLO_LC_ANCHORS,
                         nms_threshold, nms_sigma)
