// QuantizeChannelScale on every core (integers where the FPU has no double
// precision, QuantizeMultiplier's bit-reading fast path elsewhere) against the
// formula both reproduce: TFLM's QuantizeMultiplier, frexp and round, applied
// to double(input) * double(filter) / double(output).
#include "kernels/channel_scale.h"

#include <gtest/gtest.h>
#include <string.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/quantization.h"

namespace {

void TflmQuantizeMultiplier(double real, int32_t* multiplier, int* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(real, shift);
  int64_t fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (fixed == (1LL << 31)) {
    fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    fixed = 0;
  }
  *multiplier = static_cast<int32_t>(fixed);
}

void ExpectMultiplier(double real) {
  int32_t want_m = 0, got_m = 0;
  int want_s = 0, got_s = 0;
  TflmQuantizeMultiplier(real, &want_m, &want_s);
  microml::QuantizeMultiplier(real, &got_m, &got_s);
  ASSERT_EQ(got_m, want_m) << real;
  ASSERT_EQ(got_s, want_s) << real;
}

void Expect(float input, float filter, float output) {
  const double real =
      static_cast<double>(input) * static_cast<double>(filter) / static_cast<double>(output);
  int32_t want_m = 0, got_m = 0;
  int want_s = 0, got_s = 0;
  TflmQuantizeMultiplier(real, &want_m, &want_s);
  microml::QuantizeChannelScaleInIntegers(input, filter, output, &got_m, &got_s);
  ASSERT_EQ(got_m, want_m) << input << " " << filter << " " << output;
  ASSERT_EQ(got_s, want_s) << input << " " << filter << " " << output;
  ExpectMultiplier(real);
}

float FromBits(uint32_t bits) {
  float x = 0;
  memcpy(&x, &bits, sizeof(x));
  return x;
}

// Any positive finite float, subnormals included.
float AnyScale(std::mt19937& rng) {
  for (;;) {
    const float x = FromBits(static_cast<uint32_t>(rng()) & 0x7FFFFFFFu);
    if (std::isfinite(x) && x > 0) return x;
  }
}

TEST(ChannelScale, AnyFloats) {
  std::mt19937 rng(1);
  for (int i = 0; i < 2000000; ++i) Expect(AnyScale(rng), AnyScale(rng), AnyScale(rng));
}

// Scales as converters write them: 1e-5 to 1 for weights, 1e-3 to 1 for
// activations.
TEST(ChannelScale, TypicalScales) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> weight(-5.0f, 0.0f), activation(-3.0f, 0.0f);
  for (int i = 0; i < 2000000; ++i) {
    Expect(std::pow(10.0f, activation(rng)), std::pow(10.0f, weight(rng)),
           std::pow(10.0f, activation(rng)));
  }
}

// Short mantissas and a power-of-two output give exact quotients, where both
// roundings meet their ties: the halfway cases of the 31-bit rounding and
// quotients that need no 53-bit rounding at all.
TEST(ChannelScale, TiesAndExactQuotients) {
  std::mt19937 rng(3);
  for (int i = 0; i < 2000000; ++i) {
    const uint32_t a = 0x3F800000u | ((static_cast<uint32_t>(rng()) & 0xFFFu) << 11);
    const uint32_t f = (static_cast<uint32_t>(rng() % 200 + 1) << 23) |
                       ((static_cast<uint32_t>(rng()) & 0x3FFFu) << 9);
    const uint32_t o = static_cast<uint32_t>(rng() % 254 + 1) << 23;
    Expect(FromBits(a), FromBits(f), FromBits(o));
    Expect(FromBits(a), FromBits(f), FromBits(o | (static_cast<uint32_t>(rng()) & 0x7u)));
  }
}

// Where the result leaves QuantizeMultiplier's range: below 2^-31 it is zero.
TEST(ChannelScale, Extremes) {
  const float values[] = {FromBits(1),
                          FromBits(0x007FFFFF),
                          FromBits(0x00800000),
                          1e-30f,
                          1e-10f,
                          0.5f,
                          1.0f,
                          3.0f,
                          1e10f,
                          1e30f,
                          FromBits(0x7F7FFFFF)};
  for (float a : values) {
    for (float f : values) {
      for (float o : values) Expect(a, f, o);
    }
  }
}

// A whole operator's channels at once, as recomputed scales run them: the
// integer version (every core here, so that the host checks what the M4 runs)
// and the one this core runs, against the formula channel by channel.
TEST(ChannelScale, WholeOperators) {
  std::mt19937 rng(5);
  // Wide scales too, within what setup accepts (shifts held in a byte).
  std::uniform_real_distribution<float> weight(-5.0f, 0.0f), wide(-12.0f, 2.0f),
      activation(-3.0f, 0.0f);
  for (int op = 0; op < 2000; ++op) {
    const float input = std::pow(10.0f, activation(rng));
    const float output = std::pow(10.0f, activation(rng));
    std::vector<float> filters(1 + rng() % 300);
    for (float& f : filters) f = std::pow(10.0f, op % 3 == 0 ? wide(rng) : weight(rng));
    const microml::VectorRef<float> scales(reinterpret_cast<const uint8_t*>(filters.data()),
                                           static_cast<uint32_t>(filters.size()));
    std::vector<int32_t> multiplier(filters.size()), fast_multiplier(filters.size());
    std::vector<int8_t> shift(filters.size()), fast_shift(filters.size());
    microml::QuantizeChannelScalesInIntegers(input, scales, output, multiplier.data(),
                                             shift.data());
    microml::QuantizeChannelScales(input, scales, output, fast_multiplier.data(),
                                   fast_shift.data());
    for (size_t c = 0; c < filters.size(); ++c) {
      int32_t want_m = 0;
      int want_s = 0;
      TflmQuantizeMultiplier(static_cast<double>(input) * static_cast<double>(filters[c]) /
                                 static_cast<double>(output),
                             &want_m, &want_s);
      ASSERT_EQ(multiplier[c], want_m) << input << " " << filters[c] << " " << output;
      ASSERT_EQ(shift[c], want_s) << input << " " << filters[c] << " " << output;
      ASSERT_EQ(fast_multiplier[c], want_m) << input << " " << filters[c] << " " << output;
      ASSERT_EQ(fast_shift[c], want_s) << input << " " << filters[c] << " " << output;
    }
  }
}

// QuantizeMultiplier takes any double (other kernels' effective scales):
// negative, subnormal and zero values leave the fast path and must still agree.
TEST(ChannelScale, AnyDoubles) {
  std::mt19937_64 rng(4);
  for (int i = 0; i < 2000000; ++i) {
    uint64_t bits = rng();
    if (i % 4 == 0) bits &= 0x800FFFFFFFFFFFFFull;  // subnormals and zeros
    double real = 0;
    memcpy(&real, &bits, sizeof(real));
    if (std::isfinite(real)) ExpectMultiplier(real);
  }
  // Around the 31-bit rounding's carry into the next power of two, and the
  // smallest results kept.
  for (const double real :
       {0.5, 1.0, -1.0, 0x1.fffffffffffffp-1, 0x1.ffffffffp-1, 0x1.fffffffe00001p-1,
        -0x1.fffffffe00001p-1, 0x1p-32, 0x1.ffffffffffffep-33, 0x1p-1022}) {
    ExpectMultiplier(real);
  }
}

}  // namespace
