/*
 * QEMU TCG plugin that counts executed guest instructions and reports the
 * total when QEMU exits (also when the guest ends the run through semihosting).
 * Built against QEMU 7.2's plugin API (include/qemu-plugin.h, version 1).
 *
 *   qemu-system-arm ... -plugin insn_count.so[,mode=tb|insn][,outfile=PATH]
 *
 * mode=tb (default): each translated block adds its instruction count when it
 *   runs. Fast; a block left early by an exception still counts in full, which
 *   bare-metal code that does not fault never does.
 * mode=insn: every instruction adds one. Exact, slower.
 * outfile=PATH: write the bare number there; otherwise "insn_count: N" goes to
 *   stderr.
 * marker=ADDR (hex or decimal; a Thumb symbol's bit 0 is ignored; up to 8):
 *   each time the instruction at ADDR executes, append "K N" to
 *   markfile=PATH (default stderr, prefixed "insn_marker: "), K being the
 *   marker's position among the marker arguments (from 0) and N the running
 *   count. Pointed at the entries of functions the guest calls around the code
 *   of interest, differences of N are the instructions in between plus a
 *   constant overhead.
 *
 * One non-atomic counter: exact for the single-core Cortex-M machines.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t executed;
static bool count_each_insn;
static const char* report_path;
#define MAX_MARKERS 8
static uint64_t marker_addresses[MAX_MARKERS];
static size_t num_markers;
static const char* marker_path;
static FILE* marker_out;

static void on_marker(unsigned int vcpu_index, void* which) {
  const unsigned k = (unsigned)(uintptr_t)which;
  (void)vcpu_index;
  if (marker_out != NULL) {
    fprintf(marker_out, "%u %" PRIu64 "\n", k, executed);
  } else {
    fprintf(stderr, "insn_marker: %u %" PRIu64 "\n", k, executed);
  }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  const size_t n = qemu_plugin_tb_n_insns(tb);
  (void)id;
  for (size_t i = 0; num_markers > 0 && i < n; i++) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    for (size_t k = 0; k < num_markers; k++) {
      if (qemu_plugin_insn_vaddr(insn) == marker_addresses[k]) {
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS,
                                               (void*)(uintptr_t)k);
      }
    }
  }
  if (!count_each_insn) {
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed, n);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    qemu_plugin_register_vcpu_insn_exec_inline(qemu_plugin_tb_get_insn(tb, i),
                                               QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
  }
}

static void report_count(qemu_plugin_id_t id, void* unused) {
  (void)id;
  (void)unused;
  if (marker_out != NULL && fclose(marker_out) != 0) {
    fprintf(stderr, "insn_count: cannot write %s\n", marker_path);
  }
  marker_out = NULL;
  if (report_path != NULL) {
    FILE* f = fopen(report_path, "w");
    if (f != NULL && fprintf(f, "%" PRIu64 "\n", executed) > 0 && fclose(f) == 0) return;
    fprintf(stderr, "insn_count: cannot write %s\n", report_path);
  }
  fprintf(stderr, "insn_count: %" PRIu64 "\n", executed);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                           char** argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "mode=tb") == 0) {
      count_each_insn = false;
    } else if (strcmp(argv[i], "mode=insn") == 0) {
      count_each_insn = true;
    } else if (strncmp(argv[i], "outfile=", 8) == 0 && argv[i][8] != '\0') {
      report_path = argv[i] + 8; /* QEMU keeps argv alive while the plugin is loaded */
    } else if (strncmp(argv[i], "marker=", 7) == 0 && argv[i][7] != '\0') {
      char* end = NULL;
      const uint64_t address = strtoull(argv[i] + 7, &end, 0) & ~(uint64_t)1;
      if (*end != '\0' || num_markers == MAX_MARKERS) {
        fprintf(stderr, "insn_count: bad marker address '%s' (at most %d markers)\n", argv[i] + 7,
                MAX_MARKERS);
        return -1;
      }
      marker_addresses[num_markers++] = address;
    } else if (strncmp(argv[i], "markfile=", 9) == 0 && argv[i][9] != '\0') {
      marker_path = argv[i] + 9;
    } else {
      fprintf(stderr,
              "insn_count: bad argument '%s' (mode=tb|insn, outfile=PATH, marker=ADDR, "
              "markfile=PATH)\n",
              argv[i]);
      return -1;
    }
  }
  if (marker_path != NULL) {
    marker_out = fopen(marker_path, "w");
    if (marker_out == NULL) {
      fprintf(stderr, "insn_count: cannot open %s\n", marker_path);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, report_count, NULL);
  return 0;
}
