// Bare-metal model test: runs the embedded model on its golden input and
// compares every output byte with the golden output.
//
// Argument 1 (default 1) is the number of Invoke() calls; inputs are rewritten
// and variable tensors reset before each, outputs are checked after the last.
// So instructions per inference = count(2) - count(1), and count(0) (setup
// only) isolates the cost of startup, the arena measurements below and setup.
// A non-zero argument 2 profiles the last invocation: each operator's eval is
// bracketed by calls of microml_op_begin and microml_op_end, whose executions
// the QEMU plugin timestamps with the instruction count (cortex-m/run
// --op-profile), and the operators are listed as "model_test: op SUBGRAPH
// INDEX NAME" lines in the order of their begin markers.
//
// Before setup the image measures, in its arena, the smallest plan and the
// default one (setup trading speed for memory: microml::ArenaTradeoff) on
// this target: "model_test: smallest_arena_bytes S" and "model_test:
// default_arena_bytes D". An image built with an arena of S or D bytes
// (MICROML_CORTEX_M_SMALL_ARENAS) runs with a tradeoff where that is smaller
// than the fastest plan: setup prints it as "model_test: arena_tradeoff T"
// (the enum's value, 0 for none).
// Exit status: 0 pass, 1 fail.
#include "microml/model.h"

#include <stdint.h>
#include <string.h>

#include "console.h"
#include "microml/interpreter.h"
#include "model_test_data.h"

// The plugin watches these functions' first instructions: they must stay
// real, distinct calls (noipa: not inlined, cloned or folded into one; the
// asm keeps the calls from being dropped).
extern "C" __attribute__((noipa)) void microml_op_begin() {
  __asm__ volatile("" : : : "memory");
}
extern "C" __attribute__((noipa)) void microml_op_end() {
  __asm__ volatile("" : : : "memory");
}

namespace {

using microml_cortex_m::Print;
using microml_cortex_m::TestBlob;

alignas(microml::kArenaAlignment) uint8_t g_arena[MICROML_ARENA_BYTES];

constexpr int kMaxMismatchesShown = 8;

bool SizesMatch(const char* what, size_t index, const microml::Tensor* tensor,
                const TestBlob& blob) {
  if (tensor != nullptr && tensor->bytes == blob.size) return true;
  Print("model_test: %s %zu is %lu bytes, golden file has %zu\n", what, index,
        static_cast<unsigned long>(tensor != nullptr ? tensor->bytes : 0), blob.size);
  return false;
}

bool OutputMatches(size_t index, const microml::Tensor& tensor, const TestBlob& golden) {
  const uint8_t* got = static_cast<const uint8_t*>(tensor.data);
  size_t mismatches = 0;
  for (size_t i = 0; i < golden.size; ++i) {
    if (got[i] == golden.data[i]) continue;
    if (mismatches < kMaxMismatchesShown) {
      Print("model_test: output %zu byte %zu: got 0x%x, want 0x%x\n", index, i,
            static_cast<unsigned>(got[i]), static_cast<unsigned>(golden.data[i]));
    }
    ++mismatches;
  }
  if (mismatches == 0) {
    Print("model_test: output %zu: %zu bytes match\n", index, golden.size);
    return true;
  }
  Print("model_test: output %zu: %zu of %zu bytes differ\n", index, mismatches, golden.size);
  return false;
}

// The listing is printed before the begin marker, outside the counted span.
void ObserveOp(void* user, uint32_t subgraph, uint32_t op_index, bool after) {
  if (after) {
    microml_op_end();
    return;
  }
  const microml::Model& model = *static_cast<const microml::Model*>(user);
  const microml::OperatorCodeRef code =
      model.operator_code(model.subgraph(subgraph).op(op_index).opcode_index());
  const bool custom = code.builtin_code == static_cast<int32_t>(microml::BuiltinOp::kCUSTOM);
  Print("model_test: op %lu %lu %s\n", static_cast<unsigned long>(subgraph),
        static_cast<unsigned long>(op_index),
        custom ? code.custom_code.data : microml::BuiltinOpName(code.builtin_code));
  microml_op_begin();
}

// Measuring needs no more than bookkeeping memory, which the arena still is
// before setup; an arena too small for even that prints why instead. The
// image's arena holds the fastest plan; the default plan (what a measured
// arena gets) and the smallest are printed beside it.
void PrintSmallerArenas(const microml::Model& model) {
  using microml::Interpreter;
  const microml::OpResolver& resolver = microml_cortex_m::TestResolver();
  microml::ErrorMessage error;
  size_t standard = 0;
  size_t smallest = 0;
  // A limit below every plan reports the smallest, as kArenaTooSmall.
  const bool measured =
      Interpreter::MeasureArena(model, resolver, g_arena, sizeof(g_arena), &standard, &error) ==
          microml::Status::kOk &&
      Interpreter::MeasureArena(model, resolver, g_arena, sizeof(g_arena), &smallest, &error, 0) ==
          microml::Status::kArenaTooSmall &&
      smallest > 0;
  if (!measured) {
    Print("model_test: smaller arenas not measured: %s\n", error.text());
    return;
  }
  Print("model_test: smallest_arena_bytes %zu\n", smallest);
  Print("model_test: default_arena_bytes %zu\n", standard);
}

int Run(int32_t invocations, bool profile) {
  Print("model_test: %s on %s, %ld invocation(s)\n", microml_cortex_m::kTestModelName,
        microml_cortex_m::CoreName(), static_cast<long>(invocations));

  microml::ErrorMessage error;
  microml::Model model;
  if (model.Init(microml_cortex_m::kTestModel.data, microml_cortex_m::kTestModel.size, &error) !=
      microml::Status::kOk) {
    Print("model_test: model rejected: %s\n", error.text());
    return 1;
  }
  PrintSmallerArenas(model);
  microml::Interpreter interpreter;
  if (interpreter.Setup(model, microml_cortex_m::TestResolver(), g_arena, sizeof(g_arena)) !=
      microml::Status::kOk) {
    Print("model_test: setup failed: %s\n", interpreter.error());
    return 1;
  }
  Print("model_test: arena_used_bytes %zu of %zu\n", interpreter.arena_used_bytes(),
        sizeof(g_arena));
  Print("model_test: arena_tradeoff %d\n", static_cast<int>(interpreter.arena_tradeoff()));
  Print("model_test: plan_floor_bytes %zu\n", interpreter.plan_floor_bytes());

  if (interpreter.num_inputs() != microml_cortex_m::kNumTestInputs ||
      interpreter.num_outputs() != microml_cortex_m::kNumTestOutputs) {
    Print("model_test: model has %zu inputs and %zu outputs, golden data %zu and %zu\n",
          interpreter.num_inputs(), interpreter.num_outputs(), microml_cortex_m::kNumTestInputs,
          microml_cortex_m::kNumTestOutputs);
    return 1;
  }
  for (size_t i = 0; i < interpreter.num_inputs(); ++i) {
    if (!SizesMatch("input", i, interpreter.input(i), microml_cortex_m::kTestInputs[i])) return 1;
  }
  for (size_t i = 0; i < interpreter.num_outputs(); ++i) {
    if (!SizesMatch("output", i, interpreter.output(i), microml_cortex_m::kTestOutputs[i]))
      return 1;
  }

  for (int32_t n = 0; n < invocations; ++n) {
    // The golden output comes from one Invoke() on fresh state, and the
    // planner may reuse input memory once an input is consumed.
    interpreter.Reset();
    if (profile && n == invocations - 1) {
      interpreter.set_op_observer(ObserveOp, &model);
    }
    for (size_t i = 0; i < interpreter.num_inputs(); ++i) {
      memcpy(interpreter.input(i)->data, microml_cortex_m::kTestInputs[i].data,
             microml_cortex_m::kTestInputs[i].size);
    }
    if (interpreter.Invoke() != microml::Status::kOk) {
      Print("model_test: invoke %ld failed: %s\n", static_cast<long>(n + 1), interpreter.error());
      return 1;
    }
  }
  if (invocations == 0) {
    Print("model_test: setup only, outputs not checked\n");
    return 0;
  }

  bool pass = true;
  for (size_t i = 0; i < interpreter.num_outputs(); ++i) {
    pass = OutputMatches(i, *interpreter.output(i), microml_cortex_m::kTestOutputs[i]) && pass;
  }
  Print("model_test: %s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}

}  // namespace

int main() {
  return Run(microml_cortex_m::IntArgument(1, 1), microml_cortex_m::IntArgument(2, 0) != 0);
}
