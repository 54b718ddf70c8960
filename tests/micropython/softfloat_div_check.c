// Host check of micropython/natmod/ml_softfloat_armv6m.c: its divisions,
// renamed, against the host's IEEE-754 hardware division (SSE on x86-64,
// round to nearest even, no flush to zero), bit for bit; any NaN stands
// for any NaN.
//
//   softfloat_div_check SEED N   (N random operand pairs per class and width)
//
// Prints one line per width and class: checks, mismatches; exits 1 on a
// mismatch.
#define ML_SOFTFLOAT_NAME(name) host##name
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ml_softfloat_armv6m.c"

static uint64_t rng_state;

// splitmix64
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static int64_t rnd_range(int64_t lo, int64_t hi) {
  return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

// A binary format: precision p (significand bits with the hidden one),
// exponent bits, and the integer scaling range: A * 2^x is representable for
// an integer A of at most p bits iff min_x <= x and bitlen(A) + x <= max_top.
typedef struct {
  const char* name;
  int p;
  int exp_bits;
  int bias;
  int min_x;
  int max_top;
} Format;

static const Format kF32 = {"f32", 24, 8, 127, -149, 128};
static const Format kF64 = {"f64", 53, 11, 1023, -1074, 1024};

static uint64_t sign_bit(const Format* f) {
  return UINT64_C(1) << (f->p - 1 + f->exp_bits);
}

static uint64_t make(const Format* f, uint64_t sign, uint64_t biased_exp, uint64_t fraction) {
  return (sign ? sign_bit(f) : 0u) | (biased_exp << (f->p - 1)) |
         (fraction & ((UINT64_C(1) << (f->p - 1)) - 1u));
}

static int bitlen(uint64_t v) {
  return v == 0 ? 0 : 64 - __builtin_clzll(v);
}

// A * 2^x, exactly, or 0 when that is not representable.
static int scaled(const Format* f, uint64_t a, int x, uint64_t* bits) {
  if (a == 0 || bitlen(a) > f->p || x < f->min_x || bitlen(a) + x > f->max_top) {
    return 0;
  }
  if (f->p == 24) {
    const ml_f32_bits v = {.f = ldexpf((float)a, x)};
    *bits = v.u;
  } else {
    const ml_f64_bits v = {.f = ldexp((double)a, x)};
    *bits = v.u;
  }
  return 1;
}

static uint64_t checked, mismatches;

static void check(const Format* f, uint64_t a, uint64_t b) {
  uint64_t want, got;
  int nan_want, nan_got;
  if (f->p == 24) {
    const ml_f32_bits x = {.u = (uint32_t)a}, y = {.u = (uint32_t)b};
    const ml_f32_bits w = {.f = x.f / y.f}, g = {.f = host__aeabi_fdiv(x.f, y.f)};
    want = w.u;
    got = g.u;
    nan_want = isnan(w.f);
    nan_got = isnan(g.f);
  } else {
    const ml_f64_bits x = {.u = a}, y = {.u = b};
    const ml_f64_bits w = {.f = x.f / y.f}, g = {.f = host__aeabi_ddiv(x.f, y.f)};
    want = w.u;
    got = g.u;
    nan_want = isnan(w.f);
    nan_got = isnan(g.f);
  }
  ++checked;
  if (nan_want ? nan_got : want == got) {
    return;
  }
  if (++mismatches <= 20) {
    printf("MISMATCH %s %016llx / %016llx: want %016llx got %016llx\n", f->name,
           (unsigned long long)a, (unsigned long long)b, (unsigned long long)want,
           (unsigned long long)got);
  }
}

static uint64_t random_sign(const Format* f) {
  return rnd() & sign_bit(f);
}

// Uniform bit patterns: mostly normal numbers, some NaNs and infinities.
static void class_random_bits(const Format* f, long n) {
  const uint64_t mask = (sign_bit(f) << 1) - 1u;
  for (long i = 0; i < n; ++i) {
    check(f, rnd() & mask, rnd() & mask);
  }
}

// Every pair of special and extreme values, both signs.
static void class_specials(const Format* f) {
  const uint64_t e_max = (UINT64_C(1) << f->exp_bits) - 1u;
  const uint64_t frac_all = (UINT64_C(1) << (f->p - 1)) - 1u;
  const uint64_t quiet = UINT64_C(1) << (f->p - 2);
  const uint64_t values[] = {
      make(f, 0, 0, 0),                 // zero
      make(f, 0, 0, 1),                 // smallest subnormal
      make(f, 0, 0, 2),                 //
      make(f, 0, 0, 3),                 //
      make(f, 0, 0, quiet),             // half the smallest normal
      make(f, 0, 0, frac_all),          // largest subnormal
      make(f, 0, 1, 0),                 // smallest normal
      make(f, 0, 1, 1),                 //
      make(f, 0, 2, 0),                 //
      make(f, 0, f->bias - 1, 0),       // 0.5
      make(f, 0, f->bias, 0),           // 1
      make(f, 0, f->bias, 1),           // 1 + ulp
      make(f, 0, f->bias, frac_all),    // 2 - ulp
      make(f, 0, f->bias + 1, 0),       // 2
      make(f, 0, f->bias + 1, quiet),   // 3
      make(f, 0, f->bias + f->p, 0),    // 2^p
      make(f, 0, e_max - 1, 0),         // 2^emax
      make(f, 0, e_max - 1, frac_all),  // largest finite
      make(f, 0, e_max - 2, frac_all),  //
      make(f, 0, e_max, 0),             // infinity
      make(f, 0, e_max, quiet),         // quiet NaN
      make(f, 0, e_max, 1),             // signalling NaN
      make(f, 0, e_max, frac_all),      // NaN, all payload bits
  };
  const size_t count = sizeof values / sizeof values[0];
  for (size_t i = 0; i < count; ++i) {
    for (size_t j = 0; j < count; ++j) {
      for (int s = 0; s < 4; ++s) {
        check(f, values[i] | ((s & 1) ? sign_bit(f) : 0u),
              values[j] | ((s & 2) ? sign_bit(f) : 0u));
      }
    }
  }
}

// A random fraction, sometimes with its low or high bits clear.
static uint64_t random_fraction(const Format* f) {
  uint64_t frac = rnd() & ((UINT64_C(1) << (f->p - 1)) - 1u);
  switch (rnd() % 4) {
    case 0:
      return frac & ~((UINT64_C(1) << rnd_range(0, f->p - 1)) - 1u);
    case 1:
      return frac >> rnd_range(0, f->p - 1);
    default:
      return frac;
  }
}

// Quotients near the subnormal range and near overflow, and subnormal
// operands: the operands' exponents are picked so that the quotient's
// biased exponent is within a few of 1 - p .. 1 or of the largest one.
static void class_boundaries(const Format* f, long n) {
  const int64_t e_top = (INT64_C(1) << f->exp_bits) - 2;
  for (long i = 0; i < n;) {
    int64_t target;
    switch (rnd() % 3) {
      case 0:
        target = rnd_range(-f->p - 3, 3);
        break;
      case 1:
        target = rnd_range(e_top - 2, e_top + 2);
        break;
      default:
        target = rnd_range(-f->p - 3, e_top + 2);
        break;
    }
    const int64_t ea = rnd() % 8 == 0 ? 0 : rnd_range(0, e_top);
    const int64_t eb = ea - target + f->bias + rnd_range(-1, 1);
    if (eb < 0 || eb > e_top) {
      continue;
    }
    const uint64_t fa = random_fraction(f), fb = random_fraction(f);
    check(f, make(f, rnd() & 1, (uint64_t)ea, fa), make(f, rnd() & 1, (uint64_t)eb, fb));
    ++i;
  }
}

// Operands at random scales with b = B 2^xb, a = A 2^xa, A and B integers:
// picks xb so that both are representable, 0 when there is none in a try.
static int place(const Format* f, uint64_t A, uint64_t B, int x_diff, uint64_t* a, uint64_t* b) {
  for (int tries = 0; tries < 8; ++tries) {
    const int xb = (int)rnd_range(f->min_x, f->max_top - 1);
    if (scaled(f, A, xb + x_diff, a) && scaled(f, B, xb, b)) {
      *a |= random_sign(f);
      *b |= random_sign(f);
      return 1;
    }
  }
  return 0;
}

// Exact quotients: a = q b with q and b short enough for the product to be
// exact, at any scale, subnormal quotients included.
static void class_exact(const Format* f, long n) {
  for (long i = 0; i < n;) {
    const int q_bits = (int)rnd_range(1, f->p - 1);
    const uint64_t Q = (rnd() >> (64 - q_bits)) | 1u;
    const uint64_t B = (rnd() >> (64 - (f->p - q_bits))) | (UINT64_C(1) << (f->p - q_bits - 1));
    const int xq = (int)rnd_range(f->min_x - 2, f->max_top);
    uint64_t a, b;
    if (place(f, Q * B, B, xq, &a, &b)) {
      check(f, a, b);
      ++i;
    }
  }
}

// Quotients a hair from a rounding midpoint (a quotient of two floats is
// never exactly one). With B odd and m = t / B mod 2^(P+1) for a small t,
// A = (m B - t) / 2^(P+1) is an integer and A / B = (m - t / B) / 2^(P+1):
// |t| / B away from m, which for odd m with P+1 bits is the midpoint
// between two P-bit significands. P = p gives midpoints of normal results;
// scaling the quotient to m 2^(min_x - 1) gives those of subnormal results.
static void class_midpoints(const Format* f, long n) {
  for (long i = 0; i < n;) {
    const int P = rnd() % 2 ? f->p : (int)rnd_range(1, f->p);
    const uint64_t B = (rnd() >> (64 - f->p)) | (UINT64_C(1) << (f->p - 1)) | 1u;
    uint64_t inv = B;  // Newton's iteration doubles the correct low bits.
    for (int k = 0; k < 6; ++k) {
      inv *= 2u - B * inv;
    }
    const int64_t t =
        rnd() % 4 == 0 ? rnd_range(-1000, 1000) : (rnd() % 2 ? 1 : -1) * rnd_range(1, 3);
    if (t == 0) {
      continue;
    }
    const uint64_t modulus_mask = (UINT64_C(1) << (P + 1)) - 1u;
    const uint64_t m = ((uint64_t)t * inv) & modulus_mask;
    const __int128 numerator = (__int128)((unsigned __int128)m * B) - t;
    if (numerator <= 0) {
      continue;
    }
    if ((numerator & modulus_mask) != 0) {
      printf("internal error: %llu B does not give %lld mod 2^%d\n", (unsigned long long)m,
             (long long)t, P + 1);
      exit(2);
    }
    const uint64_t A = (uint64_t)(numerator >> (P + 1));
    const int x_diff =
        rnd() % 2 ? P + 1 + f->min_x - 1 : (int)rnd_range(f->min_x, f->max_top) + P + 1 - f->p;
    uint64_t a, b;
    if (place(f, A, B, x_diff, &a, &b)) {
      check(f, a, b);
      ++i;
    }
  }
}

static uint64_t checked_before, mismatches_before;

static void report(const Format* f, const char* what) {
  printf("%s %s %llu %llu\n", f->name, what, (unsigned long long)(checked - checked_before),
         (unsigned long long)(mismatches - mismatches_before));
  checked_before = checked;
  mismatches_before = mismatches;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SEED N\n", argv[0]);
    return 2;
  }
  rng_state = strtoull(argv[1], NULL, 0);
  const long n = strtol(argv[2], NULL, 0);
  const Format* formats[] = {&kF32, &kF64};
  for (int k = 0; k < 2; ++k) {
    const Format* f = formats[k];
    class_specials(f);
    report(f, "specials");
    class_random_bits(f, n);
    report(f, "random_bits");
    class_boundaries(f, n);
    report(f, "boundaries");
    class_exact(f, n);
    report(f, "exact");
    class_midpoints(f, n);
    report(f, "midpoints");
  }
  printf("checked %llu mismatches %llu\n", (unsigned long long)checked,
         (unsigned long long)mismatches);
  return mismatches == 0 ? 0 : 1;
}
