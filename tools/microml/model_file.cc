#include "model_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "microml/kernel.h"

namespace microml_cli {

bool ReadFile(const std::string& path, AlignedBuffer* out, std::string* error) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = "cannot open " + path;
    return false;
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  const bool failed = ferror(f) != 0;
  fclose(f);
  if (failed) {
    *error = "cannot read " + path;
    return false;
  }
  out->Resize(bytes.size());
  if (!bytes.empty()) memcpy(out->data(), bytes.data(), bytes.size());
  return true;
}

bool ChooseKernels(const microml::OpResolver** ops, std::string* error) {
  const char* choice = getenv("MICROML_KERNELS");
  if (choice == nullptr || *choice == '\0' || strcmp(choice, "optimized") == 0) {
    char level_error[160];
    if (microml::OptimizedKernelsLevelError(level_error, sizeof(level_error))) {
      *error = level_error;
      return false;
    }
    *ops = &microml::OptimizedOpsResolver();
  } else if (strcmp(choice, "reference") == 0) {
    *ops = &microml::AllOpsResolver();
  } else {
    *error =
        std::string("MICROML_KERNELS is '") + choice + "', expected 'optimized' or 'reference'";
    return false;
  }
  return true;
}

bool ParseModelArgs(const char* command, int argc, char** argv, bool svg, ModelArgs* args) {
  for (int i = 0; i < argc; ++i) {
    if (strcmp(argv[i], "--json") == 0) {
      args->json = true;
    } else if (svg && strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
      args->svg = argv[++i];
    } else if (const int taken = ParseLoadOption(argc, argv, &i, &args->load); taken != 0) {
      if (taken < 0) return false;
    } else if (args->path == nullptr && argv[i][0] != '-') {
      args->path = argv[i];
    } else {
      fprintf(stderr, "microml: error: unexpected argument '%s'\n", argv[i]);
      return false;
    }
  }
  if (args->path == nullptr) {
    fprintf(stderr, "microml: error: %s needs a MODEL path\n", command);
    return false;
  }
  return true;
}

const char* TradeoffName(microml::ArenaTradeoff t) {
  switch (t) {
    case microml::ArenaTradeoff::kRecomputedScales:
      return "recomputed_scales";
    case microml::ArenaTradeoff::kRowBands:
      return "row_bands";
    case microml::ArenaTradeoff::kAll:
      return "all";
    default:
      return "none";
  }
}

int ParseLoadOption(int argc, char** argv, int* i, LoadOptions* options) {
  const bool has_value = *i + 1 < argc;
  if (strcmp(argv[*i], "--arena-limit") == 0 && has_value) {
    const char* text = argv[++*i];
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE || value == 0 ||
        value > SIZE_MAX) {
      fprintf(stderr, "microml: error: --arena-limit needs a positive number of bytes, got '%s'\n",
              text);
      return -1;
    }
    // SIZE_MAX stands for no limit (the default plan); a limit that large
    // limits nothing either, so it buys the fastest plan like any other.
    options->arena_limit = value == SIZE_MAX ? SIZE_MAX - 1 : static_cast<size_t>(value);
    return 1;
  }
  if (strcmp(argv[*i], "--arena-tradeoff") == 0 && has_value) {
    const char* name = argv[++*i];
    for (const microml::ArenaTradeoff t :
         {microml::ArenaTradeoff::kNone, microml::ArenaTradeoff::kRecomputedScales,
          microml::ArenaTradeoff::kRowBands, microml::ArenaTradeoff::kAll}) {
      if (strcmp(name, TradeoffName(t)) == 0) {
        options->least = t;
        return 1;
      }
    }
    fprintf(stderr,
            "microml: error: --arena-tradeoff is '%s', expected none, "
            "recomputed_scales, row_bands or all\n",
            name);
    return -1;
  }
  return 0;
}

bool LoadModel(const std::string& path, LoadedModel* loaded, std::string* error,
               const LoadOptions& options) {
  if (!ReadFile(path, &loaded->bytes, error)) return false;
  microml::ErrorMessage message;
  if (loaded->model.Init(loaded->bytes.data(), loaded->bytes.size(), &message) !=
      microml::Status::kOk) {
    *error = path + ": " + message.text();
    return false;
  }
  const microml::OpResolver* ops = nullptr;
  if (!ChooseKernels(&ops, error)) return false;
  // The estimate covers operator data up to a few KB; an operator holding
  // more state (long delay lines) makes measuring report kArenaTooSmall, and
  // a larger work buffer is tried.
  AlignedBuffer work;
  size_t work_bytes = microml::Interpreter::WorkBytesEstimate(loaded->model);
  microml::Status status;
  for (;;) {
    work.Resize(work_bytes);
    status =
        microml::Interpreter::MeasureArena(loaded->model, *ops, work.data(), work.size(),
                                           &loaded->arena_bytes, &message, SIZE_MAX, options.least);
    if (status != microml::Status::kArenaTooSmall || work_bytes > (size_t{1} << 28)) break;
    work_bytes *= 2;
  }
  if (status == microml::Status::kOk) {
    // Below every plan, the limit of 0 bytes makes measuring report the
    // smallest; above every plan, a limit short of SIZE_MAX (no limit) the
    // fastest.
    microml::ErrorMessage below;
    loaded->smallest_arena_bytes = 0;
    loaded->fastest_arena_bytes = 0;
    if (options.find_smallest) {
      microml::Interpreter::MeasureArena(loaded->model, *ops, work.data(), work.size(),
                                         &loaded->smallest_arena_bytes, &below, 0);
      microml::Interpreter::MeasureArena(loaded->model, *ops, work.data(), work.size(),
                                         &loaded->fastest_arena_bytes, &below, SIZE_MAX - 1);
    }
    if (loaded->smallest_arena_bytes == 0) loaded->smallest_arena_bytes = loaded->arena_bytes;
    if (loaded->fastest_arena_bytes == 0) loaded->fastest_arena_bytes = loaded->arena_bytes;
    if (options.arena_limit != SIZE_MAX) {
      status = microml::Interpreter::MeasureArena(loaded->model, *ops, work.data(), work.size(),
                                                  &loaded->arena_bytes, &message,
                                                  options.arena_limit, options.least);
    }
  }
  if (status != microml::Status::kOk) {
    *error = path + ": " + message.text();
    return false;
  }
  // The desktop tool stands in for a device: an arena beyond any device's RAM
  // is reported, not attempted.
  constexpr size_t kMaxArenaBytes = size_t{1} << 30;
  if (loaded->arena_bytes > kMaxArenaBytes) {
    *error = path + ": model needs an arena of " + std::to_string(loaded->arena_bytes) +
             " bytes, more than the " + std::to_string(kMaxArenaBytes) + " this tool allows";
    return false;
  }
  loaded->arena.Resize(loaded->arena_bytes);
  status = loaded->interpreter.Setup(loaded->model, *ops, loaded->arena.data(),
                                     loaded->arena.size(), options.least);
  if (status != microml::Status::kOk) {
    *error = path + ": " + loaded->interpreter.error();
    return false;
  }
  return true;
}

}  // namespace microml_cli
