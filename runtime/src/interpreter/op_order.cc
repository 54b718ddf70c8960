#include "interpreter/op_order.h"

#include "interpreter/tensor_use.h"

namespace microml {

namespace {

constexpr uint16_t kNotWritten = 0xFFFFu;

// Whether some operator reads two activation tensors, or some activation
// tensor is read by two operators: a chain has no other order.
bool HasBranches(const detail::SubgraphState& state, const SubgraphRef& graph) {
  for (uint32_t i = 0; i < state.num_ops; ++i) {
    const VectorRef<int32_t> in = graph.op(i).inputs();
    int32_t first = -1;
    for (uint32_t k = 0; k < in.size(); ++k) {
      const int32_t t = in[k];
      if (t < 0 || !Planned(state.tensors[t])) continue;
      if (first >= 0 && first != t) return true;
      first = t;
      for (uint32_t j = i + 1; j < state.num_ops; ++j) {
        if (Contains(graph.op(j).inputs(), t)) return true;
      }
    }
  }
  return false;
}

}  // namespace

bool MayReorder(const detail::Session& s) {
  if (s.num_subgraphs != 1 || s.num_bands != 0) return false;
  const detail::SubgraphState& state = s.subgraphs[0];
  if (state.num_ops < 3 || state.num_ops > kMaxReorderOps) return false;
  for (uint32_t t = 0; t < state.num_tensors; ++t) {
    if ((state.tensors[t].flags & kTensorVariable) != 0 ||
        state.tensors[t].type == TensorType::kRESOURCE) {
      return false;
    }
  }
  for (uint32_t i = 0; i < state.num_ops; ++i) {
    if (state.ops[i].kernel->reset != nullptr) return false;
  }
  return HasBranches(state, s.model->subgraph(0));
}

size_t OrderWorkWords(const detail::Session& s) {
  return 2 * static_cast<size_t>(s.subgraphs[0].num_tensors) + s.subgraphs[0].num_ops;
}

bool ExecutionOrder(const detail::Session& s, OrderRule rule, uint16_t* order, uint16_t* work) {
  const detail::SubgraphState& state = s.subgraphs[0];
  const SubgraphRef graph = s.model->subgraph(0);
  // When each tensor was written (position + 1; 0 before the first operator),
  // how many uses it has left, and which operators have been placed.
  uint16_t* written = work;
  uint16_t* uses = work + state.num_tensors;
  uint16_t* placed = uses + state.num_tensors;
  for (uint32_t t = 0; t < state.num_tensors; ++t) {
    written[t] = Planned(state.tensors[t]) ? kNotWritten : 0;
    uses[t] = 0;
  }
  const VectorRef<int32_t> inputs = graph.inputs();
  for (uint32_t k = 0; k < inputs.size(); ++k) written[inputs[k]] = 0;
  for (uint32_t i = 0; i < state.num_ops; ++i) {
    placed[i] = 0;
    const VectorRef<int32_t> in = graph.op(i).inputs();
    for (uint32_t k = 0; k < in.size(); ++k) {
      if (in[k] >= 0 && uses[in[k]] < 0xFFFFu) ++uses[in[k]];
    }
  }
  bool differs = false;
  for (uint32_t at = 0; at < state.num_ops; ++at) {
    uint32_t best = state.num_ops;
    int64_t best_freed = 0;
    uint32_t best_newest = 0;
    for (uint32_t i = 0; i < state.num_ops; ++i) {
      if (placed[i]) continue;
      const OperatorRef op = graph.op(i);
      const VectorRef<int32_t> in = op.inputs();
      bool ready = true;
      uint32_t newest = 0;
      int64_t freed = 0;
      for (uint32_t k = 0; k < in.size() && ready; ++k) {
        const int32_t t = in[k];
        if (t < 0) continue;
        ready = written[t] != kNotWritten;
        if (written[t] > newest) newest = written[t];
        // Counted once per tensor, at its first slot here.
        bool first_slot = true;
        for (uint32_t j = 0; j < k; ++j) first_slot = first_slot && in[j] != t;
        uint32_t here = 0;
        for (uint32_t j = 0; j < in.size(); ++j) here += in[j] == t;
        if (first_slot && Planned(state.tensors[t]) && uses[t] == here &&
            !KeptAfter(graph, true, t)) {
          freed += state.tensors[t].bytes;
        }
      }
      if (!ready) continue;
      const VectorRef<int32_t> out = op.outputs();
      for (uint32_t k = 0; k < out.size(); ++k) {
        if (out[k] >= 0 && Planned(state.tensors[out[k]])) freed -= state.tensors[out[k]].bytes;
      }
      bool better = best == state.num_ops;
      if (!better && rule == OrderRule::kMemoryFirst && freed != best_freed) {
        better = freed > best_freed;
      } else if (!better) {
        better = newest > best_newest;
      }
      if (better) {
        best = i;
        best_freed = freed;
        best_newest = newest;
      }
    }
    if (best == state.num_ops) return false;
    order[at] = static_cast<uint16_t>(best);
    differs = differs || best != at;
    placed[best] = 1;
    const OperatorRef op = graph.op(best);
    const VectorRef<int32_t> in = op.inputs();
    for (uint32_t k = 0; k < in.size(); ++k) {
      if (in[k] >= 0 && uses[in[k]] > 0) --uses[in[k]];
    }
    const VectorRef<int32_t> out = op.outputs();
    for (uint32_t k = 0; k < out.size(); ++k) {
      if (out[k] >= 0 && written[out[k]] == kNotWritten) {
        written[out[k]] = static_cast<uint16_t>(at + 1);
      }
    }
  }
  return differs;
}

}  // namespace microml
