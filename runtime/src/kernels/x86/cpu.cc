#include "kernels/x86/cpu.h"

#if defined(__x86_64__)

#include <stdlib.h>
#include <string.h>

#include <atomic>

namespace microml {
namespace x86 {
namespace {

const char* const kNames[kLevelCount] = {"portable", "sse4.1", "avx2", "avx512-vnni"};

Level Detect() {
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the vector registers.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx2")) {
    return Level::kAvx512Vnni;
  }
  if (__builtin_cpu_supports("avx2")) return Level::kAvx2;
  if (__builtin_cpu_supports("sse4.1")) return Level::kSse41;
  return Level::kPortable;
}

// -1 until the first ActiveLevel(); a race only computes the same value twice.
std::atomic<int> active_level{-1};

}  // namespace

const char* LevelName(Level level) {
  return kNames[static_cast<int>(level)];
}

bool ParseLevel(const char* name, Level* level) {
  for (int i = 0; i < kLevelCount; ++i) {
    if (strcmp(name, kNames[i]) == 0) {
      *level = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

Level SupportedLevel() {
  return Detect();
}

Level ActiveLevel() {
  int level = active_level.load(std::memory_order_relaxed);
  if (level >= 0) return static_cast<Level>(level);
  Level chosen = Detect();
  // A name that is unknown or above what the CPU has leaves the detected
  // level; the CLI reports such a setting as an error before any kernel runs.
  Level requested;
  const char* env = getenv("MICROML_X86_LEVEL");
  if (env != nullptr && ParseLevel(env, &requested) && requested < chosen) chosen = requested;
  active_level.store(static_cast<int>(chosen), std::memory_order_relaxed);
  return chosen;
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
