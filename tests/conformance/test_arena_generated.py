"""The planner against TFLM's on many graphs, not only the shared models:
seeded random chains and branchy int8 graphs (convolutions, depthwise
convolutions, residual ADDs, concatenations, pooling, reshapes, several
outputs) built with the fixture builder. On every graph

- microml's whole arena (metadata included) must not exceed the arena the
  tflite-micro package reports (RecordingMicroAllocator's total),
- with the reference kernels (which request no scratch on these operators, as
  TFLM's do not) microml's plan of activations must not exceed TFLM's
  activation region ("head"): the two planners place the same buffers,
- and the outputs must equal TFLM's bit for bit, so no plan passes by being
  wrong.

Chains of window operators of random geometry check the plans in which an
output overlaps the input rows its kernel has finished reading.
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import microml_test_util as util

sys.path.insert(0, str(util.REPO / "tests" / "fixtures" / "ops"))
from tflite_builder import ModelBuilder, S  # noqa: E402
from tflite_micro.python.tflite_micro import runtime  # noqa: E402

# Every activation shares them: CONCATENATION and pooling need them equal.
SCALE = 0.05
ZERO_POINT = -3
GRAPHS = 200
CHAINS = 80


def window_out(size, kernel, stride, valid, dilation=1):
    """TFLite's output size of a sliding window (SAME or VALID padding)."""
    if valid:
        return (size - (kernel - 1) * dilation - 1) // stride + 1
    return -(-size // stride)


class GraphBuilder:
    """Adds int8 operators to a ModelBuilder, tracking which tensors are
    consumed (the unconsumed ones become graph outputs)."""

    def __init__(self, rng):
        self.rng = rng
        self.b = ModelBuilder("microml arena test graph")
        self.shapes = {}
        self.consumed = set()
        self.count = 0

    def activation(self, shape):
        self.count += 1
        t = self.b.tensor("t%d" % self.count, shape, "int8", scale=SCALE, zero_point=ZERO_POINT)
        self.shapes[t] = list(shape)
        return t

    def use(self, *tensors):
        self.consumed.update(tensors)

    def conv(self, x, kernel, stride, channels, kernel_w=None, valid=False, dilation=1):
        _, h, w, c = self.shapes[x]
        kernel_w = kernel if kernel_w is None else kernel_w
        weights = self.rng.integers(-127, 128, size=(channels, kernel, kernel_w, c)).astype(np.int8)
        scales = [float(s) for s in self.rng.uniform(0.002, 0.02, size=channels)]
        f = self.b.const("w%d" % self.count, weights, scale=scales, zero_point=[0] * channels)
        bias = self.rng.integers(-2000, 2000, size=channels).astype(np.int32)
        bb = self.b.const("b%d" % self.count, bias, scale=[SCALE * s for s in scales],
                          zero_point=[0] * channels)
        y = self.activation([1, window_out(h, kernel, stride, valid, dilation),
                             window_out(w, kernel_w, stride, valid, dilation), channels])
        o = S.Conv2DOptionsT()
        o.padding = S.Padding.VALID if valid else S.Padding.SAME
        o.strideH, o.strideW = stride, stride
        o.dilationHFactor = o.dilationWFactor = dilation
        o.fusedActivationFunction = S.ActivationFunctionType.RELU
        self.b.op("CONV_2D", [x, f, bb], [y], options=o, version=3)
        self.use(x)
        return y

    def depthwise(self, x, kernel=3, stride=1, multiplier=1, valid=False):
        _, h, w, in_c = self.shapes[x]
        c = in_c * multiplier
        weights = self.rng.integers(-127, 128, size=(1, kernel, kernel, c)).astype(np.int8)
        scales = [float(s) for s in self.rng.uniform(0.002, 0.02, size=c)]
        f = self.b.const("w%d" % self.count, weights, scale=scales, zero_point=[0] * c,
                         quantized_dimension=3)
        bias = self.rng.integers(-2000, 2000, size=c).astype(np.int32)
        bb = self.b.const("b%d" % self.count, bias, scale=[SCALE * s for s in scales],
                          zero_point=[0] * c)
        y = self.activation([1, window_out(h, kernel, stride, valid), window_out(w, kernel, stride, valid),
                             c])
        o = S.DepthwiseConv2DOptionsT()
        o.padding = S.Padding.VALID if valid else S.Padding.SAME
        o.strideH, o.strideW, o.depthMultiplier = stride, stride, multiplier
        o.dilationHFactor = o.dilationWFactor = 1
        self.b.op("DEPTHWISE_CONV_2D", [x, f, bb], [y], options=o, version=3)
        self.use(x)
        return y

    def add(self, x, z):
        y = self.activation(self.shapes[x])
        self.b.op("ADD", [x, z], [y], options=S.AddOptionsT(), version=2)
        self.use(x, z)
        return y

    def concat(self, x, z):
        _, h, w, c = self.shapes[x]
        y = self.activation([1, h, w, c + self.shapes[z][3]])
        o = S.ConcatenationOptionsT()
        o.axis = 3
        self.b.op("CONCATENATION", [x, z], [y], options=o, version=2)
        self.use(x, z)
        return y

    def pool(self, x, size=2, stride=2, average=False, valid=False):
        _, h, w, c = self.shapes[x]
        y = self.activation([1, window_out(h, size, stride, valid), window_out(w, size, stride, valid),
                             c])
        o = S.Pool2DOptionsT()
        o.padding = S.Padding.VALID if valid else S.Padding.SAME
        o.strideH, o.strideW, o.filterHeight, o.filterWidth = stride, stride, size, size
        self.b.op("AVERAGE_POOL_2D" if average else "MAX_POOL_2D", [x], [y], options=o, version=2)
        self.use(x)
        return y

    def reshape(self, x):
        _, h, w, c = self.shapes[x]
        y = self.activation([1, h * w, c])
        shape = self.b.const("s%d" % self.count, np.array([1, h * w, c], np.int32))
        self.b.op("RESHAPE", [x, shape], [y], options=S.ReshapeOptionsT())
        self.use(x)
        # A rank-3 tensor feeds no further operator here.
        return y


def random_graph(seed):
    """A seeded random graph: each step extends a random earlier tensor (the
    latest most often), so branches open and are joined by ADD or
    CONCATENATION while earlier tensors stay alive."""
    rng = np.random.default_rng(seed)
    g = GraphBuilder(rng)
    size = int(rng.integers(4, 13))
    x = g.activation([1, size, size, int(rng.integers(1, 9))])
    frontier = [x]
    steps = int(rng.integers(3, 26))
    for _ in range(steps):
        pick = frontier[-1] if rng.random() < 0.6 else frontier[int(rng.integers(len(frontier)))]
        kind = rng.random()
        same = [t for t in frontier if t != pick and g.shapes[t] == g.shapes[pick]]
        joinable = [t for t in frontier
                    if t != pick and g.shapes[t][1:3] == g.shapes[pick][1:3]]
        if kind < 0.15 and same:
            y = g.add(pick, same[int(rng.integers(len(same)))])
        elif kind < 0.25 and joinable:
            y = g.concat(pick, joinable[int(rng.integers(len(joinable)))])
        elif kind < 0.35 and g.shapes[pick][1] >= 2:
            y = g.pool(pick)
        elif kind < 0.5:
            y = g.depthwise(pick)
        else:
            kernel = 1 if rng.random() < 0.5 else 3
            stride = 2 if rng.random() < 0.15 and g.shapes[pick][1] >= 2 else 1
            y = g.conv(pick, kernel, stride, int(rng.integers(2, 17)))
        frontier.append(y)
    last = frontier[-1]
    if rng.random() < 0.3:
        frontier.append(g.reshape(last))
    outputs = [t for t in frontier if t not in g.consumed and t != x]
    g.b.inputs([x])
    g.b.outputs(outputs)
    return g.b.finish(), [g.shapes[x]], len(outputs)


def window_chain(seed):
    """A seeded chain of 2 to 6 window operators of random geometry (filter
    sizes, strides, padding, dilation, depth multipliers, narrow images and
    odd channel counts), so that each output overlaps its dying input as the
    kernels' walks allow."""
    rng = np.random.default_rng(seed)
    g = GraphBuilder(rng)
    x = g.activation([1, int(rng.integers(1, 21)), int(rng.integers(1, 21)),
                      int(rng.integers(1, 21))])
    y = x
    for _ in range(int(rng.integers(2, 7))):
        _, h, w, c = g.shapes[y]
        kind = rng.random()
        valid = rng.random() < 0.3
        if kind < 0.4:
            kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
            stride = int(rng.integers(1, 4))
            dilation = 2 if rng.random() < 0.15 else 1
            if valid and (h < (kh - 1) * dilation + 1 or w < (kw - 1) * dilation + 1):
                valid = False
            y = g.conv(y, kh, stride, int(rng.integers(1, 25)), kernel_w=kw, valid=valid,
                       dilation=dilation)
        elif kind < 0.8:
            kernel = int(rng.choice([1, 3, 5]))
            if valid and (h < kernel or w < kernel):
                valid = False
            multiplier = int(rng.choice([1, 1, 1, 2, 4, 8])) if c <= 8 else 1
            y = g.depthwise(y, kernel, int(rng.integers(1, 3)), multiplier, valid)
        else:
            size = int(rng.integers(1, 4))
            if valid and (h < size or w < size):
                valid = False
            y = g.pool(y, size, int(rng.integers(1, 3)), rng.random() < 0.5, valid)
    g.b.inputs([x])
    g.b.outputs([y])
    return g.b.finish(), [g.shapes[x]], 1


def tflm_figures(model, inputs):
    """(outputs, arena total, activation region) of the tflite-micro package."""
    interp = runtime.Interpreter.from_bytes(model, arena_size=8 << 20)
    for k, x in enumerate(inputs):
        interp.set_input(x, k)
    interp.invoke()
    outputs = []
    k = 0
    while True:
        try:
            outputs.append(np.array(interp.get_output(k)))
        except (IndexError, RuntimeError, ValueError):
            break
        k += 1
    sys.stderr.flush()
    with tempfile.TemporaryFile() as f:
        saved = os.dup(2)
        os.dup2(f.fileno(), 2)
        try:
            interp.print_allocations()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read().decode()
    total = re.search(r"Arena allocation total (\d+)", text)
    head = re.search(r"Arena allocation head (\d+)", text)
    assert total and head, "no arena figures from TFLM:\n" + text
    return outputs, int(total.group(1)), int(head.group(1))


@pytest.mark.suite("arena", "generated graphs within TFLM's arena")
@pytest.mark.parametrize("seed", range(GRAPHS))
def test_generated_graph_arena(cli, seed, tmp_path, monkeypatch):
    check_graph(cli, random_graph(seed), seed, tmp_path, monkeypatch)


@pytest.mark.suite("arena", "window chains overlapping their inputs")
@pytest.mark.parametrize("seed", range(CHAINS))
def test_window_chain(cli, seed, tmp_path, monkeypatch):
    # Their filters reach 5x5 over 24 channels, where the optimized kernels'
    # im2col scratch (TFLM's reference kernels take none) can outweigh these
    # tiny activations: the whole-arena bound holds for the reference kernels.
    check_graph(cli, window_chain(seed), seed, tmp_path, monkeypatch, optimized_bound=False)


def check_graph(cli, graph, seed, tmp_path, monkeypatch, optimized_bound=True):
    model, input_shapes, num_outputs = graph
    path = tmp_path / "graph.tflite"
    path.write_bytes(model)
    rng = np.random.default_rng(seed + 1000)
    inputs = [rng.integers(-128, 128, size=shape).astype(np.int8) for shape in input_shapes]
    input_files = []
    for k, x in enumerate(inputs):
        input_files.append(tmp_path / ("input%d.bin" % k))
        input_files[-1].write_bytes(x.tobytes())
    want, tflm_total, tflm_head = tflm_figures(model, inputs)
    assert len(want) == num_outputs

    def expect_outputs(kernels, label, *extra):
        got = cli.run_ok(path, input_files, tmp_path / (kernels + label), num_outputs, *extra)
        problems = [util.compare_outputs(g, w, np.int8, "output %d" % k)
                    for k, (g, w) in enumerate(zip(got, want))]
        problems = [p for p in problems if p]
        assert not problems, "seed %d, %s kernels%s: %s" % (seed, kernels, label, "; ".join(problems))

    for kernels in ("optimized", "reference"):
        monkeypatch.setenv("MICROML_KERNELS", kernels)
        ours = cli.inspect(path)
        expect_outputs(kernels, "")
        # In its smallest arena (scales recomputed, window pairs in row bands)
        # and in the fastest plan (scales kept, which the default recomputes
        # where that is smaller) the graph computes the same.
        smallest = ours["smallest_arena_bytes"]
        if smallest < ours["arena_bytes"]:
            expect_outputs(kernels, ", arena limit %d" % smallest, "--arena-limit", str(smallest),
                           "--repeat", "2")
        fastest = cli.check(cli("inspect", path, "--json", "--arena-limit", 1 << 30))
        fastest = json.loads(fastest.stdout_text)
        assert fastest["arena_bytes"] == ours["fastest_arena_bytes"] >= ours["arena_bytes"]
        if fastest["arena_bytes"] > ours["arena_bytes"]:
            expect_outputs(kernels, ", fastest plan", "--arena-limit", str(1 << 30))
        if kernels == "reference" or optimized_bound:
            for plan in (ours, fastest):
                assert plan["arena_bytes"] <= tflm_total, (
                    "seed %d, %s kernels: arena %d (%s) > TFLM's %d" %
                    (seed, kernels, plan["arena_bytes"], plan["arena_tradeoff"], tflm_total))
    # The planner's own work, compared on what both plan: activations and
    # scratch, without the scratch the default plan adds for recomputed scales.
    assert fastest["arena_plan_bytes"] <= tflm_head, (
        "seed %d: activation plan %d > TFLM's %d (floor %d)" %
        (seed, fastest["arena_plan_bytes"], tflm_head, fastest["arena_plan_floor_bytes"]))


@pytest.mark.suite("arena", "in-place ADD and RESHAPE")
def test_in_place_residual(cli, tmp_path, monkeypatch):
    """x (64 bytes) -> a = conv(x), b = conv(a) (1 KiB each), c = ADD(a, b),
    r = RESHAPE(c): c takes over a's buffer and r c's, so the plan is a and b
    (2 KiB) where separate buffers need a, b and c (3 KiB, as in TFLM)."""
    g = GraphBuilder(np.random.default_rng(7))
    x = g.activation([1, 8, 8, 1])
    a = g.conv(x, 1, 1, 16)
    b = g.conv(a, 1, 1, 16)
    c = g.add(a, b)
    r = g.reshape(c)
    g.b.inputs([x])
    g.b.outputs([r])
    model = g.b.finish()
    path = tmp_path / "residual.tflite"
    path.write_bytes(model)
    x_value = np.random.default_rng(8).integers(-128, 128, size=(1, 8, 8, 1)).astype(np.int8)
    (tmp_path / "input0.bin").write_bytes(x_value.tobytes())
    want, _, tflm_head = tflm_figures(model, [x_value])
    assert tflm_head == 3 * 1024
    for kernels in ("optimized", "reference"):
        monkeypatch.setenv("MICROML_KERNELS", kernels)
        got = cli.run_ok(path, [tmp_path / "input0.bin"], tmp_path / kernels, 1)
        problem = util.compare_outputs(got[0], want[0], np.int8)
        assert problem is None, kernels + ": " + problem
    assert cli.inspect(path)["arena_plan_bytes"] == 2 * 1024


@pytest.mark.suite("arena", "branches run one after the other")
def test_order_finishes_a_branch_first(cli, tmp_path, monkeypatch):
    """x (64 bytes) feeds two branches, each a 1x1 convolution to 64 channels
    (4 KiB) and one back to 1 channel, joined by ADD. In the model's order the
    two wide tensors are alive together (TFLM's activations: over 8 KiB);
    finishing one branch before starting the other needs one at a time."""
    g = GraphBuilder(np.random.default_rng(11))
    x = g.activation([1, 8, 8, 1])
    wide_a = g.conv(x, 1, 1, 64)
    wide_b = g.conv(x, 1, 1, 64)
    narrow_a = g.conv(wide_a, 1, 1, 1)
    narrow_b = g.conv(wide_b, 1, 1, 1)
    y = g.add(narrow_a, narrow_b)
    g.b.inputs([x])
    g.b.outputs([y])
    model = g.b.finish()
    path = tmp_path / "branches.tflite"
    path.write_bytes(model)
    x_value = np.random.default_rng(12).integers(-128, 128, size=(1, 8, 8, 1)).astype(np.int8)
    (tmp_path / "input0.bin").write_bytes(x_value.tobytes())
    want, _, tflm_head = tflm_figures(model, [x_value])
    assert tflm_head > 2 * 4096
    for kernels in ("optimized", "reference"):
        monkeypatch.setenv("MICROML_KERNELS", kernels)
        got = cli.run_ok(path, [tmp_path / "input0.bin"], tmp_path / kernels, 1, "--repeat", "2")
        problem = util.compare_outputs(got[0], want[0], np.int8)
        assert problem is None, kernels + ": " + problem
        assert cli.inspect(path)["arena_plan_bytes"] < 2 * 4096
    plan = json.loads(cli.check(cli("plan", path, "--json")).stdout_text)
    order = [o["op_index"] for o in plan["operators"]]
    assert sorted(order) == list(range(5)) and order != list(range(5)), order


@pytest.mark.suite("arena", "plan picture consistent")
@pytest.mark.parametrize("seed", range(0, GRAPHS, 20))
def test_plan_view(cli, seed, tmp_path):
    """`microml plan --json --svg`: tensors alive at once never share bytes
    (unless one took over the other's buffer in place: same offset and size,
    lifetimes meeting at one operator; or a window operator's output starts
    below its dying input), all lie inside the plan, and the
    picture is well-formed SVG with a box per tensor."""
    model, _, _ = random_graph(seed)
    path = tmp_path / "graph.tflite"
    path.write_bytes(model)
    svg = tmp_path / "plan.svg"
    proc = cli.check(cli("plan", path, "--json", "--svg", svg))
    plan = json.loads(proc.stdout_text)
    tensors = plan["tensors"]
    assert tensors
    windows = {o["index"] for o in plan["operators"]
               if o["op"] in ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D")}

    def window_overlap(inp, out):
        # A window operator's output written over the rows of its dying input
        # it has read: it starts below the input, at the operator where the
        # input dies (the lead itself is proven by the runs' bit-exactness).
        return (inp["last_op"] == out["first_op"] and inp["last_op"] in windows
                and out["offset"] < inp["offset"])
    for t in tensors:
        assert t["offset"] + t["bytes"] <= plan["plan_bytes"], t
    for i, a in enumerate(tensors):
        for b in tensors[i + 1:]:
            same_time = a["first_op"] <= b["last_op"] and b["first_op"] <= a["last_op"]
            same_space = (a["offset"] < b["offset"] + b["bytes"]
                          and b["offset"] < a["offset"] + a["bytes"])
            in_place = (a["offset"] == b["offset"] and a["bytes"] == b["bytes"]
                        and (a["last_op"] == b["first_op"] or b["last_op"] == a["first_op"]))
            assert not (same_time and same_space) or in_place or window_overlap(a, b) \
                or window_overlap(b, a), (a, b)
    live = [o["live_bytes"] for o in plan["operators"]]
    # Window overlaps can bring the plan below the peak of live bytes.
    assert max(live) == live[plan["peak_operator"]]
    boxes = [e for e in ET.parse(svg).getroot().iter() if e.tag.endswith("rect")
             and e.find("{http://www.w3.org/2000/svg}title") is not None]
    assert len(boxes) == len(tensors)
