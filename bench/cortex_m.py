"""Cortex-M images on QEMU for the benchmark and the per-operator profile.

Images are model_test images (cortex-m/model_test.cc) built with the optimized
kernels in build/bench-cortex-m/<cpu>/ (apart from CI's build/cortex-m/).
Instructions per inference = count(2 invocations) - count(1); the profile runs
one invocation with the operator markers on (cortex-m/run --op-profile). The
images print the smallest arena on the target (setup trading speed for
memory: microml::ArenaTradeoff); images built with exactly that arena
(MICROML_CORTEX_M_SMALL_ARENAS) measure what that costs.
"""
import os
import re
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MICROML_SHARED", ROOT.parent / "shared")).resolve()
RUN = ROOT / "cortex-m" / "run"
JOBS = os.environ.get("MICROML_BENCH_JOBS", "2")

# cpu -> (MICROML_CPU, name in the TFLM document's headers)
CPUS = {"m4": ("cortex-m4", "M4"), "m7": ("cortex-m7", "M7"), "m55": ("cortex-m55", "M55")}

# The shared models with goldens that fit the MPS2/MPS3 boards' memory.
BENCH_MODELS = [
    "mlperf_kws_ref_model", "mlperf_vww_96_int8", "mlperf_pretrainedResnet_quant",
    "mlperf_ad01_int8", "tflm_person_detect", "tflm_micro_speech_quantized",
    "tflm_hello_world_int8",
]


def build_dir(cpu, suffix=""):
    return ROOT / "build" / "bench-cortex-m" / (cpu + suffix)


def target_name(model):
    return "model_test_" + re.sub(r"[^A-Za-z0-9_]", "_", model)


def small_target_name(model, arena):
    return "%s_arena_%d" % (target_name(model), arena)


def elf_path(directory, target):
    return directory / "cortex-m" / (target + ".elf")


def build(cpu, models, models_dir, directory, log, only=None, kernels="optimized",
          small_arenas=None):
    """Configures the images of `models` with `kernels` (optimized or
    reference) and builds those of `only` (default: all), or with
    `small_arenas` ({model: bytes}) instead those models' images whose arena
    is that many bytes. Returns {model: elf} for the built ones that linked (an
    old image never stands in for a failed build)."""
    small_arenas = small_arenas or {}
    if small_arenas:
        targets = {m: small_target_name(m, b) for m, b in small_arenas.items()}
    else:
        targets = {m: target_name(m) for m in (models if only is None else only)}
    directory.mkdir(parents=True, exist_ok=True)
    configure = [
        "cmake", "-S", str(ROOT), "-B", str(directory), "-G", "Ninja",
        "-DCMAKE_TOOLCHAIN_FILE=%s" % (ROOT / "cmake" / "arm-none-eabi.cmake"),
        "-DMICROML_CPU=%s" % CPUS[cpu][0], "-DMICROML_HOST_TOOLS=OFF",
        "-DMICROML_MODELS_DIR=%s" % models_dir, "-DMICROML_CORTEX_M_MODELS=%s" % ";".join(models),
        "-DMICROML_CORTEX_M_KERNELS=%s" % kernels,
        "-DMICROML_CORTEX_M_SMALL_ARENAS=%s" % ";".join(
            "%s=%d" % item for item in sorted(small_arenas.items())),
    ]
    with open(log, "a" if small_arenas else "w") as out:
        if subprocess.run(configure, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
            return {}
        for t in targets.values():
            elf_path(directory, t).unlink(missing_ok=True)
        subprocess.run(["ninja", "-C", str(directory), "-k", "0", "-j", JOBS] + list(targets.values()),
                       stdout=out, stderr=subprocess.STDOUT)
    return {m: elf_path(directory, t) for m, t in targets.items() if elf_path(directory, t).is_file()}


def run(cpu, elf, args, op_profile=None, timeout=600):
    """(exit status, semihosting output, instruction count or None)."""
    with tempfile.TemporaryDirectory() as tmp:
        count_file = Path(tmp) / "count"
        cmd = [str(RUN), "--cpu", cpu, "--timeout", str(timeout), "--insns-out", str(count_file)]
        if op_profile is not None:
            cmd += ["--op-profile", str(op_profile)]
        result = subprocess.run(cmd + [str(elf)] + [str(a) for a in args],
                                capture_output=True, text=True)
        count = int(count_file.read_text()) if count_file.is_file() else None
    return result.returncode, result.stdout + result.stderr, count


def embedded_bytes(model_dir):
    """Bytes of the files an image embeds: model, inputs and golden outputs."""
    files = [model_dir / "model.tflite"] + list(model_dir.glob("input[0-9]*.bin")) \
        + list(model_dir.glob("output[0-9]*.bin"))
    return sum(f.stat().st_size for f in files if f.is_file())


def code_bytes(elf, model_dir):
    """.text minus the embedded model and golden data."""
    out = subprocess.check_output(["arm-none-eabi-size", str(elf)], text=True)
    return int(out.splitlines()[1].split()[0]) - embedded_bytes(model_dir)


def profile(cpu, elf):
    """([(subgraph, op index, op name, instructions)] of one invocation in
    order of completion, whether the output matched the golden one). Each
    count includes a constant few dozen instructions of observer and marker
    calls."""
    with tempfile.TemporaryDirectory() as tmp:
        marks = Path(tmp) / "marks"
        status, output, _ = run(cpu, elf, [1, 1], op_profile=marks)
        # Status 1 is a wrong output: the profile is still worth having.
        if status not in (0, 1) or not marks.is_file():
            raise RuntimeError("profile run of %s failed (status %d):\n%s" % (elf, status, output[-2000:]))
        events = [tuple(int(x) for x in line.split()) for line in marks.read_text().splitlines()]
    ops = re.findall(r"^model_test: op (\d+) (\d+) (\S+)$", output, re.M)
    return zip_markers(ops, events), "model_test: PASS" in output


def zip_markers(ops, events):
    """Pairs begin (0) / end (1) marker counts with the operator lines, which
    come in begin order. An operator that calls a subgraph is charged only its
    own instructions (its callees' are theirs), so the costs add up."""
    result, stack, begun = [], [], 0
    for kind, count in events:
        if kind == 0:
            if begun >= len(ops):
                raise RuntimeError("more begin markers than operator lines")
            stack.append([ops[begun], count, 0])
            begun += 1
        else:
            if not stack:
                raise RuntimeError("end marker without a begin")
            (s, i, name), start, callees = stack.pop()
            if stack:
                stack[-1][2] += count - start
            result.append((int(s), int(i), name, count - start - callees))
    if stack or begun != len(ops):
        raise RuntimeError("markers and operator lines do not pair up")
    return result


def ranked(rows, n=None):
    """Profile rows (subgraph, index, name, cost), costliest first, as
    (subgraph, index, name, cost, share of the total); the first n."""
    total = sum(r[3] for r in rows) or 1
    ordered = sorted(rows, key=lambda r: -r[3])
    return [(s, i, name, cost, cost / total) for s, i, name, cost in ordered[:n]]


def by_type(rows):
    """Profile rows summed per operator name: [(name, cost, share)], costliest
    first: which kernel to work on next."""
    totals = {}
    for _, _, name, cost in rows:
        totals[name] = totals.get(name, 0) + cost
    total = sum(totals.values()) or 1
    return [(name, cost, cost / total) for name, cost in sorted(totals.items(), key=lambda t: -t[1])]


def printed(output, name):
    """The figure a model_test image printed as "model_test: NAME N", or None."""
    match = re.search(r"^model_test: %s (\d+)" % name, output, re.M)
    return int(match.group(1)) if match else None


def measure_invocations(cpu, elf, traded=False):
    """Insns per inference, pass (both runs matched the golden output, and
    setup traded speed for memory or not as `traded` says),
    arena, default and smallest arenas the image printed, and the log of a failure."""
    s1, out1, c1 = run(cpu, elf, [1])
    s2, out2, c2 = run(cpu, elf, [2])
    mode = r"^model_test: arena_tradeoff [1-9]$" if traded else r"^model_test: arena_tradeoff 0$"
    row = {"pass": all(s == 0 and "model_test: PASS" in out and re.search(mode, out, re.M)
                       for s, out in ((s1, out1), (s2, out2))),
           "insns": c2 - c1 if c1 is not None and c2 is not None else None,
           "arena": printed(out1, "arena_used_bytes"),
           "smallest": printed(out1, "smallest_arena_bytes"),
           "default": printed(out1, "default_arena_bytes"),
           "floor": printed(out1, "plan_floor_bytes")}
    row["log"] = out1 if not row["pass"] else ""
    return row


def measure(cpu, elf, model_dir):
    """Figures of one image: insns per inference, arena, smallest arena on
    the target, code, pass, profile."""
    row = measure_invocations(cpu, elf)
    row["code"] = code_bytes(elf, model_dir)
    try:
        row["profile"], _ = profile(cpu, elf)
    except RuntimeError as e:
        row["profile"] = None
        row["log"] += str(e)
    return row


def markdown_tables(path):
    """{model: {column header: int}} merged over every table of the markdown
    file whose first column is `model` (figures written with thousands commas)."""
    figures = {}
    header = None
    for line in Path(path).read_text().splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if header[0] != "model" or set(cells[0]) <= set("-: "):
            continue
        row = figures.setdefault(cells[0], {})
        for name, value in zip(header[1:], cells[1:]):
            digits = value.replace(",", "")
            if digits.isdigit():
                row[name] = int(digits)
    return figures


def tflm_column(row, *names):
    """The first of `names` that `row` has a figure for (a header starting
    with that text), or None."""
    for name in names:
        for header, value in row.items():
            if header.startswith(name):
                return value
    return None
