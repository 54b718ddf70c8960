// MUL: the shared prepare and the reference computes.
#ifndef MICROML_KERNELS_PREPARE_MUL_H_
#define MICROML_KERNELS_PREPARE_MUL_H_

#include "kernels/reference/arithmetic.h"
#include "microml/kernel.h"

namespace microml {

Status MulPrepare(OpContext& ctx);

namespace reference {

void MulFloat(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
void MulInt32(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
void MulInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
void MulInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_MUL_H_
