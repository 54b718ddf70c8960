"""Multiply-accumulates per inference of a .tflite model, per operator.

A MAC is one product summed into an accumulator: for CONV_2D, DEPTHWISE_CONV_2D
and FULLY_CONNECTED, output elements x the filter's reduction size (the
products behind one output value). Other operators count 0.
"""
import sys

from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as S

_CONV = S.BuiltinOperator.CONV_2D
_DEPTHWISE = S.BuiltinOperator.DEPTHWISE_CONV_2D
_FULLY_CONNECTED = S.BuiltinOperator.FULLY_CONNECTED


def _builtin_code(opcode):
    # Old writers only fill the deprecated 8-bit field.
    return max(opcode.BuiltinCode(), opcode.DeprecatedBuiltinCode())


def _elements(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _dims(shape):
    return "x".join(str(int(d)) for d in shape[1:]) if len(shape) > 1 else str(_elements(shape))


def _stride(op, code):
    """The conv's stride as "/s2" ("/s2x1" when unequal), or "" for 1."""
    table = op.BuiltinOptions()
    if table is None:
        return ""
    options = S.Conv2DOptions() if code == _CONV else S.DepthwiseConv2DOptions()
    options.Init(table.Bytes, table.Pos)
    h, w = options.StrideH(), options.StrideW()
    return "" if h == w == 1 else "/s%d" % h if h == w else "/s%dx%d" % (h, w)


def op_details(path):
    """[(subgraph, op index, MACs, shape summary)] for every operator of the
    model at `path`; the summary ("48x48x8 k3x3/s2 -> 24x24x16") is given for
    the operators MACs are counted for, else ""."""
    with open(path, "rb") as f:
        buf = f.read()
    model = S.Model.GetRootAs(buf, 0)
    result = []
    for s in range(model.SubgraphsLength()):
        graph = model.Subgraphs(s)
        for i in range(graph.OperatorsLength()):
            op = graph.Operators(i)
            code = _builtin_code(model.OperatorCodes(op.OpcodeIndex()))
            macs, summary = 0, ""
            if code in (_CONV, _DEPTHWISE, _FULLY_CONNECTED):
                filt = graph.Tensors(op.Inputs(1)).ShapeAsNumpy()
                in_shape = graph.Tensors(op.Inputs(0)).ShapeAsNumpy()
                out_shape = graph.Tensors(op.Outputs(0)).ShapeAsNumpy()
                if code == _CONV:
                    reduction = _elements(filt[1:])  # [out_c, kh, kw, in_c per group]
                elif code == _DEPTHWISE:
                    reduction = int(filt[1]) * int(filt[2])  # [1, kh, kw, out_c]
                else:
                    reduction = int(filt[-1])  # [units, inputs]
                macs = _elements(out_shape) * reduction
                kernel = "" if code == _FULLY_CONNECTED else \
                    " k%dx%d%s" % (int(filt[1]), int(filt[2]), _stride(op, code))
                summary = "%s%s -> %s" % (_dims(in_shape), kernel, _dims(out_shape))
            result.append((s, i, macs, summary))
    return result


def op_macs(path):
    """[(subgraph, op index, MACs)] for every operator of the model at `path`."""
    return [(s, i, macs) for s, i, macs, _ in op_details(path)]


def model_macs(path):
    return sum(m for _, _, m in op_macs(path))


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print("%s %d" % (p, model_macs(p)))
