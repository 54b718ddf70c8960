// Loading a model file and setting up an interpreter sized by the plan: the
// steps every CLI command shares.
#ifndef MICROML_TOOLS_MODEL_FILE_H_
#define MICROML_TOOLS_MODEL_FILE_H_

#include <stddef.h>
#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "microml/interpreter.h"
#include "microml/model.h"

namespace microml_cli {

// 16-byte aligned heap storage.
class AlignedBuffer {
 public:
  void Resize(size_t bytes) {
    storage_.assign((bytes + 15) / 16 + 1, Block{});
    size_ = bytes;
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage_.data()); }
  size_t size() const { return size_; }

 private:
  struct alignas(16) Block {
    uint8_t bytes[16];
  };
  std::vector<Block> storage_;
  size_t size_ = 0;
};

bool ReadFile(const std::string& path, AlignedBuffer* out, std::string* error);

// A model loaded from disk with an interpreter whose arena is exactly the
// measured size.
struct LoadedModel {
  AlignedBuffer bytes;
  microml::Model model;
  AlignedBuffer arena;
  size_t arena_bytes = 0;
  // The least arena the model runs in (trading speed for memory), and the
  // arena of the fastest plan (per-channel scales computed once).
  size_t smallest_arena_bytes = 0;
  size_t fastest_arena_bytes = 0;
  microml::Interpreter interpreter;
};

// Returns false with a one-line message in *error.
// The kernels MICROML_KERNELS names: "optimized" (the default: the target's
// optimized kernels, reference ones for the rest) or "reference".
bool ChooseKernels(const microml::OpResolver** ops, std::string* error);

struct LoadOptions {
  // The arena is the fastest plan within this many bytes...
  size_t arena_limit = SIZE_MAX;
  // ...trading at least this much speed for memory.
  microml::ArenaTradeoff least = microml::ArenaTradeoff::kNone;
  // Measures smallest_arena_bytes and fastest_arena_bytes too.
  bool find_smallest = false;
};

bool LoadModel(const std::string& path, LoadedModel* loaded, std::string* error,
               const LoadOptions& options = LoadOptions());

// Parses the options every model command takes: --arena-limit BYTES (a
// positive whole number of bytes) and --arena-tradeoff NAME (none, row_bands,
// recomputed_scales, all: the tradeoffs before it are not tried). Returns 1
// and advances *i past a value when argv[*i] is one, 0 when it is something
// else, -1 after printing the error.
int ParseLoadOption(int argc, char** argv, int* i, LoadOptions* options);

const char* TradeoffName(microml::ArenaTradeoff t);

// The arguments of the commands that read one model and may print JSON:
// MODEL [--json] [--svg FILE] [--arena-limit BYTES] (--svg only where `svg`
// is given).
struct ModelArgs {
  const char* path = nullptr;
  bool json = false;
  const char* svg = nullptr;
  LoadOptions load;
};

// False, after printing the error, when the arguments are not those.
bool ParseModelArgs(const char* command, int argc, char** argv, bool svg, ModelArgs* args);

}  // namespace microml_cli

#endif  // MICROML_TOOLS_MODEL_FILE_H_
