# Edge Impulse FOMO (Faster Objects, More Objects).
from _ml import decode_fomo
from ml.postprocessing._common import input_size, new_nms, finish


class Fomo:
    """Output (1, H, W, classes) of per-cell probabilities, class 0 the
    background; each hit is a box of w_scale x h_scale cells on its cell."""

    def __init__(self, threshold=0.4, w_scale=1.414214, h_scale=1.414214, nms_threshold=0.1, nms_sigma=0.001):
        self.threshold = threshold
        self.w_scale = w_scale
        self.h_scale = h_scale
        self.nms_threshold = nms_threshold
        self.nms_sigma = nms_sigma

    def __call__(self, model, inputs, outputs):
        w, h = input_size(model)
        nms = new_nms(model, inputs)
        decode_fomo(outputs[0], model.output_scale[0], model.output_zero_point[0],
                    self.threshold, w, h, nms.add_bounding_box, self.w_scale, self.h_scale)
        return finish(nms, self.nms_threshold, self.nms_sigma)
