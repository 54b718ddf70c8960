# Ultralytics YOLOv5 and YOLOv8 (TFLite exports with normalized box coordinates).
from _ml import decode_yolov5, decode_yolov8
from ml.postprocessing._common import input_size, new_nms, finish


class YoloV5:
    """Output (1, N, 5 + classes): cx, cy, w, h, objectness, class scores;
    the score is the objectness."""

    def __init__(self, threshold=0.6, nms_threshold=0.1, nms_sigma=0.1):
        self.threshold = threshold
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def __call__(self, model, inputs, outputs):
        w, h = input_size(model)
        nms = new_nms(model, inputs)
        decode_yolov5(outputs[0], model.output_scale[0], model.output_zero_point[0],
                      self.threshold, w, h, nms.add_bounding_box)
        return finish(nms, self.nms_threshold, self.nms_sigma)


class YoloV8:
    """Output (1, 4 + classes, N): rows cx, cy, w, h then one row per class;
    the score is the best class score."""

    def __init__(self, threshold=0.6, nms_threshold=0.1, nms_sigma=0.1):
        self.threshold = threshold
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def __call__(self, model, inputs, outputs):
        w, h = input_size(model)
        nms = new_nms(model, inputs)
        decode_yolov8(outputs[0], model.output_scale[0], model.output_zero_point[0],
                      self.threshold, w, h, nms.add_bounding_box)
        return finish(nms, self.nms_threshold, self.nms_sigma)
