// PAD and PADV2: the shared prepare and the reference compute.
#ifndef MICROML_KERNELS_PREPARE_PAD_H_
#define MICROML_KERNELS_PREPARE_PAD_H_

#include <stdint.h>

#include "microml/kernel.h"

namespace microml {

constexpr int kMaxPadRank = 5;

struct PadData {
  int32_t default_value;
};

Status PadPrepare(OpContext& ctx);

namespace reference {

// Every type the prepare accepts; `value` is PADV2's optional fill tensor.
void Pad(const PadData& d, const Tensor& in, const Tensor& paddings, const Tensor* value,
         const Tensor& out);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_PAD_H_
