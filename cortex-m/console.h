// Console output and command-line arguments for the test images, both over
// semihosting. Formatting uses the runtime's own printf subset (no stdio).
#ifndef MICROML_CORTEX_M_CONSOLE_H_
#define MICROML_CORTEX_M_CONSOLE_H_

#include <stddef.h>
#include <stdint.h>

namespace microml_cortex_m {

// printf subset of microml::FormatText (%d %u %ld %lu %x %s %c %zu ...) to stdout.
void Print(const char* format, ...) __attribute__((format(printf, 1, 2)));

// The integer in argument `index` of the command line (0 is the program name),
// or `fallback` when it is missing or not a non-negative decimal number.
int32_t IntArgument(int index, int32_t fallback);

// Copies argument `index` of the command line into `out` NUL-terminated.
// False when it is missing or does not fit. Arguments are split at spaces
// (QEMU joins them with spaces), so they cannot contain any.
bool StringArgument(int index, char* out, size_t size);

// Name of the core this runs on, from the CPUID register.
const char* CoreName();

}  // namespace microml_cortex_m

#endif  // MICROML_CORTEX_M_CONSOLE_H_
