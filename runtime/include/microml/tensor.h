// Runtime view of one tensor. One of these per tensor lives in the arena; the
// shape points into the model (zero-copy) and `data` into the model (constants)
// or the arena (everything else).
#ifndef MICROML_TENSOR_H_
#define MICROML_TENSOR_H_

#include <stddef.h>
#include <stdint.h>

#include "microml/schema_enums.h"

namespace microml {

enum TensorFlags : uint8_t {
  kTensorConstant = 1 << 0,  // data lives in the model
  kTensorVariable = 1 << 1,  // state kept across invocations
  kTensorInput = 1 << 2,     // a graph input of the main subgraph
  kTensorOutput = 1 << 3,    // a graph output of the main subgraph
};

struct Tensor {
  void* data;
  const int32_t* dims;
  uint32_t bytes;
  uint8_t rank;
  TensorType type;
  uint8_t flags;

  template <typename T>
  T* data_as() const {
    return static_cast<T*>(data);
  }
  int32_t dim(int i) const { return dims[i]; }
  // Dimension counted from the end, 1 when the tensor has fewer dimensions.
  int32_t dim_from_end(int i) const { return i < rank ? dims[rank - 1 - i] : 1; }
  uint32_t element_count() const {
    uint32_t n = 1;
    for (int i = 0; i < rank; ++i) n *= static_cast<uint32_t>(dims[i]);
    return n;
  }
  bool is_constant() const { return (flags & kTensorConstant) != 0; }
};

}  // namespace microml

#endif  // MICROML_TENSOR_H_
