// Armv7E-M DSP operations the ACLE intrinsics lack, shared by the DSP
// kernels: SXTB16 / SXTAB16 on bytes 1 and 3 (the ROR #8 operand form;
// __sxtb16 takes bytes 0 and 2) and an unaligned 4-byte load. Types follow
// the ACLE's: four bytes or two halfwords in an int32_t.
#ifndef MICROML_KERNELS_ARM_DSP_H_
#define MICROML_KERNELS_ARM_DSP_H_

#if defined(__ARM_FEATURE_DSP)

#include <stdint.h>
#include <string.h>

namespace microml {
namespace arm {

inline int32_t Load4(const int8_t* p) {
  int32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

// Bytes 1 and 3 of x sign-extended to two halfwords. Both operands of an
// SMLAD pair split the same way keep the products paired right.
inline int32_t Sxtb16Ror8(int32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

// Sxtb16Ror8(x) plus `add`'s two halfwords.
inline int32_t Sxtab16Ror8(int32_t add, int32_t x) {
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(add), "r"(x));
  return r;
}

}  // namespace arm
}  // namespace microml

#endif  // __ARM_FEATURE_DSP

#endif  // MICROML_KERNELS_ARM_DSP_H_
