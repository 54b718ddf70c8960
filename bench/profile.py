#!/usr/bin/env python3
"""Per-operator profile of one model: instructions per operator on a Cortex-M
(QEMU) or microseconds per operator on the host, sorted by cost. Run through
scripts/profile.sh.

MODEL is a folder with model.tflite, input<K>.bin (and, for Cortex-M,
output<K>.bin: the image checks its output) or the name of one in
../shared/models.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cortex_m  # noqa: E402
import macs  # noqa: E402

ROOT = cortex_m.ROOT


def resolve_model(arg):
    path = Path(arg)
    if not (path / "model.tflite").is_file():
        path = cortex_m.SHARED / "models" / arg
    if not (path / "model.tflite").is_file():
        sys.exit("profile: %s is neither a model folder nor a model in %s" % (arg, path.parent))
    return path.resolve()


def cortex_m_profile(cpu, model_dir, kernels):
    """Builds the image where the bench builds it when the model is one of the
    bench's (so neither invalidates the other), else in <cpu>-profile (and
    reference-kernel images in <cpu>-reference)."""
    models_dir = model_dir.parent
    if kernels == "reference":
        directory, models = cortex_m.build_dir(cpu, "-reference"), [model_dir.name]
    elif models_dir == cortex_m.SHARED / "models" and model_dir.name in cortex_m.BENCH_MODELS:
        directory, models = cortex_m.build_dir(cpu), cortex_m.BENCH_MODELS
    else:
        directory, models = cortex_m.build_dir(cpu, "-profile"), [model_dir.name]
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "build.log"
    print("profile: building %s for %s in %s" % (model_dir.name, cpu, directory.relative_to(ROOT)),
          file=sys.stderr, flush=True)
    # Only the one target: the others keep whatever state they had.
    images = cortex_m.build(cpu, models, models_dir, directory, log, only=[model_dir.name],
                            kernels=kernels)
    if model_dir.name not in images:
        sys.exit("profile: build failed, see %s" % log)
    rows, matched = cortex_m.profile(cpu, images[model_dir.name])
    if not matched:
        print("profile: WARNING: the image's output differs from the golden output", file=sys.stderr)
    return rows


def host_cli():
    if os.environ.get("MICROML_BIN"):
        return Path(os.environ["MICROML_BIN"])
    directory = ROOT / "build" / "bench-host"
    if not (directory / "build.ninja").is_file():
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(directory), "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", str(directory), "-j", cortex_m.JOBS, "microml"], check=True,
                   stdout=subprocess.DEVNULL)
    return directory / "bin" / "microml"


def host_profile(model_dir, repeat, out_dir, kernels):
    cmd = [str(host_cli()), "run", str(model_dir / "model.tflite"), "--output-dir", str(out_dir),
           "--repeat", str(repeat), "--profile"]
    for path in sorted(model_dir.glob("input[0-9]*.bin")):
        cmd += ["--input", str(path)]
    env = dict(os.environ, MICROML_KERNELS=kernels)
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit("profile: %s failed:\n%s" % (" ".join(cmd), result.stderr))
    out = result.stdout
    return [(int(s), int(i), name, float(us))
            for s, i, name, us in re.findall(r"^profile: (\d+) (\d+) (\S+) (\S+)$", out, re.M)]


def print_table(rows, unit, details, out=sys.stdout):
    """Costliest first; `details` ({(subgraph, index): (MACs, shapes)}) adds
    the cost per MAC, which shows an operator that is slow for its size."""
    def value(cost):
        return "%d" % cost if unit == "instructions" else "%.1f" % cost

    # Host: nanoseconds per MAC (microseconds would round to 0).
    per_mac_scale, per_mac = (1, "insns/MAC") if unit == "instructions" else (1000, "ns/MAC")
    fmt = "%8s  %-18s %14s %7s %10s %9s  %s"
    print(fmt % ("op", "name", unit, "share", "MACs", per_mac, "shapes"), file=out)
    for s, i, name, cost, share in cortex_m.ranked(rows):
        mac, shapes = details.get((s, i), (0, ""))
        line = fmt % (str(i) if s == 0 else "%d:%d" % (s, i), name, value(cost), "%.1f%%" % (100 * share),
                      mac or "", "%.3f" % (per_mac_scale * cost / mac) if mac else "", shapes)
        print(line.rstrip(), file=out)
    total = sum(r[3] for r in rows)
    all_macs = sum(mac for mac, _ in details.values())
    print((fmt % ("", "total (operators)", value(total), "100.0%", all_macs or "",
                  "%.3f" % (per_mac_scale * total / all_macs) if all_macs else "", "")).rstrip(), file=out)
    print("\nper operator type:", file=out)
    for name, cost, share in cortex_m.by_type(rows):
        print((fmt % ("", name, value(cost), "%.1f%%" % (100 * share), "", "", "")).rstrip(), file=out)


def main():
    # Piped into head: stop quietly.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--cpu", default="m4", choices=sorted(cortex_m.CPUS) + ["host"])
    parser.add_argument("--repeat", type=int, default=20, help="host: invocations (the median is shown)")
    parser.add_argument("--kernels", choices=["optimized", "reference"],
                        default=os.environ.get("MICROML_KERNELS", "optimized"),
                        help="kernel set (default: MICROML_KERNELS, else optimized)")
    args = parser.parse_args()
    model_dir = resolve_model(args.model)
    if args.cpu == "host":
        out_dir = ROOT / "build" / "bench-host" / "profile-out"
        out_dir.mkdir(parents=True, exist_ok=True)
        rows, unit = host_profile(model_dir, args.repeat, out_dir, args.kernels), "microseconds"
    else:
        rows, unit = cortex_m_profile(args.cpu, model_dir, args.kernels), "instructions"
    print("%s on %s (%s kernels)" % (model_dir.name, args.cpu, args.kernels))
    details = {(s, i): (m, shapes) for s, i, m, shapes in macs.op_details(model_dir / "model.tflite")}
    print_table(rows, unit, details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
