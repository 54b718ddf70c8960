// Unit checks for the signal kernels' helpers: positional FlexBuffers access
// (how TFLM reads signal options), the rounded integer square roots, the
// fixed-point log and the KISS FFT factorization.
#include "kernels/signal/signal_math.h"

#include <gtest/gtest.h>
#include <stdint.h>

#include <cmath>

#include "format/flexbuffer.h"
#include "kernels/signal/real_fft.h"

namespace {

using microml::flex::Value;

// flexbuffers.Dumps({"a_int": -5, "b_bool": True, "c_float": 1.5, "d": 300})
const uint8_t kMap[] = {
    0x61, 0x5f, 0x69, 0x6e, 0x74, 0x00, 0x62, 0x5f, 0x62, 0x6f, 0x6f, 0x6c, 0x00, 0x63, 0x5f, 0x66,
    0x6c, 0x6f, 0x61, 0x74, 0x00, 0x64, 0x00, 0x04, 0x18, 0x13, 0x0d, 0x06, 0x04, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xfb, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xc0, 0x3f, 0x2c, 0x01, 0x00, 0x00, 0x06, 0x6a, 0x0e, 0x06, 0x14, 0x26, 0x01};

// flexbuffers.Dumps([7, -2, 100000])
const uint8_t kVector[] = {0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff,
                           0xff, 0xa0, 0x86, 0x01, 0x00, 0x06, 0x06, 0x06, 0x0f, 0x2a, 0x01};

TEST(FlexBufferAt, ReadsMapEntriesInKeyOrder) {
  const Value map = Value::Root(kMap, sizeof(kMap));
  ASSERT_TRUE(map.IsMap());
  EXPECT_EQ(map.At(0).AsInt32(), -5);
  EXPECT_TRUE(map.At(0).IsIntegral());
  EXPECT_TRUE(map.At(1).AsBool());
  EXPECT_TRUE(map.At(1).IsIntegral());
  EXPECT_FALSE(map.At(2).IsIntegral());
  EXPECT_EQ(map.At(2).AsDouble(), 1.5);
  EXPECT_EQ(map.At(3).AsInt32(), 300);
  EXPECT_EQ(map.At(3).AsInt32(), map["d"].AsInt32());
  EXPECT_TRUE(map.At(4).IsNull());
}

TEST(FlexBufferAt, ReadsVectorElements) {
  const Value vector = Value::Root(kVector, sizeof(kVector));
  EXPECT_EQ(vector.At(0).AsInt32(), 7);
  EXPECT_EQ(vector.At(1).AsInt32(), -2);
  EXPECT_EQ(vector.At(2).AsInt32(), 100000);
  EXPECT_TRUE(vector.At(3).IsNull());
  EXPECT_TRUE(vector.At(0).At(0).IsNull());
}

TEST(FlexBufferAt, TruncatedBuffersReadAsNull) {
  for (size_t size = 0; size < sizeof(kMap); ++size) {
    const Value map = Value::Root(kMap + sizeof(kMap) - size, size);
    for (size_t i = 0; i < 5; ++i) {
      const Value v = map.At(i);
      (void)v.AsInt64();
      (void)v.AsDouble();
    }
  }
}

// TFLM's rounding: floor(sqrt(x)), plus one when the remainder exceeds the
// root, saturating at the top of the result type.
uint64_t ReferenceSqrt(uint64_t x, uint64_t max) {
  using Wide = unsigned __int128;
  uint64_t r = static_cast<uint64_t>(std::sqrt(static_cast<long double>(x)));
  while (static_cast<Wide>(r) * r > x) --r;
  while (static_cast<Wide>(r + 1) * (r + 1) <= x) ++r;
  if (x - r * r > r && r != max) ++r;
  return r;
}

TEST(SignalMath, RoundedSqrt32) {
  const uint32_t samples[] = {0u,     1u,       2u,          3u,          4u,
                              5u,     8u,       9u,          10u,         65535u,
                              65536u, 1u << 30, 0xFFFE0001u, 0xFFFF0000u, 0xFFFFFFFFu};
  for (uint32_t x : samples) {
    EXPECT_EQ(microml::signal::RoundedSqrt32(x), ReferenceSqrt(x, 0xFFFF)) << x;
  }
  for (uint32_t x = 0; x < 200000; x += 7) {
    ASSERT_EQ(microml::signal::RoundedSqrt32(x), ReferenceSqrt(x, 0xFFFF)) << x;
  }
}

TEST(SignalMath, RoundedSqrt64) {
  const uint64_t samples[] = {1ull << 32,           (1ull << 32) + 1,      1ull << 40,
                              (1ull << 52) + 12345, 0xFFFFFFFE00000001ull, 0xFFFFFFFFFFFFFFFFull};
  for (uint64_t x : samples) {
    EXPECT_EQ(microml::signal::RoundedSqrt64(x), ReferenceSqrt(x, 0xFFFFFFFFull)) << x;
  }
  // Below 2^32 TFLM takes the 32-bit path, which saturates at 0xFFFF.
  EXPECT_EQ(microml::signal::RoundedSqrt64(0xFFFFFFFFull), 0xFFFFu);
}

TEST(SignalMath, FixedLogTracksNaturalLog) {
  // out_scale 64: the result is 64 * ln(x), as the audio front end uses it.
  for (uint64_t x = 2; x < 0xFFFFFFFFull; x = x / 2 * 3 + 1) {
    const double want = 64.0 * std::log(static_cast<double>(x));
    EXPECT_NEAR(static_cast<double>(microml::signal::FixedLog32(static_cast<uint32_t>(x), 64)),
                want, 1.0)
        << x;
  }
}

TEST(SignalMath, FactorsLikeKissFft) {
  microml::signal::FftFactors f;
  ASSERT_TRUE(microml::signal::FactorFftLength(256, &f));
  ASSERT_EQ(f.count, 4);
  EXPECT_EQ(f.radix[0], 4);
  EXPECT_EQ(f.remaining[3], 1);
  ASSERT_TRUE(microml::signal::FactorFftLength(30, &f));
  ASSERT_EQ(f.count, 3);
  EXPECT_EQ(f.radix[0], 2);
  EXPECT_EQ(f.radix[1], 3);
  EXPECT_EQ(f.radix[2], 5);
  ASSERT_TRUE(microml::signal::FactorFftLength(8, &f));
  ASSERT_EQ(f.count, 2);
  EXPECT_EQ(f.radix[0], 4);
  EXPECT_EQ(f.radix[1], 2);
  EXPECT_FALSE(microml::signal::FactorFftLength(7, &f));
  EXPECT_FALSE(microml::signal::FactorFftLength(22, &f));
  EXPECT_FALSE(microml::signal::FactorFftLength(1, &f));
}

}  // namespace
