#!/usr/bin/env bash
# Cross-builds the Cortex-M test images and runs them on QEMU: every model's
# output must equal its golden output byte for byte.
#
#   scripts/cortex_m_test.sh [--cpus "m4 m7 m55 m0plus"] [--models "NAME ..."]
#                            [--count-insns] [--timeout SEC] [--fixtures]
#
#   --cpus         cores to test (default: m4 m7 m55 m0plus). m4/m7/m55 run on
#                  mps2-an386/mps2-an500/mps3-an547. m0plus is linked twice: for
#                  microbit (QEMU's ARMv6-M board, a Cortex-M0; its models are run)
#                  and for m0plus-generic (1 MiB flash, only linked, no emulator).
#   --models       model folders of ../shared/models (MICROML_MODELS_DIR) to
#                  embed (default: each board's list in cortex-m/CMakeLists.txt;
#                  microbit always uses its default, only tiny models fit)
#   --count-insns  also run each model with 0, 1 and 2 invocations and report
#                  instructions per inference = count(2) - count(1)
#   --timeout SEC  per QEMU run (default 600)
#   --fixtures     also run the operator fixtures on the target for the
#                  selected m4/m7/m55 (tests/cortex_m/test_fixtures_qemu.py:
#                  fixture_runner.elf against TFLM, needs the .venv)
#
# Env: MICROML_MODELS_DIR overrides the models directory.
# Builds go to build/cortex-m/<cpu>/ (m0plus-generic: build/cortex-m/m0plus-generic/),
# logs to build/cortex-m/<cpu>/logs/. Exit status 0 only if every build and run
# passed.
set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { sed -n '2,/^$/{s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "cortex_m_test: $*" >&2; exit 2; }

cpus="m4 m7 m55 m0plus" models="" count=0 timeout_s=600 fixtures=0
while [ $# -gt 0 ]; do
    case $1 in
        --cpus) [ $# -ge 2 ] || die "--cpus needs a value"; cpus=$2; shift 2 ;;
        --models) [ $# -ge 2 ] || die "--models needs a value"; models=$2; shift 2 ;;
        --count-insns) count=1; shift ;;
        --timeout) [ $# -ge 2 ] || die "--timeout needs a value"; timeout_s=$2; shift 2 ;;
        --fixtures) fixtures=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done

failures=0
results=()   # lines of the summary table

# configure_and_build DIR CPU BOARD MODELS(";"-separated, "" = board default)
configure_and_build() {
    local dir=$1 cpu=$2 board=$3 model_list=$4
    local -a extra=()
    # -U: back to the board's default list when an earlier run chose others.
    if [ -n "$model_list" ]; then extra+=("-DMICROML_CORTEX_M_MODELS=$model_list")
    else extra+=("-UMICROML_CORTEX_M_MODELS"); fi
    [ -z "${MICROML_MODELS_DIR:-}" ] || extra+=("-DMICROML_MODELS_DIR=$MICROML_MODELS_DIR")
    mkdir -p "$dir/logs"
    if ! cmake -S "$repo" -B "$dir" -G Ninja \
            -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/arm-none-eabi.cmake" \
            -DMICROML_CPU="$cpu" -DMICROML_HOST_TOOLS=OFF \
            -DMICROML_CORTEX_M_BOARD="$board" ${extra[@]+"${extra[@]}"} \
            > "$dir/logs/configure.log" 2>&1; then
        echo "FAIL configure $board ($cpu): see $dir/logs/configure.log"
        tail -n 20 "$dir/logs/configure.log"
        return 1
    fi
    if ! cmake --build "$dir" > "$dir/logs/build.log" 2>&1; then
        echo "FAIL build $board ($cpu): see $dir/logs/build.log"
        grep -E "error|FAILED" "$dir/logs/build.log" | head -n 20
        return 1
    fi
}

# Bytes of the files a model_test image embeds (model, inputs, golden outputs).
embedded_bytes() {
    local dir=$1 total=0 f
    for f in "$dir"/model.tflite "$dir"/input[0-9]*.bin "$dir"/output[0-9]*.bin; do
        [ -f "$f" ] && total=$((total + $(stat -c %s "$f")))
    done
    echo "$total"
}

models_dir() { sed -n 's/^MICROML_MODELS_DIR:PATH=//p' "$1/CMakeCache.txt"; }
image_models() { sed -n 's/^MICROML_CORTEX_M_MODELS:STRING=//p' "$1/CMakeCache.txt" | tr ';' ' '; }

# run_count RUNCPU ELF INVOCATIONS LOG -> prints the instruction count, status of the run
run_count() {
    local out
    out=$(mktemp) || return 1
    "$repo/cortex-m/run" --cpu "$1" --timeout "$timeout_s" --insns-out "$out" "$2" "$3" > "$4" 2>&1
    local status=$?
    cat "$out"
    rm -f "$out"
    return $status
}

test_board() {
    local dir=$1 cpu=$2 board=$3 run_cpu=$4 model_list=$5
    echo "== $board ($cpu) -> ${dir#"$repo"/}"
    if ! configure_and_build "$dir" "$cpu" "$board" "$model_list"; then
        failures=$((failures + 1))
        results+=("$(printf '%-10s %-15s %-30s %s' "$cpu" "$board" "-" "BUILD FAILED")")
        return
    fi
    local mdir
    mdir=$(models_dir "$dir")
    local images=(smoke_test) m
    for m in $(image_models "$dir"); do images+=("$m"); done
    for m in "${images[@]}"; do
        local id elf log result text code arena insns=""
        id=$(echo "$m" | tr -c 'A-Za-z0-9_\n' '_')
        if [ "$m" = smoke_test ]; then elf=$dir/cortex-m/smoke_test.elf; else elf=$dir/cortex-m/model_test_$id.elf; fi
        log=$dir/logs/$m.log
        text=$(arm-none-eabi-size "$elf" | awk 'NR == 2 { print $1 }')
        code=$text
        [ "$m" = smoke_test ] || code=$((text - $(embedded_bytes "$mdir/$m")))
        arena="-"
        if [ -z "$run_cpu" ]; then
            result="LINKED"
        elif [ "$count" = 1 ] && [ "$m" != smoke_test ]; then
            local c0 c1 c2
            if c0=$(run_count "$run_cpu" "$elf" 0 "$log.0") && c1=$(run_count "$run_cpu" "$elf" 1 "$log") \
                && c2=$(run_count "$run_cpu" "$elf" 2 "$log.2") && grep -q PASS "$log" \
                && grep -q PASS "$log.2"; then
                result=PASS
                insns="setup=$c0 invoke=$((c2 - c1))"
            else
                result=FAIL
            fi
        else
            if "$repo/cortex-m/run" --cpu "$run_cpu" --timeout "$timeout_s" "$elf" > "$log" 2>&1; then
                result=PASS
            else
                result="FAIL (status $?)"
            fi
        fi
        if [ -f "$log" ]; then
            arena=$(sed -n 's/^model_test: arena_used_bytes \([0-9]*\).*/\1/p' "$log" | head -n 1)
            [ -n "$arena" ] || arena="-"
        fi
        case $result in
            FAIL*) failures=$((failures + 1)); echo "FAIL $m on $board: $log"; tail -n 15 "$log" ;;
        esac
        results+=("$(printf '%-10s %-15s %-30s %-8s text=%-7s code=%-7s arena=%-7s %s' \
            "$cpu" "$board" "$m" "$result" "$text" "$code" "$arena" "$insns")")
    done
}

for c in $cpus; do
    case $c in
        m4) test_board "$repo/build/cortex-m/m4" cortex-m4 mps2-an386 m4 "${models// /;}" ;;
        m7) test_board "$repo/build/cortex-m/m7" cortex-m7 mps2-an500 m7 "${models// /;}" ;;
        m55) test_board "$repo/build/cortex-m/m55" cortex-m55 mps3-an547 m55 "${models// /;}" ;;
        m0plus)
            test_board "$repo/build/cortex-m/m0plus" cortex-m0plus microbit m0 ""
            test_board "$repo/build/cortex-m/m0plus-generic" cortex-m0plus m0plus-generic "" "${models// /;}" ;;
        *) die "unknown cpu '$c' (m4 m7 m55 m0plus)" ;;
    esac
done

fixture_cpus=$(for c in $cpus; do case $c in m4|m7|m55) printf '%s ' "$c" ;; esac; done)
if [ "$fixtures" = 1 ] && [ -n "$fixture_cpus" ]; then
    echo "== operator fixtures on $fixture_cpus"
    if (cd "$repo" && MICROML_QEMU_CPUS="$fixture_cpus" \
            MICROML_CORTEX_M_BUILD="$repo/build/cortex-m/{cpu}" \
            .venv/bin/python -m pytest -p no:cacheprovider -q tests/cortex_m/test_fixtures_qemu.py); then
        results+=("$(printf '%-10s %-15s %-30s %s' "$fixture_cpus" "-" "operator fixtures" "PASS")")
    else
        failures=$((failures + 1))
        results+=("$(printf '%-10s %-15s %-30s %s' "$fixture_cpus" "-" "operator fixtures" "FAIL")")
    fi
fi

echo
echo "== summary (code = .text minus the embedded model and golden data)"
printf '%s\n' "${results[@]}"
if [ $failures -ne 0 ]; then
    echo "cortex_m_test: $failures failure(s)"
    exit 1
fi
echo "cortex_m_test: all passed"
