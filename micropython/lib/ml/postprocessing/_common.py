# Shared by the decoders: input geometry and the NMS bound to an input's roi.
from ml.utils import NMS


def input_size(model):
    """(width, height) of input 0, shaped (1, H, W, C) or (H, W, C)."""
    shape = model.input_shape[0]
    return shape[-2], shape[-3]


def new_nms(model, inputs):
    w, h = input_size(model)
    roi = getattr(inputs[0], "roi", None)
    return NMS(w, h, roi if roi is not None else (0, 0, w, h))


def finish(nms, threshold, sigma):
    if not len(nms):
        return ()
    return nms.get_bounding_boxes(threshold=threshold, sigma=sigma)
