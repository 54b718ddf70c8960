// How the interpreter tells which tensors get arena memory and which must
// outlive their last operator: shared by planning and row bands.
#ifndef MICROML_INTERPRETER_TENSOR_USE_H_
#define MICROML_INTERPRETER_TENSOR_USE_H_

#include "microml/model.h"
#include "microml/tensor.h"

namespace microml {

// Whether the planner gives the tensor arena memory.
inline bool Planned(const Tensor& t) {
  return (t.flags & (kTensorConstant | kTensorVariable)) == 0 && t.bytes > 0;
}

inline bool Contains(const VectorRef<int32_t>& list, int32_t tensor) {
  for (uint32_t k = 0; k < list.size(); ++k) {
    if (list[k] == tensor) return true;
  }
  return false;
}

// Whether a tensor's buffer must outlive its last operator: subgraph outputs
// are read after the subgraph runs, and a called subgraph's inputs may be read
// again by its caller, so neither is ever overwritten.
inline bool KeptAfter(const SubgraphRef& graph, bool main, int32_t tensor) {
  return Contains(graph.outputs(), tensor) || (!main && Contains(graph.inputs(), tensor));
}

}  // namespace microml

#endif  // MICROML_INTERPRETER_TENSOR_USE_H_
