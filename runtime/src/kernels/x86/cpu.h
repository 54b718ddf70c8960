// The x86-64 instruction-set level the x86 kernels run at: detected once with
// cpuid, lowered (never raised) by the MICROML_X86_LEVEL environment variable
// so every level can be tested on one machine.
#ifndef MICROML_KERNELS_X86_CPU_H_
#define MICROML_KERNELS_X86_CPU_H_

namespace microml {
namespace x86 {

// Ordered: each level's kernels need every feature of the levels below it.
enum class Level : int {
  kPortable = 0,    // the arm/ portable kernels (plain x86-64, SSE2)
  kSse41 = 1,       // SSE4.1: 16-bit multiply-adds on 128-bit vectors
  kAvx2 = 2,        // AVX2: the same on 256-bit vectors
  kAvx512Vnni = 3,  // AVX-512 F/BW + VNNI: 8-bit dot products on 512-bit vectors
};

constexpr int kLevelCount = 4;

// "portable", "sse4.1", "avx2", "avx512-vnni".
const char* LevelName(Level level);

// The level named `name`; false when no level has that name.
[[nodiscard]] bool ParseLevel(const char* name, Level* level);

// The highest level this CPU (and operating system) supports.
Level SupportedLevel();

// The level the kernels use: SupportedLevel(), or MICROML_X86_LEVEL when that
// names a lower one. Worked out on the first call, then fixed.
Level ActiveLevel();

}  // namespace x86
}  // namespace microml

#endif  // MICROML_KERNELS_X86_CPU_H_
