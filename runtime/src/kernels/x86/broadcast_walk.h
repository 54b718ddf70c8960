// The reference's broadcast plan (reference/broadcast.h) walked with a vector
// run as its innermost loop, for the x86 elementwise kernels (ADD, MUL): an
// input broadcast along that loop (stride 0) is repeated into a buffer of
// one vector, which the run reads without stepping.
#ifndef MICROML_KERNELS_X86_BROADCAST_WALK_H_
#define MICROML_KERNELS_X86_BROADCAST_WALK_H_

#if defined(__x86_64__)

#include <emmintrin.h>
#include <stdint.h>

#include "kernels/reference/broadcast.h"

namespace microml {
namespace x86 {

// Fills the 16-element repeat buffer with SSE2 stores (the baseline of
// every x86-64 level).
inline void Repeat(int8_t value, int8_t (&to)[16]) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(to), _mm_set1_epi8(value));
}

inline void Repeat(int16_t value, int16_t (&to)[16]) {
  const __m128i v = _mm_set1_epi16(value);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(to), v);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(to + 8), v);
}

// kRun(k, a, step_a, b, step_b, out, n) writes n outputs; an input whose
// step is false is a repeated value, 16 of it (one step of the run). The run
// is a template argument so each kernel's walk calls it directly.
template <typename T, typename Steps,
          void (*kRun)(const Steps&, const T*, bool, const T*, bool, T*, int32_t)>
inline void WalkBroadcast(const Steps& k, const T* pa, const T* pb, T* po,
                          const BroadcastPlan& plan) {
  if (plan.empty) return;
  if (plan.loops == 0) {
    kRun(k, pa, true, pb, true, po, 1);
    return;
  }
  const int32_t inner = plan.size[0];
  const bool step_a = plan.stride_a[0] != 0, step_b = plan.stride_b[0] != 0;
  T repeat_a[16], repeat_b[16];
  int32_t index[kMaxBroadcastRank] = {};
  for (;;) {
    if (!step_a) Repeat(*pa, repeat_a);
    if (!step_b) Repeat(*pb, repeat_b);
    kRun(k, step_a ? pa : repeat_a, step_a, step_b ? pb : repeat_b, step_b, po, inner);
    po += inner;
    int j = 1;
    for (; j < plan.loops; ++j) {
      pa += plan.stride_a[j];
      pb += plan.stride_b[j];
      if (++index[j] < plan.size[j]) break;
      pa -= plan.stride_a[j] * plan.size[j];
      pb -= plan.stride_b[j] * plan.size[j];
      index[j] = 0;
    }
    if (j == plan.loops) return;
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_BROADCAST_WALK_H_
