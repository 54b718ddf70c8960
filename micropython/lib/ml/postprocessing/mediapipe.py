# MediaPipe decoders with OpenMV's arguments and results: the anchor-based
# detectors (BlazeFace, BlazePalm) return a flat list of (rect, score,
# keypoints) for their one class; the landmark models return (rect, score,
# keypoints (N, 3)) likewise, or () when nothing is found. Outputs are
# dequantized before use (OpenMV reads the landmark outputs as stored, which
# is the same for the float models it ships).
from _ml import decode_blazeface, ndarray
from ml.postprocessing._common import input_size, new_nms
from ml.utils import sigmoid

_NO_DETECTION = ()


def _anchors(anchor_grid):
    # Per grid: cells row by row, `per_cell` anchors at each cell's centre.
    rows = []
    for grid, per_cell in anchor_grid:
        for gy in range(grid):
            cy = (gy + 0.5) / grid
            for gx in range(grid):
                cx = (gx + 0.5) / grid
                for _ in range(per_cell):
                    rows.append((cx, cy))
    return ndarray(rows)


class mediapipe_detection_postprocess:
    """Anchor-based MediaPipe detector: `scores` and `cords` name the output
    indices of the score logits (1, N, 1) and the coordinates (1, N, K) (box
    centre and size, then (K - 4) / 2 keypoints) of each anchor set."""

    def __init__(self, threshold=0.6, anchors=None, anchor_grid=None, scores=[], cords=[],
                 nms_threshold=0.1, nms_sigma=0.1):
        self.threshold = threshold
        self.anchors = ndarray(anchors) if anchors is not None else _anchors(anchor_grid)
        self.scores = scores
        self.cords = cords
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def __call__(self, model, inputs, outputs):
        w, h = input_size(model)
        nms = new_nms(model, inputs)
        scale = model.output_scale
        zero = model.output_zero_point
        # The first anchor set takes as many anchors as it has rows, the
        # second (if any) the rest.
        first = outputs[self.cords[0]].shape[1]
        sets = ((self.scores[0], self.cords[0], self.anchors[:first]),)
        if first < len(self.anchors) and len(self.scores) > 1:
            sets += ((self.scores[1], self.cords[1], self.anchors[first:]),)
        for s, c, anchors in sets:
            decode_blazeface(outputs[s], scale[s], zero[s], outputs[c], scale[c], zero[c],
                             self.threshold, w, h, nms.add_bounding_box, anchors)
        return nms.get_bounding_boxes(threshold=self.nms_threshold, sigma=self.nms_sigma)[0]


class BlazeFace(mediapipe_detection_postprocess):
    def __init__(self, threshold=0.6, anchors=None, nms_threshold=0.1, nms_sigma=0.1):
        super().__init__(threshold=threshold, anchors=anchors, anchor_grid=((16, 2), (8, 6)),
                         scores=(1, 2), cords=(0, 3), nms_threshold=nms_threshold,
                         nms_sigma=nms_sigma)


class BlazePalm(mediapipe_detection_postprocess):
    def __init__(self, threshold=0.6, anchors=None, nms_threshold=0.1, nms_sigma=0.1):
        super().__init__(threshold=threshold, anchors=anchors, anchor_grid=((24, 2), (12, 6)),
                         scores=(0,), cords=(1,), nms_threshold=nms_threshold,
                         nms_sigma=nms_sigma)


def _real(model, outputs, index):
    # Output `index` as a flat list of real numbers.
    values = outputs[index].flatten().tolist()
    if model.output_dtype[index] == "f":
        return values
    scale = model.output_scale[index]
    zero = model.output_zero_point[index]
    return [(v - zero) * scale for v in values]


def _landmark_box(nms, coords, score, label):
    # Keypoints (x, y, z) rows; the box spans their x and y.
    rows = [coords[i:i + 3] for i in range(0, len(coords) - 2, 3)]
    xs = [r[0] for r in rows]
    ys = [r[1] for r in rows]
    nms.add_bounding_box(min(xs), min(ys), max(xs), max(ys), score, label, keypoints=ndarray(rows))


class _Landmarks:
    """A landmark model's decoder: one box around the landmarks, or none when
    the presence score is below `threshold`."""

    def __init__(self, threshold=0.6, nms_threshold=0.1, nms_sigma=0.1):
        self.threshold = threshold
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def _boxes(self, model, inputs, outputs, score, landmarks_index, label):
        if score < self.threshold:
            return None
        nms = new_nms(model, inputs)
        _landmark_box(nms, _real(model, outputs, landmarks_index), score, label)
        return nms.get_bounding_boxes(threshold=self.nms_threshold, sigma=self.nms_sigma)


class HandLandmarks(_Landmarks):
    """Outputs: handedness (index 0), presence score (2), 21 (x, y, z)
    landmarks in input pixels (3). Returns one list per hand (label 0: left,
    1: right) as OpenMV does."""

    def __call__(self, model, inputs, outputs):
        right = 1 if _real(model, outputs, 0)[0] > 0.5 else 0
        boxes = self._boxes(model, inputs, outputs, _real(model, outputs, 2)[0], 3, right)
        return _NO_DETECTION if boxes is None else boxes


class FaceLandmarks(_Landmarks):
    """Outputs: 468 (x, y, z) landmarks in input pixels (index 0) and the face
    presence logit (1)."""

    def __call__(self, model, inputs, outputs):
        boxes = self._boxes(model, inputs, outputs, sigmoid(_real(model, outputs, 1)[0]), 0, 0)
        return _NO_DETECTION if boxes is None else boxes[0]


class MoveNet:
    """Output: heatmaps (1, H, W, K), one channel per keypoint. Each keypoint
    is its channel's peak (cell centre, in input pixels) with the peak value
    as its score; the box spans the keypoints above threshold and scores
    their mean."""

    def __init__(self, threshold=0.6, nms_threshold=0.1, nms_sigma=0.1):
        self.threshold = threshold
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def __call__(self, model, inputs, outputs):
        _, oh, ow, oc = model.output_shape[0]
        heat = outputs[0].reshape((oh * ow, oc))
        peaks = heat.argmax(axis=0).tolist()
        values = heat.max(axis=0).tolist()
        if model.output_dtype[0] != "f":
            values = [(v - model.output_zero_point[0]) * model.output_scale[0] for v in values]
        w, h = input_size(model)
        keypoints = [((p % ow + 0.5) / ow * w, (p // ow + 0.5) / oh * h, v)
                     for p, v in zip(peaks, values)]
        valid = [kp for kp in keypoints if kp[2] > self.threshold]
        if not valid:
            return _NO_DETECTION
        score = sum(kp[2] for kp in valid) / len(valid)
        nms = new_nms(model, inputs)
        nms.add_bounding_box(min(kp[0] for kp in valid), min(kp[1] for kp in valid),
                             max(kp[0] for kp in valid), max(kp[1] for kp in valid), score, 0,
                             keypoints=ndarray(keypoints))
        return nms.get_bounding_boxes(threshold=self.nms_threshold, sigma=self.nms_sigma)[0]
