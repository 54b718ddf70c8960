// Optimized int8 FULLY_CONNECTED compute (Helium, Arm DSP or portable) on the
// int8 GEMM core.
#ifndef MICROML_KERNELS_ARM_FULLY_CONNECTED_H_
#define MICROML_KERNELS_ARM_FULLY_CONNECTED_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/prepare/fully_connected.h"

namespace microml {
namespace arm {

// Bytes of scratch FullyConnectedInt8 needs: none.
inline size_t FullyConnectedInt8ScratchBytes(const FullyConnectedParams&) {
  return 0;
}

// Same result as reference::FullyConnectedInt8.
void FullyConnectedInt8(const FullyConnectedParams& d, const int8_t* input, const int8_t* filter,
                        const int32_t* bias, int8_t* output);

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_FULLY_CONNECTED_H_
