#include "op_profile.h"

#include <algorithm>

namespace microml_cli {

void OpProfile::Attach(microml::Interpreter* interpreter) {
  const microml::Model& model = interpreter->model();
  seconds_.assign(model.num_subgraphs(), {});
  for (uint32_t s = 0; s < model.num_subgraphs(); ++s) {
    seconds_[s].assign(model.subgraph(s).num_operators(), {});
  }
  interpreter->set_op_observer(Observe, this);
}

void OpProfile::Observe(void* user, uint32_t subgraph, uint32_t op_index, bool after) {
  OpProfile* self = static_cast<OpProfile*>(user);
  const auto now = std::chrono::steady_clock::now();
  // A called subgraph runs inside its caller's operator: starts nest, and the
  // caller is charged only its own time, so the times add up.
  if (!after) {
    self->running_.push_back({now, 0.0});
    return;
  }
  if (self->running_.empty()) return;
  const Running op = self->running_.back();
  self->running_.pop_back();
  const double seconds = std::chrono::duration<double>(now - op.start).count();
  self->seconds_[subgraph][op_index].push_back(seconds - op.callee_seconds);
  if (!self->running_.empty()) self->running_.back().callee_seconds += seconds;
}

void OpProfile::Print(FILE* out, const microml::Model& model) const {
  for (uint32_t s = 0; s < seconds_.size(); ++s) {
    const microml::SubgraphRef graph = model.subgraph(s);
    for (uint32_t i = 0; i < seconds_[s].size(); ++i) {
      std::vector<double> runs = seconds_[s][i];
      double median = 0.0;
      if (!runs.empty()) {
        std::nth_element(runs.begin(), runs.begin() + runs.size() / 2, runs.end());
        median = runs[runs.size() / 2];
      }
      const microml::OperatorCodeRef code = model.operator_code(graph.op(i).opcode_index());
      const bool custom = code.builtin_code == static_cast<int32_t>(microml::BuiltinOp::kCUSTOM);
      fprintf(out, "profile: %u %u %s %.3f\n", s, i,
              custom ? code.custom_code.data : microml::BuiltinOpName(code.builtin_code),
              1e6 * median);
    }
  }
}

}  // namespace microml_cli
