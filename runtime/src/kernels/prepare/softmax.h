// SOFTMAX: the shared prepare and the reference computes.
#ifndef MICROML_KERNELS_PREPARE_SOFTMAX_H_
#define MICROML_KERNELS_PREPARE_SOFTMAX_H_

#include <stdint.h>

#include "microml/kernel.h"

namespace microml {

struct SoftmaxData {
  float beta;
  int32_t input_multiplier;
  int32_t input_left_shift;
  int32_t diff_min;  // int8: input differences below this contribute nothing
};

Status SoftmaxPrepare(OpContext& ctx);

namespace reference {

// Every type combination the prepare accepts.
void Softmax(const SoftmaxData& d, const Tensor& in, const Tensor& out);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_SOFTMAX_H_
