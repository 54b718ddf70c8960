#!/usr/bin/env python3
"""Deterministic generator of malformed .tflite models for robustness testing.

Walks each source model's FlatBuffers structure with the TFLite schema, so that
most mutations hit a specific structural element (a uoffset, a vector length, a
vtable entry, a tensor type, a shape dimension, an operator's tensor index...)
instead of only flipping random bits. The output is fully determined by the
source models and the seed (default 0): every random choice comes from a
generator seeded with the source name and the seed.

Usage: gen_mutations.py OUT_DIR [--shared DIR] [--per-model N] [--seed S] [--list]

Writes OUT_DIR/<source>__<NNNN>_<kind>.tflite, the input files the `run`
command needs (OUT_DIR/inputs/), and OUT_DIR/manifest.json describing every case.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = Path(os.environ.get("MICROML_SHARED", REPO.parent / "shared"))

# Bytes per element of each TFLite TensorType (None: no fixed size or packed).
TYPE_SIZES = {0: 4, 1: 2, 2: 4, 3: 1, 4: 8, 6: 1, 7: 2, 8: 8, 9: 1, 10: 8, 11: 16,
              12: 8, 15: 4, 16: 2, 18: 2}

# The subset of the TFLite schema the runtime reads. Field index -> (kind, role).
# Kinds: scalar widths ("u8", "i8", "u16", "i32", "u32", "i64", "f32"), "str",
# "table:<Name>", "vtables:<Name>" (vector of tables), "v:<elem>" (vector of
# scalars; elem one of u8 i32 i64 f32). Unions take two slots (type, value).
SCHEMA: dict[str, dict[int, tuple[str, str]]] = {
    "Model": {0: ("u32", "model_version"), 1: ("vtables:OperatorCode", "opcodes"),
              2: ("vtables:SubGraph", "subgraphs"), 3: ("str", "description"),
              4: ("vtables:Buffer", "buffers"), 5: ("v:i32", "metadata_buffer"),
              6: ("vtables:Metadata", "metadata"), 7: ("vtables:SignatureDef", "signatures")},
    "OperatorCode": {0: ("i8", "deprecated_builtin_code"), 1: ("str", "custom_code"),
                     2: ("i32", "op_version"), 3: ("i32", "builtin_code")},
    "SubGraph": {0: ("vtables:Tensor", "tensors"), 1: ("v:i32", "sg_inputs"),
                 2: ("v:i32", "sg_outputs"), 3: ("vtables:Operator", "operators"),
                 4: ("str", "sg_name")},
    "Tensor": {0: ("v:i32", "shape"), 1: ("i8", "tensor_type"), 2: ("u32", "tensor_buffer"),
               3: ("str", "tensor_name"), 4: ("table:Quantization", "quantization"),
               5: ("u8", "is_variable"), 6: ("table:Opaque", "sparsity"),
               7: ("v:i32", "shape_signature")},
    "Quantization": {0: ("v:f32", "q_min"), 1: ("v:f32", "q_max"), 2: ("v:f32", "scale"),
                     3: ("v:i64", "zero_point"), 4: ("u8", "details_type"),
                     5: ("table:Opaque", "details"), 6: ("i32", "quantized_dimension")},
    "Operator": {0: ("u32", "opcode_index"), 1: ("v:i32", "op_inputs"),
                 2: ("v:i32", "op_outputs"), 3: ("u8", "options_type"),
                 4: ("table:Opaque", "options"), 5: ("v:u8", "custom_options"),
                 6: ("i8", "custom_options_format"), 7: ("v:u8", "mutating_variable_inputs"),
                 8: ("v:i32", "intermediates")},
    "Buffer": {0: ("v:u8", "buffer_data"), 1: ("i64", "buffer_offset"), 2: ("i64", "buffer_size")},
    "Metadata": {0: ("str", "metadata_name"), 1: ("u32", "metadata_buffer_index")},
    "SignatureDef": {0: ("vtables:TensorMap", "sig_inputs"), 1: ("vtables:TensorMap", "sig_outputs"),
                     2: ("str", "signature_key"), 4: ("u32", "sig_subgraph")},
    "TensorMap": {0: ("str", "tm_name"), 1: ("u32", "tm_tensor")},
    # Tables whose layout depends on a union type: fields are mutated as raw
    # scalars whose width is inferred from the gap to the next field.
    "Opaque": {},
}

# Mutants per source model (fewer for heavy models, a third for single-op models).
DEFAULT_PER_MODEL = 200

# Graphs this small get every graph input/output rewired to every tensor.
SMALL_GRAPH_TENSORS = 12

WIDTHS = {"u8": 1, "i8": 1, "u16": 2, "i32": 4, "u32": 4, "i64": 8, "f32": 4}
STRUCT = {"u8": "<B", "i8": "<b", "u16": "<H", "i32": "<i", "u32": "<I", "i64": "<q",
          "f32": "<f"}


@dataclass
class Layout:
    """Byte positions of every structural element of one model."""
    size: int
    uoffsets: list[tuple[int, str]] = field(default_factory=list)   # (pos, what it points to)
    vec_lengths: list[tuple[int, int, str]] = field(default_factory=list)  # (pos, elem size, role)
    soffsets: list[int] = field(default_factory=list)               # table -> vtable
    vtables: list[int] = field(default_factory=list)
    vtable_entries: list[tuple[int, int]] = field(default_factory=list)  # (pos, table size)
    scalars: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, kind, role)
    elements: list[tuple[int, str, str]] = field(default_factory=list)  # vector elements
    tables: list[int] = field(default_factory=list)
    data_ranges: list[tuple[int, int]] = field(default_factory=list)  # buffer payloads
    counts: dict[str, int] = field(default_factory=dict)
    inputs: list[tuple[int, int]] = field(default_factory=list)  # (type, bytes) per input
    graph: "Graph | None" = None


class Malformed(Exception):
    pass


class Reader:
    def __init__(self, data: bytes):
        self.d = data
        self.n = len(data)

    def get(self, fmt: str, pos: int):
        size = struct.calcsize(fmt)
        if pos < 0 or pos + size > self.n:
            raise Malformed(f"read of {size} at {pos} beyond {self.n}")
        return struct.unpack_from(fmt, self.d, pos)[0]

    def table(self, pos: int) -> tuple[int, list[int], int]:
        """Returns (vtable pos, field offsets, table size)."""
        vt = pos - self.get("<i", pos)
        vt_size = self.get("<H", vt)
        tbl_size = self.get("<H", vt + 2)
        if vt_size < 4 or vt_size % 2:
            raise Malformed("bad vtable size")
        offs = [self.get("<H", vt + 4 + 2 * i) for i in range((vt_size - 4) // 2)]
        return vt, offs, tbl_size

    def deref(self, pos: int) -> int:
        target = pos + self.get("<I", pos)
        if target >= self.n:
            raise Malformed("uoffset out of range")
        return target


def walk(data: bytes) -> Layout:
    """Full structural walk of a valid model."""
    r = Reader(data)
    lay = Layout(size=len(data))
    seen: set[int] = set()

    def visit_table(pos: int, name: str):
        if pos in seen:
            return
        seen.add(pos)
        lay.tables.append(pos)
        lay.counts[name] = lay.counts.get(name, 0) + 1
        vt, offs, tbl_size = r.table(pos)
        lay.soffsets.append(pos)
        if vt not in lay.vtables:
            lay.vtables.append(vt)
        for i in range(len(offs)):
            lay.vtable_entries.append((vt + 4 + 2 * i, tbl_size))
        spec = SCHEMA[name]
        present = sorted((o, i) for i, o in enumerate(offs) if o)
        for k, (off, idx) in enumerate(present):
            fpos = pos + off
            if name == "Opaque" or idx not in spec:
                nxt = present[k + 1][0] if k + 1 < len(present) else tbl_size
                width = max(1, min(8, nxt - off))
                kind = {1: "u8", 2: "u16", 4: "u32", 8: "i64"}.get(width, "u8")
                lay.scalars.append((fpos, kind, f"{name}.field{idx}"))
                continue
            kind, role = spec[idx]
            if kind in WIDTHS:
                lay.scalars.append((fpos, kind, role))
            elif kind == "str":
                target = r.deref(fpos)
                lay.uoffsets.append((fpos, role))
                lay.vec_lengths.append((target, 1, role))
            elif kind.startswith("table:"):
                target = r.deref(fpos)
                lay.uoffsets.append((fpos, role))
                visit_table(target, kind.split(":")[1])
            elif kind.startswith("vtables:"):
                target = r.deref(fpos)
                lay.uoffsets.append((fpos, role))
                count = r.get("<I", target)
                lay.vec_lengths.append((target, 4, role))
                for j in range(count):
                    slot = target + 4 + 4 * j
                    lay.uoffsets.append((slot, role + "[]"))
                    visit_table(r.deref(slot), kind.split(":")[1])
            elif kind.startswith("v:"):
                elem = kind.split(":")[1]
                target = r.deref(fpos)
                lay.uoffsets.append((fpos, role))
                count = r.get("<I", target)
                lay.vec_lengths.append((target, WIDTHS[elem], role))
                if role == "buffer_data":
                    lay.data_ranges.append((target + 4, target + 4 + count))
                else:
                    for j in range(min(count, 64)):
                        lay.elements.append((target + 4 + WIDTHS[elem] * j, elem, role))

    if len(data) < 8:
        raise Malformed("too short")
    lay.uoffsets.append((0, "root"))
    visit_table(r.deref(0), "Model")
    lay.inputs = input_specs(data) or []
    lay.graph = graph_of(data)
    return lay


@dataclass
class Graph:
    """Tensor wiring of subgraph 0: where each tensor index is stored."""
    num_tensors: int
    constants: list[int]                # tensors with data in the model
    sg_inputs: list[tuple[int, int]]    # (byte position, tensor index)
    sg_outputs: list[tuple[int, int]]
    op_inputs: list[list[tuple[int, int]]]   # per operator
    op_outputs: list[list[tuple[int, int]]]


def graph_of(data: bytes) -> Graph:
    r = Reader(data)

    def field_pos(table: int, idx: int) -> int | None:
        _, offs, _ = r.table(table)
        return table + offs[idx] if idx < len(offs) and offs[idx] else None

    def vector(table: int, idx: int) -> tuple[int, int]:
        p = field_pos(table, idx)
        if p is None:
            return 0, 0
        v = r.deref(p)
        return v + 4, r.get("<I", v)

    def indices(table: int, idx: int) -> list[tuple[int, int]]:
        start, count = vector(table, idx)
        return [(start + 4 * k, r.get("<i", start + 4 * k)) for k in range(count)]

    root = r.deref(0)
    buffers_start, num_buffers = vector(root, 4)
    subgraphs_start, _ = vector(root, 2)
    sg = r.deref(subgraphs_start)
    tensors_start, num_tensors = vector(sg, 0)
    constants = []
    for t in range(num_tensors):
        table = r.deref(tensors_start + 4 * t)
        p = field_pos(table, 2)
        buffer = r.get("<I", p) if p is not None else 0
        if 0 < buffer < num_buffers and vector(r.deref(buffers_start + 4 * buffer), 0)[1] > 0:
            constants.append(t)
    ops_start, num_ops = vector(sg, 3)
    ops = [r.deref(ops_start + 4 * k) for k in range(num_ops)]
    return Graph(num_tensors, constants, indices(sg, 1), indices(sg, 2),
                 [indices(op, 1) for op in ops], [indices(op, 2) for op in ops])


def input_specs(data: bytes) -> list[tuple[int, int]] | None:
    """(type, byte size) of each input of subgraph 0, or None when the model does
    not parse that far or the sizes are not sensible."""
    r = Reader(data)
    try:
        root = r.deref(0)

        def field_pos(table: int, idx: int) -> int | None:
            _, offs, _ = r.table(table)
            return table + offs[idx] if idx < len(offs) and offs[idx] else None

        def vector(table: int, idx: int) -> tuple[int, int] | None:
            p = field_pos(table, idx)
            if p is None:
                return None
            v = r.deref(p)
            return v + 4, r.get("<I", v)

        subgraphs = vector(root, 2)
        if not subgraphs or subgraphs[1] < 1:
            return None
        sg = r.deref(subgraphs[0])
        tensors = vector(sg, 0)
        inputs = vector(sg, 1)
        if not tensors or not inputs or inputs[1] > 16:
            return None
        specs = []
        for k in range(inputs[1]):
            ti = r.get("<i", inputs[0] + 4 * k)
            if not 0 <= ti < tensors[1]:
                return None
            t = r.deref(tensors[0] + 4 * ti)
            p = field_pos(t, 1)
            ttype = r.get("<b", p) if p is not None else 0
            shape = vector(t, 0)
            elems = 1
            for j in range(shape[1] if shape else 0):
                dim = r.get("<i", shape[0] + 4 * j)
                if dim < 0:
                    return None
                elems *= dim
            if ttype not in TYPE_SIZES or elems * TYPE_SIZES[ttype] > (4 << 20):
                return None
            specs.append((ttype, elems * TYPE_SIZES[ttype]))
        return specs
    except (Malformed, struct.error, IndexError):
        return None


# --------------------------------------------------------------------------- mutations

def put(buf: bytearray, pos: int, kind: str, value) -> bool:
    fmt = STRUCT[kind]
    size = struct.calcsize(fmt)
    if pos < 0 or pos + size > len(buf):
        return False
    if kind == "f32":
        struct.pack_into(fmt, buf, pos, value)
    else:
        bits = size * 8
        value = int(value) & ((1 << bits) - 1)
        if fmt[1].islower() and value >= 1 << (bits - 1):
            value -= 1 << bits
        struct.pack_into(fmt, buf, pos, value)
    return True


def get(buf: bytes, pos: int, kind: str):
    return struct.unpack_from(STRUCT[kind], buf, pos)[0]


# How often each field group is picked for a semantic mutation: the fields the
# runtime validates in prepare matter most.
SEMANTIC_WEIGHTS = {"shape": 6, "Opaque": 6, "op_inputs": 4, "op_outputs": 3, "tensor_type": 4,
                    "tensor_buffer": 3, "scale": 3, "zero_point": 3, "quantized_dimension": 2,
                    "opcode_index": 2, "builtin_code": 2, "op_version": 2, "options_type": 2,
                    "sg_inputs": 2, "sg_outputs": 2, "is_variable": 1, "q_min": 0.3,
                    "q_max": 0.3, "custom_options": 2}

INT_EDGES = [0, 1, -1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, -0x80000000,
             0xFFFFFFFF, 0x10000, 0x40000000]


class Mutator:
    def __init__(self, source: str, data: bytes, lay: Layout, seed: int = 0):
        self.source = source
        self.data = data
        self.lay = lay
        self.rng = random.Random(f"microml-mutations:{source}:{seed}")
        self.num_tensors = lay.counts.get("Tensor", 0)
        self.num_buffers = lay.counts.get("Buffer", 0)
        self.num_opcodes = lay.counts.get("OperatorCode", 0)
        self.structural = self._structural_positions()
        self.groups: dict[str, list[tuple[int, str, str]]] = {}
        for item in self.lay.scalars + self.lay.elements:
            self.groups.setdefault(item[2].split(".")[0], []).append(item)
        self.group_names = sorted(self.groups)
        self.group_weights = [SEMANTIC_WEIGHTS.get(g, 1) for g in self.group_names]

    def _structural_positions(self) -> list[int]:
        in_data = bytearray(len(self.data))
        for a, b in self.lay.data_ranges:
            in_data[a:b] = b"\x01" * (b - a)
        return [i for i in range(len(self.data)) if not in_data[i]]

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    # Each method returns (kind, bytes) or None when it does not apply.

    def truncate(self):
        n = len(self.data)
        r = self.rng.random()
        if r < 0.15:
            cut = self.rng.choice([0, 1, 3, 4, 5, 7, 8, 12, 16, 24])
        elif r < 0.6:
            anchor = self.pick(self.lay.tables + self.lay.vtables + [p for p, _, _ in self.lay.vec_lengths])
            cut = anchor + self.rng.choice([-1, 0, 1, 2, 4, 6])
        else:
            cut = self.rng.randrange(n)
        cut = max(0, min(n - 1, cut))
        return "truncate", self.data[:cut]

    def uoffset(self):
        pos, role = self.pick(self.lay.uoffsets)
        buf = bytearray(self.data)
        orig = get(buf, pos, "u32")
        n = len(buf)
        value = self.rng.choice([0, 1, 2, 3, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, n - pos,
                                 n - pos - 1, n - pos - 4, orig + 1, orig + 2, orig - 4,
                                 orig + 4, -pos, orig + self.rng.randrange(n), 0xFFFFFFFC])
        put(buf, pos, "u32", value)
        return f"uoffset-{role}", bytes(buf)

    def vec_length(self):
        pos, elem, role = self.pick(self.lay.vec_lengths)
        buf = bytearray(self.data)
        orig = get(buf, pos, "u32")
        room = (len(buf) - pos - 4) // elem
        value = self.rng.choice([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x40000000, 0x40000001,
                                 0x20000000, 0x20000001, 0x80000000, orig + 1, orig - 1,
                                 orig * 2 + 1, room, room + 1, orig ^ 0x100])
        put(buf, pos, "u32", value)
        return f"veclen-{role}", bytes(buf)

    def soffset(self):
        pos = self.pick(self.lay.soffsets)
        buf = bytearray(self.data)
        orig = get(buf, pos, "i32")
        value = self.rng.choice([0, 1, 2, orig + 1, orig - 1, orig + 2, orig - 2,
                                 0x7FFFFFFF, -0x80000000, pos + 1, pos, -len(buf),
                                 pos - len(buf), orig + 4])
        put(buf, pos, "i32", value)
        return "soffset", bytes(buf)

    def vtable_header(self):
        vt = self.pick(self.lay.vtables)
        buf = bytearray(self.data)
        if self.rng.random() < 0.6:
            orig = get(buf, vt, "u16")
            value = self.rng.choice([0, 1, 2, 3, 5, 0xFFFF, 0xFFFE, orig + 2, orig + 4, orig - 2,
                                     orig + 64])
            put(buf, vt, "u16", value)
            return "vtable-size", bytes(buf)
        orig = get(buf, vt + 2, "u16")
        value = self.rng.choice([0, 1, 3, 4, 0xFFFF, orig - 1, orig - 4, orig + 1, orig * 4])
        put(buf, vt + 2, "u16", value)
        return "vtable-tablesize", bytes(buf)

    def vtable_entry(self):
        pos, tbl_size = self.pick(self.lay.vtable_entries)
        buf = bytearray(self.data)
        orig = get(buf, pos, "u16")
        value = self.rng.choice([0, 1, 2, 3, 0xFFFF, 0xFFFE, tbl_size, tbl_size - 1, tbl_size - 2,
                                 tbl_size + 4, orig + 1, orig - 1, orig + 2, 4])
        put(buf, pos, "u16", value)
        return "vtable-entry", bytes(buf)

    def semantic(self, buf: bytearray | None = None):
        """Valid FlatBuffers, hostile content: a field's value changes."""
        own = buf is None
        buf = bytearray(self.data) if own else buf
        groups = self.groups
        pos, kind, role = self.pick(groups[self.rng.choices(self.group_names, self.group_weights)[0]])
        rng = self.rng
        nt, nb, no = self.num_tensors, self.num_buffers, self.num_opcodes
        if role == "tensor_type":
            value = rng.choice(list(range(0, 20)) + [127, -1, -128])
        elif role == "tensor_buffer":
            value = rng.choice([nb, nb + 1, 0xFFFFFFFF, 0x7FFFFFFF, 0, rng.randrange(max(nb, 1))])
        elif role == "opcode_index":
            value = rng.choice([no, no + 1, 0xFFFFFFFF, 0x80000000, rng.randrange(max(no, 1))])
        elif role in ("op_inputs", "op_outputs", "sg_inputs", "sg_outputs", "intermediates",
                      "tm_tensor"):
            value = rng.choice([-1, -2, nt, nt + 1, 0x7FFFFFFF, -0x80000000,
                                rng.randrange(max(nt, 1)), rng.randrange(max(nt, 1))])
        elif role in ("shape", "shape_signature"):
            orig = get(buf, pos, kind)
            value = rng.choice([0, -1, -2, 0x7FFFFFFF, 0x10000, 65537, 0x40000000, orig + 1,
                                orig * 2, orig * 256, 1, 3])
        elif role in ("scale", "q_min", "q_max"):
            value = rng.choice([0.0, -0.0, -1.0, math.nan, math.inf, -math.inf, 1e-45, 1e38,
                                1e-38, 3.0e9, 1e-30])
        elif role == "zero_point":
            value = rng.choice([1 << 31, -(1 << 31) - 1, (1 << 63) - 1, -(1 << 63), 128, -129,
                                255, 256, 32768, -32769, 1 << 40])
        elif role == "quantized_dimension":
            value = rng.choice([-1, 1, 2, 3, 4, 5, 8, 0x7FFFFFFF, -0x80000000])
        elif role == "builtin_code":
            value = rng.choice([9999, -1, 32, 0x7FFFFFFF, rng.randrange(0, 210),
                                rng.randrange(0, 130)])
        elif role == "deprecated_builtin_code":
            value = rng.choice([127, -1, 32, -128, rng.randrange(0, 127)])
        elif role == "op_version":
            value = rng.choice([0, -1, 2, 3, 7, 100, 0x7FFFFFFF])
        elif role == "options_type":
            value = rng.choice([0, 255, 127, rng.randrange(1, 130), rng.randrange(1, 130)])
        elif role in ("metadata_buffer_index", "metadata_buffer", "sig_subgraph"):
            value = rng.choice([nb, 0xFFFFFFFF, 5, 1])
        elif kind == "f32":
            value = rng.choice([0.0, -1.0, math.nan, math.inf, 1e30])
        else:
            orig = get(buf, pos, kind)
            value = rng.choice(INT_EDGES + [orig + 1, orig - 1, orig ^ 1, rng.randrange(256)])
        put(buf, pos, kind, value)
        return (f"semantic-{role.replace('Opaque', 'options')}", bytes(buf)) if own else role

    def rewire(self):
        """Valid indices, hostile graph: a graph or operator tensor slot now names a
        constant, a graph input/output, a tensor written later or by another
        operator, or the operator's own output."""
        g = self.lay.graph
        rng = self.rng
        slots = [("sg_inputs", p, v) for p, v in g.sg_inputs] + \
                [("sg_outputs", p, v) for p, v in g.sg_outputs]
        for k, (ins, outs) in enumerate(zip(g.op_inputs, g.op_outputs)):
            slots += [(f"op{k}_input", p, v) for p, v in ins if v >= 0]
            slots += [(f"op{k}_output", p, v) for p, v in outs]
        what, pos, orig = self.pick(slots)
        produced_later = []
        own_outputs = []
        if what.startswith("op"):
            k = int(what[2:].split("_")[0])
            own_outputs = [v for _, v in g.op_outputs[k]]
            produced_later = [v for outs in g.op_outputs[k + 1:] for _, v in outs]
        others_outputs = [v for outs in g.op_outputs for _, v in outs if v not in own_outputs]
        choices = {
            "constant": g.constants,
            "graph-input": [v for _, v in g.sg_inputs],
            "graph-output": [v for _, v in g.sg_outputs],
            "later-output": produced_later,
            "own-output": own_outputs,
            "other-output": others_outputs,
            "any": list(range(g.num_tensors)),
        }
        kinds = [k for k, v in choices.items() if [x for x in v if x != orig]]
        if not kinds:
            return None
        kind = rng.choice(kinds)
        buf = bytearray(self.data)
        put(buf, pos, "i32", rng.choice([x for x in choices[kind] if x != orig]))
        return f"rewire-{what.split('_')[-1] if what.startswith('op') else what}-to-{kind}", bytes(buf)

    def rewire_all(self, limit: int):
        """Small graphs: every graph input/output slot pointed at every other tensor."""
        g = self.lay.graph
        slots = [("sg_inputs", p, v) for p, v in g.sg_inputs] + \
                [("sg_outputs", p, v) for p, v in g.sg_outputs]
        for what, pos, orig in slots:
            for t in range(g.num_tensors):
                if t == orig or limit <= 0:
                    continue
                limit -= 1
                buf = bytearray(self.data)
                put(buf, pos, "i32", t)
                yield f"rewire-all-{what}-to-{t}", bytes(buf)

    def combined(self):
        buf = bytearray(self.data)
        roles = [self.semantic(buf) for _ in range(self.rng.randint(2, 4))]
        return "combined-" + "+".join(sorted(set(roles)))[:60], bytes(buf)

    def structural_flips(self):
        buf = bytearray(self.data)
        for _ in range(self.rng.choice([1, 1, 2, 3, 4, 8, 16])):
            pos = self.pick(self.structural)
            buf[pos] ^= 1 << self.rng.randrange(8)
        return "bitflip-structure", bytes(buf)

    def random_bytes(self):
        buf = bytearray(self.data)
        for _ in range(self.rng.choice([1, 4, 16, 64])):
            buf[self.rng.randrange(len(buf))] = self.rng.randrange(256)
        return "random-bytes", bytes(buf)

    def special(self):
        d = self.data
        choice = self.rng.randrange(7)
        if choice == 0:
            return "special-identifier", d[:4] + b"XXXX" + d[8:]
        if choice == 1:
            return "special-appended", d + bytes(self.rng.randrange(256) for _ in range(37))
        if choice == 2:
            return "special-doubled", d + d
        if choice == 3:
            return "special-garbage", bytes(self.rng.randrange(256) for _ in range(len(d)))
        if choice == 4:
            return "special-zeros", bytes(len(d))
        if choice == 5:
            return "special-ones", b"\xff" * len(d)
        head = self.rng.randrange(8, 64)
        return "special-shifted", d[head:]

    PLAN = [  # (method, share of the budget)
        ("truncate", 0.10), ("uoffset", 0.13), ("vec_length", 0.13), ("soffset", 0.05),
        ("vtable_header", 0.06), ("vtable_entry", 0.09), ("semantic", 0.18), ("rewire", 0.08),
        ("combined", 0.07), ("structural_flips", 0.07), ("random_bytes", 0.03),
        ("special", 0.03),
    ]

    def generate(self, budget: int):
        seen = {hashlib.sha1(self.data).digest()}
        if self.lay.graph.num_tensors <= SMALL_GRAPH_TENSORS:
            for out in self.rewire_all(budget // 4):
                seen.add(hashlib.sha1(out[1]).digest())
                yield out
        for method, share in self.PLAN:
            want = max(1, round(budget * share))
            made = attempts = 0
            while made < want and attempts < want * 4:
                attempts += 1
                out = getattr(self, method)()
                if out is None:
                    continue
                digest = hashlib.sha1(out[1]).digest()
                if digest in seen:
                    continue
                seen.add(digest)
                made += 1
                yield out


# --------------------------------------------------------------------------- driver

@dataclass
class Source:
    name: str
    model: Path
    inputs: list[Path]  # original input files (may be empty)
    budget: int


def default_sources(shared: Path, per_model: int) -> list[Source]:
    sources = []
    for d in sorted((shared / "models").iterdir()):
        model = d / "model.tflite"
        if not model.is_file():
            continue
        inputs = sorted(d.glob("input*.bin"), key=lambda p: int(p.stem[5:]))
        budget = per_model
        meta = d / "meta.json"
        # Heavy models: full inferences dominate the run time; fewer cases.
        if meta.is_file() and json.loads(meta.read_text()).get(
                "tflm_callgrind_ir_per_invoke", 0) > 5e7:
            budget = per_model * 2 // 3
        sources.append(Source(d.name, model, inputs, budget))
    # One single-op model per operator directory widens the kernel coverage.
    conf = shared / "conformance" / "tflm-integration"
    if conf.is_dir():
        for d in sorted(p for p in conf.iterdir() if p.is_dir()):
            models = sorted(d.glob("*.tflite"))
            for model in models[:2]:
                sources.append(Source(f"conf_{model.stem}", model, [], per_model // 3))
    return sources


def generate(out: Path, shared: Path, per_model: int, seed: int = 0) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "inputs").mkdir(exist_ok=True)
    cases = []
    zero_files: dict[int, str] = {}

    def zeros(nbytes: int) -> str:
        if nbytes not in zero_files:
            p = out / "inputs" / f"zeros_{nbytes}.bin"
            p.write_bytes(bytes(nbytes))
            zero_files[nbytes] = str(p)
        return zero_files[nbytes]

    for src in default_sources(shared, per_model):
        data = src.model.read_bytes()
        lay = walk(data)
        # The inputs the original model takes: its golden input files when they
        # exist, else zeros of the right size.
        original = [str(src.inputs[k]) if k < len(src.inputs) else zeros(nbytes)
                    for k, (_, nbytes) in enumerate(lay.inputs)]
        for i, (kind, mutated) in enumerate(Mutator(src.name, data, lay, seed).generate(src.budget)):
            path = out / f"{src.name}__{i:04d}_{kind}.tflite"
            path.write_bytes(mutated)
            specs = input_specs(mutated)
            if specs is None:
                inputs = original
            else:
                inputs = [original[k] if k < len(lay.inputs) and lay.inputs[k][1] == nbytes
                          else zeros(nbytes) for k, (_, nbytes) in enumerate(specs)]
            cases.append({"id": path.stem, "source": src.name, "kind": kind,
                          "model": str(path), "inputs": inputs})
    (out / "manifest.json").write_text(json.dumps(cases, indent=1))
    return cases


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--per-model", type=int, default=DEFAULT_PER_MODEL)
    ap.add_argument("--seed", type=int, default=0, help="another seed gives other mutants")
    ap.add_argument("--list", action="store_true", help="print a summary of the cases")
    args = ap.parse_args(argv)
    cases = generate(args.out, args.shared, args.per_model, args.seed)
    if args.list:
        by_kind: dict[str, int] = {}
        for c in cases:
            k = c["kind"].split("-")[0]
            by_kind[k] = by_kind.get(k, 0) + 1
        for k, v in sorted(by_kind.items()):
            print(f"{k:20s} {v}")
    print(f"{len(cases)} mutated models in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
