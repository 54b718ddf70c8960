// microml: inspect and run .tflite models on the desktop with the same runtime
// that runs on the microcontroller.
#include <stdio.h>
#include <string.h>

#include "commands.h"

namespace {

void Usage() {
  fprintf(
      stderr,
      "usage: microml inspect MODEL [--json] [--arena-limit BYTES]\n"
      "       microml run MODEL --input FILE [--input FILE ...] --output-dir DIR [--repeat N | "
      "--frames N]\n"
      "                   [--timing] [--profile] [--arena-limit BYTES]\n"
      "       microml ops [--json]       (the operators this build runs)\n"
      "       microml plan MODEL [--json] [--svg FILE] [--arena-limit BYTES]   (where and when "
      "each tensor lives)\n"
      "--arena-limit BYTES: the fastest plan within BYTES, trading speed for memory when it\n"
      "       must (per-channel scales recomputed at each inference, pairs of window\n"
      "       operators run in row bands, or both), or an error naming the smallest arena;\n"
      "       without it, the default plan: scales recomputed where that saves bytes\n"
      "--arena-tradeoff none|recomputed_scales|row_bands|all: skip the tradeoffs before it\n"
      "       microml convert ...        (a Python tool: see 'microml convert')\n"
      "env:   MICROML_KERNELS=optimized|reference  (kernel set; default optimized)\n"
      "       MICROML_X86_LEVEL=portable|sse4.1|avx2|avx512-vnni  (x86-64: lower the optimized\n"
      "                   kernels' level; default the CPU's highest)\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage();
    return 2;
  }
  if (strcmp(argv[1], "inspect") == 0) return microml_cli::Inspect(argc - 2, argv + 2);
  if (strcmp(argv[1], "run") == 0) return microml_cli::Run(argc - 2, argv + 2);
  if (strcmp(argv[1], "ops") == 0) return microml_cli::Ops(argc - 2, argv + 2);
  if (strcmp(argv[1], "plan") == 0) return microml_cli::Plan(argc - 2, argv + 2);
  if (strcmp(argv[1], "convert") == 0) {
    // Conversion needs onnx/onnxruntime (or TensorFlow): it lives in Python, not in this binary.
    fprintf(stderr,
            "microml: convert is a Python tool; run tools/convert/microml-convert MODEL -o "
            "OUT.tflite --calibration DATA (or python -m microml_convert where it is installed)\n");
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    Usage();
    return 0;
  }
  fprintf(stderr, "microml: error: unknown command '%s'\n", argv[1]);
  Usage();
  return 2;
}
