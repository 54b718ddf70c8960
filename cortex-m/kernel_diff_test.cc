// Runs every differential suite (kernel_diff.h) for its number of random
// cases; exits 0 when all outputs matched. Argument 1 scales the case counts
// in percent (default 100).
#include "kernel_diff.h"

#include "console.h"

namespace microml_cortex_m {
namespace {

struct Suite {
  const char* name;
  DiffCase run;
  int cases;
};

const Suite kSuites[] = {
    {"depthwise_conv2d_int8", DepthwiseDiffCase, 6000},
    {"conv2d_int8", Conv2DDiffCase, 1500},
    {"fully_connected_int8", FullyConnectedDiffCase, 3000},
};

// Enough to show a pattern, few enough to keep the log readable.
constexpr int kMaxReportedFailures = 10;

}  // namespace
}  // namespace microml_cortex_m

int main() {
  using namespace microml_cortex_m;
  const int32_t percent = IntArgument(1, 100);
  int total_failures = 0;
  for (const Suite& suite : kSuites) {
    Rng rng(987654);
    const int cases = static_cast<int>(static_cast<int64_t>(suite.cases) * percent / 100);
    int failures = 0;
    for (int i = 0; i < cases && failures < kMaxReportedFailures; ++i) {
      if (!suite.run(rng, i)) ++failures;
    }
    Print("kernel_diff_test: %s: %d failures in %d cases\n", suite.name, failures, cases);
    total_failures += failures;
  }
  Print("kernel_diff_test: %s\n", total_failures == 0 ? "PASS" : "FAIL");
  return total_failures == 0 ? 0 : 1;
}
