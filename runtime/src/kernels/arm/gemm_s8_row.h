// The int8 GEMM core's path for a single lhs row on the Arm DSP and portable
// builds (batch-1 FULLY_CONNECTED, the odd last row of GemmS8Widened): the row
// is widened to 16 bits once, with the input offset added, and each widened
// pair of values serves four rhs rows.
#ifndef MICROML_KERNELS_ARM_GEMM_S8_ROW_H_
#define MICROML_KERNELS_ARM_GEMM_S8_ROW_H_

#include <stdint.h>

#include "kernels/arm/gemm_s8.h"

namespace microml {
namespace arm {

#if !defined(__ARM_FEATURE_MVE)
// GemmS8 of rows = 1. Helium builds have their own (GemmS8SingleRow).
void GemmS8Row(const int8_t* lhs, const int8_t* rhs, int32_t cols, int32_t depth,
               const GemmS8Output& q, int8_t* out);
#endif

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_GEMM_S8_ROW_H_
