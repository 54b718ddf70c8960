# MediaPipe BlazeFace (short range): boxes with six keypoints.
from _ml import decode_blazeface, ndarray
from ml.postprocessing._common import input_size, new_nms, finish


def _default_anchors():
    # 16x16 grid with 2 anchors per cell, then 8x8 with 6: 896 (x, y) centres.
    rows = []
    for grid, per_cell in ((16, 2), (8, 6)):
        for gy in range(grid):
            cy = (gy + 0.5) / grid
            for gx in range(grid):
                cx = (gx + 0.5) / grid
                for _ in range(per_cell):
                    rows.append((cx, cy))
    return ndarray(rows)


class BlazeFace:
    """Outputs: coordinates (1, N, 16) at index 0 and score logits (1, N, 1)
    at index 1; models with a second anchor set add scores at 2 and
    coordinates at 3. Returns rects with a (6, 2) keypoints ml.ndarray."""

    def __init__(self, threshold=0.6, anchors=None, nms_threshold=0.1, nms_sigma=0.1):
        self.threshold = threshold
        self.anchors = ndarray(anchors) if anchors is not None else _default_anchors()
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def __call__(self, model, inputs, outputs):
        w, h = input_size(model)
        nms = new_nms(model, inputs)
        scale = model.output_scale
        zero = model.output_zero_point
        first = outputs[0].shape[1]
        decode_blazeface(outputs[1], scale[1], zero[1], outputs[0], scale[0], zero[0],
                         self.threshold, w, h, nms.add_bounding_box, self.anchors[:first])
        if first < len(self.anchors) and len(outputs) >= 4:
            decode_blazeface(outputs[2], scale[2], zero[2], outputs[3], scale[3], zero[3],
                             self.threshold, w, h, nms.add_bounding_box, self.anchors[first:])
        return finish(nms, self.nms_threshold, self.nms_sigma)
