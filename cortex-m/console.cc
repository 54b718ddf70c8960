#include "console.h"

#include <stdarg.h>
#include <stddef.h>

#include "microml/status.h"
#include "semihost.h"

namespace microml_cortex_m {

void Print(const char* format, ...) {
  char line[256];
  va_list args;
  va_start(args, format);
  const size_t length = microml::FormatText(line, sizeof(line), format, args);
  va_end(args);
  semihost_write(1, line, length < sizeof(line) ? length : sizeof(line) - 1);
}

bool StringArgument(int index, char* out, size_t size) {
  char cmdline[256];
  if (size == 0 || semihost_cmdline(cmdline, sizeof(cmdline)) < 0) return false;
  const char* p = cmdline;
  for (int i = 0;; ++i) {
    while (*p == ' ') ++p;
    if (*p == '\0') return false;
    if (i == index) break;
    while (*p != ' ' && *p != '\0') ++p;
  }
  size_t n = 0;
  for (; p[n] != ' ' && p[n] != '\0'; ++n) {
    if (n + 1 >= size) return false;
    out[n] = p[n];
  }
  out[n] = '\0';
  return true;
}

int32_t IntArgument(int index, int32_t fallback) {
  char text[16];
  if (!StringArgument(index, text, sizeof(text))) return fallback;
  int32_t value = 0;
  const char* p = text;
  for (; *p >= '0' && *p <= '9'; ++p) {
    if (value > (INT32_MAX - 9) / 10) return fallback;
    value = value * 10 + (*p - '0');
  }
  if (p == text || *p != '\0') return fallback;
  return value;
}

const char* CoreName() {
  const uint32_t cpuid = *reinterpret_cast<volatile const uint32_t*>(0xE000ED00u);
  switch ((cpuid >> 4) & 0xFFFu) {  // PARTNO
    case 0xC20:
      return "Cortex-M0";
    case 0xC60:
      return "Cortex-M0+";
    case 0xC24:
      return "Cortex-M4";
    case 0xC27:
      return "Cortex-M7";
    case 0xD22:
      return "Cortex-M55";
    default:
      return "unknown core";
  }
}

}  // namespace microml_cortex_m
