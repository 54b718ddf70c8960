#!/usr/bin/env python3
"""Runs a MicroPython script on the qemu firmware and exits with its status.

usage: run_micropython_qemu.py --cpu m3|m4f|m7|m55 [--firmware ELF] [--timeout SEC]
                              [--rom IMAGE] SCRIPT

Boots build/micropython/qemu-<cpu>/firmware.elf on its QEMU machine with UART0
on a pipe, enters the raw REPL, sends the script and prints what it prints.
Exit status: 0 if the script finished, 1 if it raised (the traceback goes to
stderr), 124 on timeout, 2 on usage errors. Importable: run(script_text, cpu)
returns (stdout, stderr, status).

--rom loads a ROMFS image (tools/mkromfs.py) into the board's flash window,
which the firmware mounts on /rom (micropython/qemu/qemu_rom.c).
"""

import argparse
import os
import select
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MACHINES = {"m3": "mps2-an385", "m4f": "mps2-an386", "m7": "mps2-an500", "m55": "mps3-an547"}
# /rom windows (address, size): _romfs_start and _romfs_size of the linker scripts.
ROMFS = {"m3": (0x200000, 2 << 20), "m4f": (0x200000, 2 << 20), "m7": (0x200000, 2 << 20),
         "m55": (0x28000000, 8 << 20)}


class Timeout(Exception):
    pass


class Board:
    def __init__(self, cpu, firmware, deadline, rom=None):
        self.deadline = deadline
        self.buffer = b""
        extra = []
        if rom is not None:
            extra = ["-device", f"loader,file={rom},addr={ROMFS[cpu][0]:#x}"]
        self.proc = subprocess.Popen(
            [os.environ.get("QEMU", "qemu-system-arm"), "-machine", MACHINES[cpu], "-nographic",
             "-monitor", "null", "-semihosting", "-serial", "stdio", "-kernel", str(firmware)]
            + extra,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def read_until(self, marker):
        while marker not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise Timeout()
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError("QEMU exited: " + self.buffer[-200:].decode(errors="replace"))
            self.buffer += chunk
        data, self.buffer = self.buffer.split(marker, 1)
        return data

    def write(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def run(script, cpu, firmware=None, timeout=120.0, rom=None):
    """Runs `script` (str or bytes), with the ROMFS image `rom` on /rom if
    given; returns (stdout, stderr, status)."""
    if isinstance(script, str):
        script = script.encode()
    firmware = Path(firmware or REPO / "build" / "micropython" / f"qemu-{cpu}" / "firmware.elf")
    if not firmware.is_file():
        raise FileNotFoundError(f"{firmware} not built (scripts/build_micropython.sh {cpu})")
    if rom is not None:
        size = Path(rom).stat().st_size
        if size > ROMFS[cpu][1]:
            raise ValueError(f"{rom}: {size} bytes, more than the {ROMFS[cpu][1]} of {cpu}'s /rom")
    board = Board(cpu, firmware, time.monotonic() + timeout, rom)
    try:
        board.read_until(b">>> ")
        board.write(b"\r\x01")
        board.read_until(b"raw REPL; CTRL-B to exit\r\n>")
        for start in range(0, len(script), 4096):
            board.write(script[start:start + 4096])
        board.write(b"\x04")
        unexpected = board.read_until(b"OK")
        if unexpected:
            return "", unexpected.decode(errors="replace"), 1
        out = board.read_until(b"\x04").decode(errors="replace").replace("\r\n", "\n")
        err = board.read_until(b"\x04").decode(errors="replace").replace("\r\n", "\n")
        return out, err, 1 if err else 0
    except Timeout:
        return board.buffer.decode(errors="replace"), "timeout after %.0f s\n" % timeout, 124
    finally:
        board.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpu", required=True, choices=sorted(MACHINES))
    parser.add_argument("--firmware")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--rom", help="ROMFS image to mount on /rom (tools/mkromfs.py)")
    parser.add_argument("script")
    args = parser.parse_args()
    out, err, status = run(Path(args.script).read_bytes(), args.cpu, args.firmware, args.timeout,
                        args.rom)
    sys.stdout.write(out)
    sys.stderr.write(err)
    sys.exit(status)


if __name__ == "__main__":
    main()
