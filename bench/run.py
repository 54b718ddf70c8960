#!/usr/bin/env python3
"""microml vs TFLM and LiteRT, side by side, in one run; writes bench/RESULTS.md.

Figures, host:
- host instructions per inference: callgrind count of 2 invocations minus 1,
  for microml's CLI and for TFLM (the tflite-micro package) measured now, next
  to the figure TFLM's own build recorded in meta.json;
- arena bytes: microml's planned arena (the default plan: per-channel scales
  recomputed before each eval where that is smaller) next to TFLM's
  arena_used_bytes, the fastest plan's, and the smallest arena (setup trading
  speed for memory: recomputed scales, window operator pairs in row bands;
  picked by --arena-limit), with the instruction overhead of each;
- wall-clock: microml / TFLM time ratio over repeated invocations (same run);
- wall-clock vs LiteRT (the ai-edge-litert package, one thread, with XNNPACK and
  with its built-in kernels): milliseconds per invoke of all three, same run.
Cortex-M (bench/cortex_m.py; M4, M7, M55 on QEMU):
- instructions per inference of microml's optimized kernels next to TFLM's
  reference and CMSIS-NN figures from ../shared/docs/tflm-cortex-m.md,
  instructions per MAC, code size and arena beside TFLM's, and each model's
  three costliest operators.
--cortex-m-only / --host-only regenerate one part and keep the other as it is
in the existing RESULTS.md; --models (and --cpus) measure a subset, for trying
changes (with --output elsewhere).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cortex_m  # noqa: E402
import macs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MICROML_SHARED", ROOT.parent / "shared")).resolve()
CLI = Path(os.environ.get("MICROML_BIN", ROOT / "build" / "bin" / "microml"))
PYTHON = Path(os.environ.get("MICROML_PYTHON", ROOT / ".venv" / "bin" / "python"))
TFLM_INVOKE = ROOT / "bench" / "tflm_invoke.py"
LITERT_INVOKE = ROOT / "bench" / "litert_invoke.py"


def callgrind(cmd):
    env = dict(os.environ, PYTHONHASHSEED="0")
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError("failed: %s\n%s" % (" ".join(map(str, cmd)), result.stderr[-2000:]))
    match = re.search(r"Collected : (\d+)", result.stderr)
    return int(match.group(1))


def per_invoke(make_cmd, extra=1):
    """Instructions of one invocation: (count(1 + extra) - count(1)) / extra.
    `extra` > 1 averages out the interpreter-startup noise of the Python host."""
    return (callgrind(make_cmd(1 + extra)) - callgrind(make_cmd(1))) // extra


def microml_cmd(model, inputs, out_dir, arena_limit=None):
    def make(repeat):
        cmd = [str(CLI), "run", str(model), "--output-dir", str(out_dir), "--repeat", str(repeat)]
        for path in inputs:
            cmd += ["--input", str(path)]
        if arena_limit is not None:
            cmd += ["--arena-limit", str(arena_limit)]
        return cmd
    return make


def tflm_cmd(model, inputs):
    return lambda repeat: [str(PYTHON), str(TFLM_INVOKE), str(model), str(repeat)] + [str(p) for p in inputs]


def seconds_per_invoke(cmd):
    out = subprocess.run(cmd + ["--timing"], check=True, capture_output=True, text=True).stdout
    return float(re.search(r"seconds_per_invoke: ([0-9.eE+-]+)", out).group(1))


def wall_ratio(model, inputs, out_dir, repeat):
    """microml / TFLM seconds per invoke, each timed around its invoke calls
    only; the best of 3 alternating rounds to damp machine noise."""
    ours = min(seconds_per_invoke(microml_cmd(model, inputs, out_dir)(repeat)) for _ in range(3))
    theirs = min(seconds_per_invoke(tflm_cmd(model, inputs)(repeat)) for _ in range(3))
    return ours / theirs


def litert_seconds(model, inputs, repeat, kernels):
    """LiteRT's seconds per invoke, or its refusal message."""
    out = subprocess.run([str(PYTHON), str(LITERT_INVOKE), str(model), str(repeat)] +
                         [str(p) for p in inputs] + ["--kernels", kernels],
                         check=True, capture_output=True, text=True).stdout
    match = re.search(r"seconds_per_invoke: ([0-9.eE+-]+)", out)
    return float(match.group(1)) if match else out.strip()


def versus_litert(model, inputs, out_dir):
    """Milliseconds per invoke of microml, LiteRT+XNNPACK and LiteRT built-in:
    each the best of 3 alternating rounds of about 0.2 s of invocations."""
    estimate = seconds_per_invoke(microml_cmd(model, inputs, out_dir)(20))
    repeat = max(20, min(20000, int(0.2 / max(estimate, 1e-7))))
    best = {"microml": float("inf"), "xnnpack": float("inf"), "builtin": float("inf")}
    cmd = microml_cmd(model, inputs, out_dir)(repeat) + ["--timing"]
    for _ in range(3):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        best["microml"] = min(best["microml"],
                              float(re.search(r"seconds_per_invoke: ([0-9.eE+-]+)", out).group(1)))
        for kernels in ("xnnpack", "builtin"):
            t = litert_seconds(model, inputs, repeat, kernels)
            best[kernels] = t if isinstance(t, str) else min(best[kernels], t)
    result = {k: v if isinstance(v, str) else 1000.0 * v for k, v in best.items()}
    result["level"] = re.search(r"kernels_level: (\S+)", out).group(1)
    return result


def litert_lines(rows):
    level = rows[0]["litert"]["level"] if rows else "-"
    lines = [
        "### Wall clock vs LiteRT",
        "",
        "Milliseconds per invoke, single thread, same model and input, measured side by side in",
        "this run: microml's CLI (`--timing`; optimized kernels, x86 level `%s`), and" % level,
        "LiteRT (`ai-edge-litert` from PyPI, `bench/litert_invoke.py`, `num_threads=1`) with",
        "XNNPACK (its default delegate) and with its built-in kernels alone",
        "(`BUILTIN_WITHOUT_DEFAULT_DELEGATES`); each timed around the invoke calls only, over",
        "about 0.2 s of invocations, best of 3 alternating rounds. `vs` = microml / LiteRT",
        "(below 1 = microml faster). Geomean over the int8 models LiteRT runs, the hello_world",
        "ones left out (a few hundred MACs: call overhead is all they measure).",
        "",
        "| model | microml ms | LiteRT + XNNPACK ms | LiteRT built-in ms | vs XNNPACK | vs built-in |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    logs = {"xnnpack": [], "builtin": []}
    for r in rows:
        t = r["litert"]
        if isinstance(t["xnnpack"], str) or isinstance(t["builtin"], str):
            why = t["xnnpack"] if isinstance(t["xnnpack"], str) else t["builtin"]
            lines.append("| %s | %.3f | LiteRT refuses the model: %s | | | |" % (
                r["model"], t["microml"], why.split(".")[0].replace("refused: ", "")))
            continue
        lines.append("| %s | %.3f | %.3f | %.3f | %.1fx | %.2fx |" % (
            r["model"], t["microml"], t["xnnpack"], t["builtin"], t["microml"] / t["xnnpack"],
            t["microml"] / t["builtin"]))
        if "float" not in r["model"] and "hello_world" not in r["model"]:
            for k in logs:
                logs[k].append(math.log(t["microml"] / t[k]))
    if logs["xnnpack"]:
        lines.append("| geomean | | | | %.2fx | %.2fx |" % (
            math.exp(sum(logs["xnnpack"]) / len(logs["xnnpack"])),
            math.exp(sum(logs["builtin"]) / len(logs["builtin"]))))
    lines.append("")
    return lines


CORTEX_M_BEGIN = "<!-- cortex-m: begin -->"
CORTEX_M_END = "<!-- cortex-m: end -->"


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def fmt_overhead(insns, base):
    return "-" if insns is None or not base else "%+.1f%%" % (100.0 * (insns - base) / base)


def host_section(args):
    out_dir = ROOT / "build" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)

    rows = []
    chosen = set(args.models.split())
    for model_dir in sorted(d for d in (SHARED / "models").iterdir() if (d / "meta.json").is_file()):
        if chosen and model_dir.name not in chosen:
            continue
        meta = json.loads((model_dir / "meta.json").read_text())
        model = model_dir / "model.tflite"
        inputs = sorted(model_dir.glob("input*.bin"))
        info = json.loads(subprocess.check_output([str(CLI), "inspect", str(model), "--json"]))
        ours = per_invoke(microml_cmd(model, inputs, out_dir))
        smallest = info["smallest_arena_bytes"]
        fastest = info["fastest_arena_bytes"]
        # The tradeoffs' cost, where they take the arena below the fastest plan
        # (a limit of the fastest plan's size buys it).
        ours_fastest = per_invoke(microml_cmd(model, inputs, out_dir, fastest)) \
            if fastest > info["arena_bytes"] else ours
        ours_smallest = per_invoke(microml_cmd(model, inputs, out_dir, smallest)) \
            if smallest < info["arena_bytes"] else None
        # The Python host's own noise is about a million instructions: repeat
        # small models enough that it stays under 1%.
        tflm_now = per_invoke(tflm_cmd(model, inputs), extra=max(1, min(2000, 10**8 // max(ours, 1))))
        ratio = wall_ratio(model, inputs, out_dir, args.wall_repeat)
        versus = versus_litert(model, inputs, out_dir)
        rows.append({
            "model": model_dir.name,
            "arena": info["arena_bytes"], "tflm_arena": meta["tflm_arena_used_bytes"],
            "floor": info["arena_plan_floor_bytes"], "smallest": smallest, "fastest": fastest,
            "insns": ours, "insns_fastest": ours_fastest, "insns_smallest": ours_smallest,
            "tflm_insns_now": tflm_now,
            "tflm_insns_meta": meta["tflm_callgrind_ir_per_invoke"], "wall_ratio": ratio,
            "litert": versus,
        })
        print("%-32s arena %7d (fastest %7d, smallest %7d) vs %7d   insns %12d (%s over the "
              "fastest; smallest arena %s) vs %12d (meta %12d)   wall x%.2f   %s" % (
                  model_dir.name, rows[-1]["arena"], fastest, smallest, rows[-1]["tflm_arena"],
                  ours, fmt_overhead(ours, ours_fastest), fmt_overhead(ours_smallest, ours_fastest),
                  tflm_now, rows[-1]["tflm_insns_meta"], ratio, versus), flush=True)

    lines = [
        "## Host (x86-64)",
        "",
        "Instructions per inference = callgrind count of 2 invocations minus 1 (valgrind",
        "hides AVX-512 from cpuid, so these count the x86 kernels' AVX2 level).",
        "`TFLM now` is the `tflite-micro` package measured in this same run (its Python",
        "`set_input`/`invoke` wrapper included, averaged over enough invocations to drown the",
        "Python start-up noise); `TFLM meta` is the figure recorded by TFLM's",
        "own build (gcc 12.2 -O2, reference kernels) in `meta.json`. Arena: microml's planned",
        "arena (everything the interpreter needs) vs TFLM's `arena_used_bytes()` on x86-64,",
        "for the default plan (what `inspect` reports and `run` allocates without a limit):",
        "per-channel requantization recomputed before each eval where that makes the arena",
        "smaller. `fastest`: the arena of the plan that keeps it (a limit that large buys",
        "it); `default cost`: the default plan's extra instructions per inference over it.",
        "`floor`: the most activation and scratch bytes alive during one operator, the least",
        "any plan of separate buffers needs (window operators writing over the input rows they",
        "have read take microml's plan below it), with its share of TFLM's arena.",
        "`smallest`: the least arena the model runs in, setup trading speed for memory",
        "(`ArenaTradeoff`): pairs of window operators without top padding run a band of rows",
        "at a time, so the tensor between them never exists whole, and per-channel",
        "requantization (the multipliers and shifts of the convolutions and fully connected",
        "layers) is recomputed before each operator's eval, into scratch shared across",
        "operators, instead of kept for the whole run. An arena limit picks the fastest",
        "plan that fits, trading the least speed (`run --arena-limit BYTES`;",
        "`Interpreter::Setup` given that much); `inspect --json` reports",
        "`smallest_arena_bytes` and `fastest_arena_bytes`. `smallest cost`: the extra",
        "instructions per inference in the smallest arena over the fastest plan (callgrind as",
        "below, `run --arena-limit <smallest>`); `-` where trading saves no bytes.",
        "`insns/inference` and the TFLM comparisons are the default plan's.",
        "Wall ratio: microml seconds per invoke / TFLM's (the package), each timed around its",
        "invoke calls over %d invocations, best of 3, measured now (below 1 = microml faster)." % args.wall_repeat,
        "",
        "| model | arena | TFLM arena | vs TFLM | fastest | fastest vs TFLM | default cost | "
        "smallest | smallest vs TFLM | floor | floor vs TFLM | insns/inference | smallest cost | "
        "TFLM now | TFLM meta | vs TFLM meta | wall ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append("| %s | %d | %d | %.2fx | %d | %.2fx | %s | %d | %.2fx | %d | %.2fx | %d | %s | "
                     "%d | %d | %.2fx | %.2f |" % (
            r["model"], r["arena"], r["tflm_arena"], r["arena"] / r["tflm_arena"], r["fastest"],
            r["fastest"] / r["tflm_arena"],
            fmt_overhead(r["insns"], r["insns_fastest"]) if r["fastest"] > r["arena"] else "-",
            r["smallest"], r["smallest"] / r["tflm_arena"], r["floor"], r["floor"] / r["tflm_arena"],
            r["insns"], fmt_overhead(r["insns_smallest"], r["insns_fastest"]), r["tflm_insns_now"],
            r["tflm_insns_meta"], r["tflm_insns_meta"] / r["insns"] if r["insns"] else float("nan"),
            r["wall_ratio"]))
    lines.append("| geomean | | | %.2fx | | %.2fx | | | %.2fx | | %.2fx | | | | | | |" % (
        geomean([r["arena"] / r["tflm_arena"] for r in rows]),
        geomean([r["fastest"] / r["tflm_arena"] for r in rows]),
        geomean([r["smallest"] / r["tflm_arena"] for r in rows]),
        geomean([r["floor"] / r["tflm_arena"] for r in rows])))
    lines.append("")
    lines += litert_lines(rows)
    return "\n".join(lines)


def fmt_int(value):
    return "-" if value is None else "{:,}".format(value)


def fmt_ratio(num, den, pattern="%.2f"):
    return "-" if not num or not den else pattern % (num / den)


def cortex_m_cpu(cpu, models, tflm):
    """Builds and measures `models` on `cpu`; returns the markdown lines."""
    core = cortex_m.CPUS[cpu][1]
    directory = cortex_m.build_dir(cpu)
    log = directory / "build.log"
    started = time.time()
    images = cortex_m.build(cpu, models, SHARED / "models", directory, log)
    print("%s: built %d of %d images in %.0f s%s" % (
        cpu, len(images), len(models), time.time() - started,
        "" if len(images) == len(models) else " (see %s)" % log), flush=True)
    rows = {}
    for m in models:
        if m in images:
            rows[m] = cortex_m.measure(cpu, images[m], SHARED / "models" / m)
            if rows[m]["log"]:
                print("%s %s: %s\n%s" % (cpu, m, "ran" if rows[m]["pass"] else "FAILED",
                                          rows[m]["log"][-1500:]), flush=True)
        print("%-4s %-32s insns %s" % (cpu, m, fmt_int(rows[m]["insns"]) if m in rows else "build failed"),
              flush=True)
    # The default plan and the smallest, where they take the arena below the
    # fastest plan (the image's): images built with exactly that arena.
    for kind in ("default", "smallest"):
        sized = {m: r[kind] for m, r in rows.items() if r[kind] and r["arena"] and r[kind] < r["arena"]}
        if not sized:
            continue
        started = time.time()
        sized_images = cortex_m.build(cpu, models, SHARED / "models", directory, log,
                                      small_arenas=sized)
        print("%s: built %d of %d %s-arena images in %.0f s" % (
            cpu, len(sized_images), len(sized), kind, time.time() - started), flush=True)
        for m in sized:
            r = rows[m][kind + "_run"] = cortex_m.measure_invocations(cpu, sized_images[m], traded=True) \
                if m in sized_images else {"pass": False, "insns": None, "log": "build failed"}
            print("%-4s %-32s %s arena %s: insns %s (%s)%s" % (
                cpu, m, kind, fmt_int(sized[m]), fmt_int(r["insns"]),
                fmt_overhead(r["insns"], rows[m]["insns"]),
                "" if r["pass"] else " FAILED\n" + r["log"][-1500:]), flush=True)
    # TFLM's figures: this core's where the document has them, else the M4's.
    cmsis_insns = "%s CMSIS-NN" % core
    cmsis_arena = ("arena %s CMSIS-NN" % core, "arena M4 CMSIS-NN")
    cmsis_code = ("code %s CMSIS-NN" % core, "code M4 CMSIS-NN")
    lines = [
        "### Cortex-%s" % core,
        "",
        "| model | MACs | insns/inference | TFLM ref | TFLM CMSIS-NN | vs CMSIS-NN | insns/MAC | "
        "CMSIS-NN insns/MAC | code | TFLM code ref (M4) | TFLM code CMSIS-NN | arena | "
        "TFLM arena ref (M4) | TFLM arena CMSIS-NN | arena vs CMSIS-NN | floor | "
        "floor vs CMSIS-NN | default arena | default vs CMSIS-NN | default cost | "
        "smallest arena | smallest vs CMSIS-NN | smallest cost | output |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        "---:|---:|---:|---:|---:|---|",
    ]
    for m in models:
        t = tflm.get(m, {})
        mac = macs.model_macs(SHARED / "models" / m / "model.tflite")
        r = rows.get(m)
        if r is None:
            lines.append("| %s | %s | build failed |" % (m, fmt_int(mac)) + " |" * 21)
            continue
        ref = cortex_m.tflm_column(t, "%s ref" % core)
        cmsis = cortex_m.tflm_column(t, cmsis_insns)
        arena_cmsis = cortex_m.tflm_column(t, *cmsis_arena)
        standard, small = r.get("default_run"), r.get("smallest_run")
        if not r["pass"]:
            output = "**FAIL**"
        elif standard is not None and not standard["pass"]:
            output = "**FAIL** (default arena)"
        elif small is not None and not small["pass"]:
            output = "**FAIL** (smallest arena)"
        else:
            output = "match"
        lines.append("| %s |" % m + " %s |" * 23 % (
            fmt_int(mac), fmt_int(r["insns"]), fmt_int(ref), fmt_int(cmsis),
            fmt_ratio(r["insns"], cmsis, "%.2fx"), fmt_ratio(r["insns"], mac),
            fmt_ratio(cmsis, mac), fmt_int(r["code"]),
            fmt_int(cortex_m.tflm_column(t, "code M4 ref")), fmt_int(cortex_m.tflm_column(t, *cmsis_code)),
            fmt_int(r["arena"]), fmt_int(cortex_m.tflm_column(t, "arena M4 ref")),
            fmt_int(arena_cmsis), fmt_ratio(r["arena"], arena_cmsis, "%.2fx"), fmt_int(r.get("floor")),
            fmt_ratio(r.get("floor"), arena_cmsis, "%.2fx"), fmt_int(r["default"]),
            fmt_ratio(r["default"], arena_cmsis, "%.2fx"),
            fmt_overhead(standard["insns"], r["insns"]) if standard else "-", fmt_int(r["smallest"]),
            fmt_ratio(r["smallest"], arena_cmsis, "%.2fx"),
            fmt_overhead(small["insns"], r["insns"]) if small else "-", output))
    lines += [
        "",
        "Costliest operators (share of the instructions spent inside operators; shapes are",
        "input -> output without the batch, k = filter, /s = stride):",
        "",
        "| model | 1st | 2nd | 3rd | per operator type |",
        "|---|---|---|---|---|",
    ]
    for m in models:
        r = rows.get(m)
        if r is None or not r["profile"]:
            continue
        details = {(s, i): (mac, shapes) for s, i, mac, shapes in
                   macs.op_details(SHARED / "models" / m / "model.tflite")}
        cells = []
        for s, i, name, cost, share in cortex_m.ranked(r["profile"], 3):
            mac, shapes = details.get((s, i), (0, ""))
            extra = " (%s, %.2f insns/MAC)" % (shapes, cost / mac) if mac else ""
            cells.append("%s #%d %.1f%%%s" % (name, i, 100 * share, extra))
        types = ", ".join("%s %.1f%%" % (name, 100 * share)
                          for name, _, share in cortex_m.by_type(r["profile"])[:3])
        lines.append("| %s | %s | %s |" % (m, " | ".join(cells + [""] * (3 - len(cells))), types))
    lines.append("")
    return lines


def cortex_m_section(args):
    tflm = cortex_m.markdown_tables(SHARED / "docs" / "tflm-cortex-m.md")
    models = args.models.split() if args.models else cortex_m.BENCH_MODELS
    started = time.time()
    lines = [
        CORTEX_M_BEGIN,
        "## Cortex-M (QEMU)",
        "",
        "microml's optimized kernels (`OptimizedOpsResolver`, `runtime/src/kernels/arm/`), images",
        "built by `bench/cortex_m.py` in `build/bench-cortex-m/<cpu>/` (gcc arm-none-eabi, the",
        "project's flags) and run on QEMU 7.2: M4 = mps2-an386, M7 = mps2-an500, M55 = mps3-an547.",
        "Instructions per inference = count(2 invocations) - count(1), by the TCG plugin in",
        "`cortex-m/qemu-plugin`. TFLM's figures (reference kernels and CMSIS-NN, same QEMU, same",
        "counting) are read from `../shared/docs/tflm-cortex-m.md`; where it has none for a core",
        "(code and arena on the M7) the M4's are shown. `vs CMSIS-NN` = microml / TFLM+CMSIS-NN",
        "(below 1 = microml needs fewer instructions). MACs: output elements x filter reduction",
        "size over CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (`bench/macs.py`). `code` =",
        "the image's `.text` minus the embedded model, input and golden output bytes (runtime,",
        "kernels the model uses, startup, libc, and about 0.8 KB of the image measuring its",
        "smaller arenas). `arena` = microml's arena on the 32-bit target for the fastest plan,",
        "which the image's arena holds; `default arena` = what a measured arena gets (ml.Model,",
        "the CLI): per-channel requantization recomputed before each eval where that is",
        "smaller, with `default cost` its extra instructions per inference (an image built with",
        "exactly that arena); `floor` = the most",
        "activation and scratch bytes alive during one operator on the target (as on the host);",
        "TFLM's is `arena_used_bytes()`. `smallest arena`: the least arena on the target, setup",
        "trading speed for memory as on the host (row bands, recomputed per-channel",
        "requantization; the image measures it before setup; an arena that small makes",
        "`Interpreter::Setup` pick that plan); `smallest cost`: the extra instructions per",
        "inference of an image built with exactly that arena (`MICROML_CORTEX_M_SMALL_ARENAS`)",
        "over the fastest (the M4's FPU is single precision: recomputed scales are worked out",
        "in integers there), `-` where trading saves no bytes. `output` = the images' checks",
        "against the golden output (every image of the model).",
        "Operator shares come from one profiled inference (`scripts/profile.sh MODEL --cpu CPU`",
        "prints the whole table). `scripts/bench.sh --cortex-m-only` regenerates this part alone.",
        "",
    ]
    for cpu in args.cpus.split():
        lines += cortex_m_cpu(cpu, models, tflm)
    lines.append(CORTEX_M_END)
    print("cortex-m bench: %.0f s" % (time.time() - started), flush=True)
    return "\n".join(lines) + "\n"


def split_results(text):
    """(host part, Cortex-M part) of an existing RESULTS.md."""
    if CORTEX_M_BEGIN in text and CORTEX_M_END in text:
        head, rest = text.split(CORTEX_M_BEGIN, 1)
        cm, tail = rest.split(CORTEX_M_END, 1)
        return head + tail.lstrip("\n"), CORTEX_M_BEGIN + cm + CORTEX_M_END + "\n"
    return text, ""


TITLE = """# Benchmark: microml vs TFLM

Generated by `bench/run.py` (run `./scripts/bench.sh`); do not edit by hand.

"""


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--wall-repeat", type=int, default=20)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--cortex-m-only", action="store_true", help="regenerate only the Cortex-M part")
    only.add_argument("--host-only", action="store_true", help="regenerate only the host part")
    parser.add_argument("--cpus", default="m4 m7 m55", help="Cortex-M cores (default: m4 m7 m55)")
    parser.add_argument("--models", default="",
                        help="models to measure (default: every shared model with a meta.json on "
                        "the host, the seven that fit on Cortex-M); with a subset, write to "
                        "another --output")
    args = parser.parse_args()

    output = Path(args.output)
    old_host, old_cm = split_results(output.read_text()) if output.is_file() else ("", "")
    if args.cortex_m_only:
        host = old_host[len(TITLE):] if old_host.startswith(TITLE) else ""
    else:
        host = host_section(args)
    cm = old_cm if args.host_only else cortex_m_section(args)
    output.write_text(TITLE + host.rstrip("\n") + "\n\n" + cm)
    print("wrote", args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
