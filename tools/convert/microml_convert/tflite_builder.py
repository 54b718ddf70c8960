"""Builds .tflite models in Python from the TFLite schema's object API (shipped
with the tflite-micro package), so fixtures need no TensorFlow.

    b = ModelBuilder()
    x = b.tensor("x", [1, 8], "int8", scale=0.1, zero_point=3)
    w = b.const("w", np.ones([4, 8], np.int8), scale=[0.02], zero_point=[0])
    y = b.tensor("y", [1, 4], "int8", scale=0.2, zero_point=-1)
    b.op("FULLY_CONNECTED", [x, w, -1], [y], options=fc_options)
    b.inputs([x]); b.outputs([y])
    model_bytes = b.finish()

Multi-subgraph models: `sg = b.subgraph()` returns a builder for a new subgraph
with the same tensor/op methods; subgraph 0 is `b` itself.
"""
from __future__ import annotations

import flatbuffers
import numpy as np
from tflite_micro.python.tflite_micro import runtime
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as S

TYPES = {
    "float32": S.TensorType.FLOAT32, "float16": S.TensorType.FLOAT16,
    "int32": S.TensorType.INT32, "uint8": S.TensorType.UINT8, "int64": S.TensorType.INT64,
    "bool": S.TensorType.BOOL, "int16": S.TensorType.INT16, "int8": S.TensorType.INT8,
    "float64": S.TensorType.FLOAT64, "uint32": S.TensorType.UINT32,
    "uint16": S.TensorType.UINT16, "int4": S.TensorType.INT4, "resource": S.TensorType.RESOURCE,
    "uint64": S.TensorType.UINT64,
}
NUMPY = {
    "float32": np.float32, "float16": np.float16, "int32": np.int32, "uint8": np.uint8,
    "int64": np.int64, "bool": np.bool_, "int16": np.int16, "int8": np.int8,
    "float64": np.float64, "uint32": np.uint32, "uint16": np.uint16, "uint64": np.uint64,
}


def builtin_code(name: str) -> int:
    return getattr(S.BuiltinOperator, name)


class AlignedBufferT(S.BufferT):
    """A buffer whose bytes start 16-byte aligned, as the TFLite converter writes them."""

    def Pack(self, builder):
        data = None
        if self.data is not None:
            raw = bytes(self.data)
            builder.StartVector(1, len(raw), 16)
            builder.head = builder.head - len(raw)
            builder.Bytes[builder.head: builder.head + len(raw)] = raw
            data = builder.EndVector()
        S.BufferStart(builder)
        if data is not None:
            S.BufferAddData(builder, data)
        return S.BufferEnd(builder)


def pack_int4(values) -> bytes:
    """Two signed 4-bit values per byte, the first in the low nibble (TFLM's layout)."""
    flat = np.asarray(values, dtype=np.int8).reshape(-1)
    if flat.size % 2:
        flat = np.append(flat, np.int8(0))
    low = flat[0::2].astype(np.uint8) & 0x0F
    high = (flat[1::2].astype(np.uint8) & 0x0F) << 4
    return (low | high).astype(np.uint8).tobytes()


class SubgraphBuilder:
    def __init__(self, model: "ModelBuilder", name: str = ""):
        self._model = model
        self._sub = S.SubGraphT()
        self._sub.name = name
        self._sub.tensors = []
        self._sub.operators = []
        self._sub.inputs = []
        self._sub.outputs = []

    def tensor(self, name, shape, dtype, *, scale=None, zero_point=None, quantized_dimension=0,
               data: bytes | None = None, variable=False, shape_signature=None) -> int:
        """Adds a tensor and returns its index. `scale`/`zero_point` may be scalars
        (per-tensor) or lists (per-channel along `quantized_dimension`)."""
        t = S.TensorT()
        t.name = name
        t.shape = [int(d) for d in shape]
        t.type = TYPES[dtype]
        t.buffer = self._model._buffer(data)
        t.isVariable = bool(variable)
        if shape_signature is not None:
            t.shapeSignature = [int(d) for d in shape_signature]
        if scale is not None:
            q = S.QuantizationParametersT()
            scales = scale if isinstance(scale, (list, tuple, np.ndarray)) else [scale]
            zps = zero_point if isinstance(zero_point, (list, tuple, np.ndarray)) else [zero_point or 0] * len(scales)
            q.scale = [float(s) for s in scales]
            q.zeroPoint = [int(z) for z in zps]
            q.quantizedDimension = int(quantized_dimension)
            t.quantization = q
        self._sub.tensors.append(t)
        return len(self._sub.tensors) - 1

    def const(self, name, array, dtype=None, **quant) -> int:
        """A constant tensor holding `array` (dtype inferred from it unless given;
        "int4" packs two values per byte)."""
        array = np.asarray(array)
        if dtype is None:
            dtype = {v: k for k, v in NUMPY.items()}[array.dtype.type]
        raw = pack_int4(array) if dtype == "int4" else array.astype(NUMPY[dtype]).tobytes()
        return self.tensor(name, array.shape, dtype, data=raw, **quant)

    def op(self, name_or_code, inputs, outputs, *, options=None, version=1, custom_code=None,
           custom_options: bytes | None = None, intermediates=None):
        """Adds an operator. `options` is a schema options object (e.g.
        S.Conv2DOptionsT()); its union type is derived from the class name."""
        code = (builtin_code(name_or_code) if isinstance(name_or_code, str) else int(name_or_code))
        if custom_code is not None:
            code = S.BuiltinOperator.CUSTOM
        op = S.OperatorT()
        op.opcodeIndex = self._model._opcode(code, version, custom_code)
        op.inputs = [int(i) for i in inputs]
        op.outputs = [int(i) for i in outputs]
        if intermediates is not None:
            op.intermediates = [int(i) for i in intermediates]
        if options is not None:
            kind = type(options).__name__[:-1]  # Conv2DOptionsT -> Conv2DOptions
            op.builtinOptionsType = getattr(S.BuiltinOptions, kind)
            op.builtinOptions = options
        if custom_options is not None:
            op.customOptions = list(custom_options)
        self._sub.operators.append(op)

    def tensor_name(self, index) -> str:
        return self._sub.tensors[index].name

    def inputs(self, indices):
        self._sub.inputs = [int(i) for i in indices]

    def outputs(self, indices):
        self._sub.outputs = [int(i) for i in indices]


class ModelBuilder(SubgraphBuilder):
    def __init__(self, description: str = "microml test fixture"):
        self._root = S.ModelT()
        self._root.version = 3
        self._root.description = description
        self._root.operatorCodes = []
        self._root.buffers = [AlignedBufferT()]
        self._subgraphs = []
        super().__init__(self, "main")
        self._subgraphs.append(self)

    def subgraph(self, name: str = "") -> SubgraphBuilder:
        """A new subgraph; its index is its position (main is 0)."""
        sg = SubgraphBuilder(self, name)
        self._subgraphs.append(sg)
        return sg

    def _buffer(self, data):
        if data is None:
            return 0
        buf = AlignedBufferT()
        buf.data = bytes(data)
        self._root.buffers.append(buf)
        return len(self._root.buffers) - 1

    def _opcode(self, code, version, custom_code):
        for i, oc in enumerate(self._root.operatorCodes):
            if oc.builtinCode == code and oc.version == version and oc.customCode == custom_code:
                return i
        oc = S.OperatorCodeT()
        oc.builtinCode = code
        oc.deprecatedBuiltinCode = min(code, 127)
        oc.version = version
        oc.customCode = custom_code
        self._root.operatorCodes.append(oc)
        return len(self._root.operatorCodes) - 1

    def finish(self) -> bytes:
        self._root.subgraphs = [sg._sub for sg in self._subgraphs]
        builder = flatbuffers.Builder(1024)
        builder.Finish(self._root.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


def run_tflm(model_bytes: bytes, inputs, num_outputs: int = 1, invocations: int = 1,
             arena_size: int = 8 << 20):
    """Outputs of TFLM (the tflite-micro package) after `invocations` runs on `inputs`."""
    interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
    for _ in range(invocations):
        for i, x in enumerate(inputs):
            interpreter.set_input(x, i)
        interpreter.invoke()
    return [np.array(interpreter.get_output(i)) for i in range(num_outputs)]
