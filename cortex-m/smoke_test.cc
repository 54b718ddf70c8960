// Smallest useful image: proves startup, semihosting output, the FPU enable
// and exit-status passing. Exits with its first argument (default 0).
#include "console.h"

namespace {

// Volatile so the multiplication happens at run time, on the FPU when there is one.
volatile float g_factor = 1.5f;

}  // namespace

int main() {
  using microml_cortex_m::Print;
  Print("smoke_test: running on %s\n", microml_cortex_m::CoreName());
  const float x = g_factor * g_factor + 0.25f;
  Print("smoke_test: 1.5 * 1.5 + 0.25 = %d/100\n", static_cast<int>(x * 100.0f));
  const int32_t status = microml_cortex_m::IntArgument(1, 0);
  Print("smoke_test: exit status %ld\n", static_cast<long>(status));
  return static_cast<int>(status);
}
