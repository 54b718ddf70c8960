#!/usr/bin/env python3
"""Builds a MicroPython ROMFS image (vfs.VfsRom, MicroPython >= 1.25) from a directory.

usage: mkromfs.py DIR OUT

The qemu firmware mounts the image on /rom (micropython/qemu/qemu_rom.c;
scripts/run_micropython_qemu.py --rom OUT loads it). Every file's data starts
on a 16-byte boundary of the image, so that ml.Model runs a .tflite stored
there in place (the runtime wants flatbuffers 16-byte aligned); the image must
be loaded at a 16-byte aligned address.

Format (extmod/vfs_rom.c): records of varuint kind, varuint payload length,
payload; varuints are big-endian 7-bit groups, high bit = more follows, and
may be padded with leading 0x80 bytes. The image is one record of kind
0x14a6b1 (bytes d2 cd 31) holding directory (4) and file (5) records; a
directory or file payload is varuint name length, name, nested records; file
bytes are a verbatim data record (2). Container lengths are written padded to
a fixed 5 bytes so that offsets are known before the contents are; a data
record's length is padded to align the bytes that follow it.
"""

import argparse
import sys
from pathlib import Path

ALIGN = 16
KIND_FILESYSTEM = b"\xd2\xcd\x31"
KIND_PADDING = 1
KIND_DATA = 2
KIND_DIRECTORY = 4
KIND_FILE = 5


def varuint(n, width=0):
    """n as a varuint, padded with leading 0x80 bytes to at least `width` bytes."""
    groups = [n & 0x7F]
    n >>= 7
    while n:
        groups.append(n & 0x7F)
        n >>= 7
    groups.extend([0] * max(0, width - len(groups)))
    groups.reverse()
    return bytes(0x80 | g for g in groups[:-1]) + bytes([groups[-1]])


LEN_WIDTH = 5  # 35 bits: any length this format can describe here


def container(kind, name, offset, children):
    """A directory or file record starting at `offset` of the image;
    `children(offset)` returns the nested records' bytes placed at `offset`."""
    name = name.encode()
    head = varuint(kind) + bytes(LEN_WIDTH)
    body_start = offset + len(head)
    prefix = varuint(len(name)) + name
    inner = children(body_start + len(prefix))
    payload = prefix + inner
    return varuint(kind) + varuint(len(payload), LEN_WIDTH) + payload


def data_record(data, offset):
    """A verbatim data record at `offset` whose bytes start ALIGN-aligned."""
    base = varuint(KIND_DATA) + varuint(len(data))
    pad = (-(offset + len(base))) % ALIGN
    return varuint(KIND_DATA) + varuint(len(data), len(varuint(len(data))) + pad) + data


def directory_entries(path, offset):
    out = bytearray()
    for entry in sorted(path.iterdir()):
        at = offset + len(out)
        if entry.is_dir():
            out += container(KIND_DIRECTORY, entry.name, at,
                             lambda o, e=entry: directory_entries(e, o))
        elif entry.is_file():
            data = entry.read_bytes()
            out += container(KIND_FILE, entry.name, at, lambda o, d=data: data_record(d, o))
        else:
            raise SystemExit(f"mkromfs: {entry} is neither a file nor a directory")
    return bytes(out)


def build(root):
    head = len(KIND_FILESYSTEM) + LEN_WIDTH
    payload = directory_entries(Path(root), head)
    if (head + len(payload)) % 2:
        # The image size must be even; a padding record of one byte flips it.
        payload += varuint(KIND_PADDING) + varuint(1) + b"\0"
    return KIND_FILESYSTEM + varuint(len(payload), LEN_WIDTH) + payload


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if not args.dir.is_dir():
        sys.exit(f"mkromfs: {args.dir} is not a directory")
    image = build(args.dir)
    args.out.write_bytes(image)
    print(f"mkromfs: {args.out}: {len(image)} bytes")


if __name__ == "__main__":
    main()
