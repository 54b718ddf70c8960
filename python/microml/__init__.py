"""microml on the desktop: OpenMV's `ml.Model` API over the microml runtime.

    model = microml.Model("person_detect.tflite")     # or the model's bytes
    scores = model.predict([image_array])[0]          # dequantized float32 numpy arrays
"""

from __future__ import annotations

import os

import numpy as np

from ._microml import Engine

__version__ = "0.1.0"


class Model:
    """A model and its arena (exactly the measured size, `ram` bytes).

    Without `arena_limit` the arena holds the default plan (per-channel scales
    recomputed before each inference where that makes it smaller); with it,
    the fastest plan within that many bytes, or MemoryError naming the
    smallest arena the model runs in."""

    def __init__(self, model: str | os.PathLike | bytes | bytearray | memoryview, *,
                 arena_limit: int | None = None):
        if arena_limit is not None:
            if isinstance(arena_limit, bool) or not isinstance(arena_limit, int):
                raise TypeError("arena_limit must be a positive int (bytes) or None, not %s"
                                % type(arena_limit).__name__)
            if arena_limit <= 0:
                raise ValueError("arena_limit must be a positive number of bytes, got %d"
                                 % arena_limit)
        self.labels = None
        if isinstance(model, (str, os.PathLike)):
            path = os.fspath(model)
            with open(path, "rb") as f:
                data = f.read()
            txt = os.path.splitext(path)[0] + ".txt"
            if os.path.isfile(txt):
                with open(txt) as f:
                    self.labels = [line.rstrip("\n") for line in f]
        else:
            data = bytes(model)
        # Beyond 64 bits a limit still limits nothing: it is clamped, never truncated.
        self._engine = Engine(data, 0 if arena_limit is None else min(arena_limit, 2**64 - 1))
        inputs = [self._engine.tensor(True, i) for i in range(self._engine.num_inputs)]
        outputs = [self._engine.tensor(False, i) for i in range(self._engine.num_outputs)]
        for prefix, tensors in (("input", inputs), ("output", outputs)):
            for field in ("shape", "dtype", "scale", "zero_point"):
                setattr(self, f"{prefix}_{field}", tuple(t[field] for t in tensors))

    @property
    def len(self) -> int:
        return self._engine.len

    @property
    def ram(self) -> int:
        return self._engine.ram

    def predict(self, inputs, callback=None):
        """One array per input (its dtype: copied; floats: quantized); returns
        one dequantized float32 array per output, or callback(model, inputs, outputs)."""
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("inputs must be a list with one array per input")
        arrays = [np.ascontiguousarray(a) for a in inputs]
        outputs = self._engine.predict(arrays)
        return callback(self, inputs, outputs) if callback is not None else outputs

    def reset(self):
        self._engine.reset()

    def inspect(self) -> dict:
        return {"len": self.len, "ram": self.ram, "labels": self.labels,
                **{f"{p}_{f}": getattr(self, f"{p}_{f}") for p in ("input", "output")
                   for f in ("shape", "dtype", "scale", "zero_point")}}

    def __repr__(self):
        return repr(self.inspect())
