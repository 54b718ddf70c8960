// libFuzzer target: arbitrary bytes through the model reader, interpreter setup
// and one invocation. Any sanitizer report or crash is a bug: hostile models must
// be rejected with a Status, never by misbehaving.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "microml/interpreter.h"
#include "microml/kernel.h"
#include "microml/model.h"
#include "microml/status.h"

namespace {

// Fixed like on a microcontroller; models that need more fail setup cleanly.
constexpr size_t kArenaBytes = 512 * 1024;
// Bigger inputs are truncated: the shared seed models are all smaller, and
// larger inputs only slow the fuzzer down.
constexpr size_t kMaxModelBytes = 1 << 20;

alignas(microml::kArenaAlignment) uint8_t g_arena[kArenaBytes];
// Model::Init needs 8-byte alignment; libFuzzer's data pointer has none.
alignas(16) uint8_t g_model[kMaxModelBytes];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxModelBytes) size = kMaxModelBytes;
  memcpy(g_model, data, size);

  microml::ErrorMessage error;
  microml::Model model;
  if (model.Init(g_model, size, &error) != microml::Status::kOk) return 0;

  microml::Interpreter interpreter;
  if (interpreter.Setup(model, microml::AllOpsResolver(), g_arena, sizeof(g_arena)) !=
      microml::Status::kOk) {
    return 0;
  }
  // Inputs derived from the model bytes so that runs are reproducible.
  for (size_t i = 0; i < interpreter.num_inputs(); ++i) {
    microml::Tensor* t = interpreter.input(i);
    if (t == nullptr || t->data == nullptr) continue;
    uint8_t* bytes = t->data_as<uint8_t>();
    for (uint32_t b = 0; b < t->bytes; ++b) bytes[b] = data[(b * 7 + i) % size];
  }
  interpreter.Invoke();
  return 0;
}
