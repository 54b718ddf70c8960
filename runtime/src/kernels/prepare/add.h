// ADD: the shared prepare and the reference computes.
#ifndef MICROML_KERNELS_PREPARE_ADD_H_
#define MICROML_KERNELS_PREPARE_ADD_H_

#include "kernels/reference/arithmetic.h"
#include "microml/kernel.h"

namespace microml {

Status AddPrepare(OpContext& ctx);

namespace reference {

void AddFloat(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
void AddInt32(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
void AddInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);
void AddInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_ADD_H_
