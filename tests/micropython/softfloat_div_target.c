// On-target check of micropython/natmod/ml_softfloat_armv6m.c: built for the
// Cortex-M0 as the Armv6-M native module builds it, and compared with
// libgcc's division (which a statically linked image may use), bit for bit;
// any NaN stands for any NaN. The host check (softfloat_div_check.c) covers
// the hard cases; this one shows that the Thumb-1 build computes the same.
//
//   cortex-m/run --cpu m0 IMAGE SEED N   (N random operand pairs per width and class)
//
// Prints "f32 random_bits CHECKED MISMATCHES" and so on; exits 1 on a mismatch.
#define ML_SOFTFLOAT_NAME(name) ml##name
#include <stdio.h>
#include <stdlib.h>

#include "ml_softfloat_armv6m.c"
#include "semihost.h"

static uint32_t rng_state;

// xorshift32
static uint32_t rnd(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

static uint64_t rnd64(void) {
  return ((uint64_t)rnd() << 32) | rnd();
}

static void say(const char* text) {
  size_t n = 0;
  while (text[n] != '\0') ++n;
  semihost_write(1, text, n);
}

static unsigned long checked, mismatches;

static void check32(uint32_t a, uint32_t b) {
  const ml_f32_bits x = {.u = a}, y = {.u = b};
  const ml_f32_bits want = {.f = x.f / y.f}, got = {.f = ml__aeabi_fdiv(x.f, y.f)};
  const int nan_want = (want.u & 0x7fffffffu) > 0x7f800000u;
  const int nan_got = (got.u & 0x7fffffffu) > 0x7f800000u;
  ++checked;
  if (nan_want ? !nan_got : want.u != got.u) {
    char line[96];
    snprintf(line, sizeof line, "MISMATCH f32 %08lx / %08lx: want %08lx got %08lx\n",
             (unsigned long)a, (unsigned long)b, (unsigned long)want.u, (unsigned long)got.u);
    if (++mismatches <= 20) say(line);
  }
}

static void check64(uint64_t a, uint64_t b) {
  const ml_f64_bits x = {.u = a}, y = {.u = b};
  const ml_f64_bits want = {.f = x.f / y.f}, got = {.f = ml__aeabi_ddiv(x.f, y.f)};
  const int nan_want = (want.u & ~0x8000000000000000u) > 0x7ff0000000000000u;
  const int nan_got = (got.u & ~0x8000000000000000u) > 0x7ff0000000000000u;
  ++checked;
  if (nan_want ? !nan_got : want.u != got.u) {
    char line[128];
    snprintf(line, sizeof line, "MISMATCH f64 %08lx%08lx / %08lx%08lx\n", (unsigned long)(a >> 32),
             (unsigned long)a, (unsigned long)(b >> 32), (unsigned long)b);
    if (++mismatches <= 20) say(line);
  }
}

static unsigned long checked_before, mismatches_before;

static void report(const char* what) {
  char line[64];
  snprintf(line, sizeof line, "%s %lu %lu\n", what, checked - checked_before,
           mismatches - mismatches_before);
  say(line);
  checked_before = checked;
  mismatches_before = mismatches;
}

// An exponent field whose quotient lands within a few binades of the
// subnormal range or of overflow, given the other operand's.
static uint32_t near_boundary(uint32_t other, int bias, int top, int p) {
  const int target =
      (rnd() & 1) ? (int)(rnd() % (unsigned)(p + 6)) - p - 3 : top - 2 + (int)(rnd() % 5);
  const int e = (int)other - target + bias;
  return e < 0 ? 0u : e > top ? (uint32_t)top : (uint32_t)e;
}

int main(void) {
  char cmdline[512];
  if (semihost_cmdline(cmdline, sizeof cmdline) < 0) return 2;
  char* arg = cmdline;
  while (*arg != '\0' && *arg != ' ') ++arg;  // argument 0: the image
  rng_state = (uint32_t)strtoul(arg, &arg, 0) | 1u;
  const unsigned long n = strtoul(arg, NULL, 0);
  if (n == 0) return 2;

  for (unsigned long i = 0; i < n; ++i) check32(rnd(), rnd());
  report("f32 random_bits");
  for (unsigned long i = 0; i < n; ++i) {
    const uint32_t a = rnd(), ea = (a >> 23) & 0xffu;
    const uint32_t eb = near_boundary(ea, 127, 254, 24);
    check32(a, (rnd() & 0x807fffffu) | (eb << 23));
  }
  report("f32 boundaries");
  for (unsigned long i = 0; i < n; ++i) check64(rnd64(), rnd64());
  report("f64 random_bits");
  for (unsigned long i = 0; i < n; ++i) {
    const uint64_t a = rnd64();
    const uint64_t eb = near_boundary((uint32_t)(a >> 52) & 0x7ffu, 1023, 2046, 53);
    check64(a, (rnd64() & 0x800fffffffffffffu) | (eb << 52));
  }
  report("f64 boundaries");
  return mismatches == 0 ? 0 : 1;
}
