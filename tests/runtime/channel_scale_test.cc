// QuantizeChannelScaleInIntegers (what cores without double-precision
// hardware run) against the formula it reproduces, TFLM's
// QuantizeMultiplier(double(input) * double(filter) / double(output)).
#include <gtest/gtest.h>
#include <string.h>

#include <cmath>
#include <random>

#include "kernels/quantization.h"

namespace {

void Expect(float input, float filter, float output) {
  int32_t want_m = 0, got_m = 0;
  int want_s = 0, got_s = 0;
  microml::QuantizeMultiplier(
      static_cast<double>(input) * static_cast<double>(filter) / static_cast<double>(output),
      &want_m, &want_s);
  microml::QuantizeChannelScaleInIntegers(input, filter, output, &got_m, &got_s);
  ASSERT_EQ(got_m, want_m) << input << " " << filter << " " << output;
  ASSERT_EQ(got_s, want_s) << input << " " << filter << " " << output;
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

}  // namespace
