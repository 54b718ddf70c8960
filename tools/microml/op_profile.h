// Per-operator wall-clock time of `microml run --profile`, gathered through
// the interpreter's operator observer.
#ifndef MICROML_TOOLS_OP_PROFILE_H_
#define MICROML_TOOLS_OP_PROFILE_H_

#include <stdint.h>
#include <stdio.h>

#include <chrono>
#include <vector>

#include "microml/interpreter.h"
#include "microml/model.h"

namespace microml_cli {

class OpProfile {
 public:
  // Starts timing every operator of `interpreter`'s later invocations.
  void Attach(microml::Interpreter* interpreter);
  // One "profile: SUBGRAPH INDEX NAME MICROSECONDS" line per operator, in
  // model order: the median over the invocations, which a busy machine's
  // stray slow runs do not move.
  void Print(FILE* out, const microml::Model& model) const;

 private:
  static void Observe(void* user, uint32_t subgraph, uint32_t op_index, bool after);

  struct Running {
    std::chrono::steady_clock::time_point start;
    double callee_seconds;  // spent in the subgraphs it called
  };

  // Per subgraph, per operator: the seconds of each of its runs.
  std::vector<std::vector<std::vector<double>>> seconds_;
  std::vector<Running> running_;  // innermost last
};

}  // namespace microml_cli

#endif  // MICROML_TOOLS_OP_PROFILE_H_
