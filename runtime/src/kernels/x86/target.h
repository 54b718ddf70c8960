// Function attributes that compile one function for a higher x86 level than
// the rest of the binary, which stays plain x86-64: such a function runs only
// after cpu.h's ActiveLevel() said the CPU has the level.
#ifndef MICROML_KERNELS_X86_TARGET_H_
#define MICROML_KERNELS_X86_TARGET_H_

#define MICROML_TARGET_SSE41 __attribute__((target("sse4.1")))
#define MICROML_TARGET_AVX2 __attribute__((target("avx2")))
#define MICROML_TARGET_VNNI __attribute__((target("avx2,avx512f,avx512bw,avx512vnni")))

#endif  // MICROML_KERNELS_X86_TARGET_H_
