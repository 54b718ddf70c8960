"""ONNX -> int8 TFLite: calibrate with onnxruntime, then lower node by node."""
from . import ops_dense, ops_elementwise, ops_resize, ops_shape, ops_window
from . import quant as Q
from .errors import ConvertError, node_error
from .lowering import NHWC, Lowering, Value, identity

HANDLERS = {
    "Conv": ops_window.conv,
    "MaxPool": ops_window.pool, "AveragePool": ops_window.pool,
    "GlobalAveragePool": ops_window.pool, "GlobalMaxPool": ops_window.pool,
    "Gemm": ops_dense.dense, "MatMul": ops_dense.dense,
    "Add": ops_elementwise.binary, "Sub": ops_elementwise.binary,
    "Mul": ops_elementwise.binary, "Div": ops_elementwise.binary,
    "Relu": ops_elementwise.relu, "Clip": ops_elementwise.clip,
    "LeakyRelu": ops_elementwise.leaky_relu, "Sigmoid": ops_elementwise.sigmoid,
    "HardSwish": ops_elementwise.hard_swish, "Softmax": ops_elementwise.softmax,
    "Reshape": ops_shape.reshape, "Flatten": ops_shape.reshape,
    "Squeeze": ops_shape.reshape, "Unsqueeze": ops_shape.reshape,
    "Transpose": ops_shape.transpose, "Concat": ops_shape.concat, "Pad": ops_shape.pad,
    "Identity": ops_shape.alias, "Dropout": ops_shape.alias,
    "Resize": ops_resize.resize,
}
# BatchNormalization is folded into the Conv/Gemm/MatMul before it; alone it is refused.
SUPPORTED = sorted(set(HANDLERS) | {"BatchNormalization"})

IO_TYPES = ("int8", "uint8")


def _input_layout(L, inp):
    """Images (rank 4) are NHWC; a rank-3 input read by a 1-D window is NLC."""
    rank = len(inp.shape)
    if rank == 4:
        return NHWC
    if rank == 3 and any(L.nodes[j].op_type in ops_window.WINDOWS for j in L.consumers.get(inp.name, [])):
        return (0, 2, 1)
    return identity(rank)


def convert(model, inputs, shapes, ranges, io_dtype="int8"):
    """The .tflite bytes and, per input, the layout its samples take (`perm`)."""
    if io_dtype not in IO_TYPES:
        raise ConvertError("--io-dtype %s: choose one of %s" % (io_dtype, ", ".join(IO_TYPES)))
    L = Lowering(model, shapes, ranges)
    in_tensors, perms = [], []
    for inp in inputs:
        perm = _input_layout(L, inp)
        quant = Q.activation_quant(*ranges[inp.name])
        stored = [inp.shape[p] for p in perm]
        t = L.tensor(inp.name, stored, quant)
        if io_dtype == "uint8":
            outer = L.tensor(inp.name + "/uint8", stored, Q.Quant(quant.scale, quant.zero_point + 128), "uint8")
            L.b.op("QUANTIZE", [outer], [t])
            in_tensors.append(outer)
        else:
            in_tensors.append(t)
        L.values[inp.name] = Value(t, inp.shape, perm, quant)
        perms.append(perm)
    for i, node in enumerate(L.nodes):
        if i in L.skip:
            continue
        if node.domain not in ("", "ai.onnx"):
            raise node_error(node, "operators of domain '%s' are not supported" % node.domain)
        if L.fold_constant(node):
            continue
        handler = HANDLERS.get(node.op_type)
        if handler is None:
            why = ("only folded into a Conv/Gemm/MatMul before it" if node.op_type == "BatchNormalization"
                   else "not supported by microml convert")
            raise node_error(node, why)
        handler(L, i, node)
    out_tensors = []
    for name in L.graph_outputs:
        if name not in L.values:
            raise ConvertError("output '%s' is a constant; nothing to convert" % name)
        v = L.values[name]
        if v.order is not None:
            raise ConvertError("internal: output '%s' is a permuted flatten" % name)
        v = L.layout(v, identity(len(v.shape)))
        if io_dtype == "uint8":
            outer = L.tensor(name + "/uint8", v.stored_shape, Q.Quant(v.quant.scale, v.quant.zero_point + 128),
                             "uint8")
            L.b.op("QUANTIZE", [v.tensor], [outer])
            out_tensors.append(outer)
        else:
            out_tensors.append(v.tensor)
    L.b.inputs(in_tensors)
    L.b.outputs(out_tensors)
    return L.b.finish(), perms
