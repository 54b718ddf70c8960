// Execution orders of the main subgraph other than the model's: on graphs with
// branches, which branch runs first decides how many tensors are alive at
// once. The planner plans each candidate and keeps the smallest plan
// (Interpreter::ChooseOrder).
#ifndef MICROML_INTERPRETER_OP_ORDER_H_
#define MICROML_INTERPRETER_OP_ORDER_H_

#include <stddef.h>
#include <stdint.h>

#include "microml/interpreter.h"

namespace microml {

enum class OrderRule : uint8_t {
  // Of the operators whose inputs exist, the one reading the newest tensor:
  // a branch runs to its end before the next starts.
  kDepthFirst,
  // The one that frees the most bytes net of what it writes.
  kMemoryFirst,
};

// Whether the main subgraph may run in another order: operators without
// state (no variable or resource tensors, no kernel with a reset, one
// subgraph), no row bands, at most kMaxReorderOps of them.
bool MayReorder(const detail::Session& s);
constexpr uint32_t kMaxReorderOps = 1024;

// Uint16 words of work ExecutionOrder needs.
size_t OrderWorkWords(const detail::Session& s);

// Writes to `order` (one entry per operator) a topological order of the main
// subgraph by `rule`; false when there is none (an input no operator writes)
// or it is the model's own.
bool ExecutionOrder(const detail::Session& s, OrderRule rule, uint16_t* order, uint16_t* work);

}  // namespace microml

#endif  // MICROML_INTERPRETER_OP_ORDER_H_
