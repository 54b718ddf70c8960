"""What every converted model's report must show, for the ONNX and the Keras
path alike."""

# The float model's output and the int8 model's may differ by this many output
# steps (LSB); each layer adds up to about half a step of its own scale.
MAX_ERROR_STEPS = 8


def check_report(report, float_range_fraction=0.05):
    assert report["microml"]["ran"], report["microml"]
    assert report["microml"]["bit_exact"], report["microml"]
    assert report["arena_bytes"] > 0
    for out in report["outputs"]:
        lo, hi = out["float_range"]
        assert out["max_error_steps"] <= MAX_ERROR_STEPS, out
        assert out["mean_abs_error"] <= float_range_fraction * (hi - lo), out
