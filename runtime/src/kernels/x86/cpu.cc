#include "kernels/x86/cpu.h"

#if defined(__x86_64__)

#include <cpuid.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>

namespace microml {
namespace x86 {

// The chosen level plus one, 0 until the first ActiveLevel(). Zero-initialised
// and of external linkage: MicroPython's native-module linker takes writable
// data only in .bss and reached through the GOT. A race only computes the same
// value twice.
std::atomic<int> g_active_level_plus_one{0};

namespace {

const char* const kNames[kLevelCount] = {"portable", "sse4.1", "avx2", "avx512-vnni"};

// XCR0: which register state the operating system saves on a context switch.
uint64_t EnabledRegisterState() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

// cpuid and xgetbv directly, not __builtin_cpu_supports: libgcc's feature
// table is static data that a native module cannot link.
Level Detect() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return Level::kPortable;
  const bool sse41 = (ecx & bit_SSE4_1) != 0;
  const bool os_xsave = (ecx & bit_OSXSAVE) != 0 && (ecx & bit_AVX) != 0;
  if (!sse41) return Level::kPortable;
  if (!os_xsave) return Level::kSse41;
  const uint64_t state = EnabledRegisterState();
  constexpr uint64_t kYmm = 0x6;   // SSE and AVX state
  constexpr uint64_t kZmm = 0xe6;  // plus the opmask and both ZMM halves
  if ((state & kYmm) != kYmm || !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    return Level::kSse41;
  }
  if ((ebx & bit_AVX2) == 0) return Level::kSse41;
  const bool vnni = (ebx & bit_AVX512F) != 0 && (ebx & bit_AVX512BW) != 0 &&
                    (ecx & bit_AVX512VNNI) != 0 && (state & kZmm) == kZmm;
  return vnni ? Level::kAvx512Vnni : Level::kAvx2;
}

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
  int level = g_active_level_plus_one.load(std::memory_order_relaxed);
  if (level > 0) return static_cast<Level>(level - 1);
  Level chosen = Detect();
  // A name that is unknown or above what the CPU has leaves the detected
  // level; the CLI reports such a setting as an error before any kernel runs.
  Level requested;
  const char* env = getenv("MICROML_X86_LEVEL");
  if (env != nullptr && ParseLevel(env, &requested) && requested < chosen) chosen = requested;
  g_active_level_plus_one.store(static_cast<int>(chosen) + 1, std::memory_order_relaxed);
  return chosen;
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
