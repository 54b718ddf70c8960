// Optimized AVERAGE_POOL_2D and MAX_POOL_2D computes (Helium, Arm DSP or
// portable); bit-exact with the reference computes in prepare/pooling.h. They
// need no scratch: each output pixel's window is summed in registers.
#ifndef MICROML_KERNELS_ARM_POOLING_H_
#define MICROML_KERNELS_ARM_POOLING_H_

#include "kernels/prepare/pooling.h"

namespace microml {
namespace arm {

void AveragePool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out);
void AveragePool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out);
void MaxPool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out);
void MaxPool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out);

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_POOLING_H_
