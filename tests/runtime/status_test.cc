#include "microml/status.h"

#include <gtest/gtest.h>
#include <stdint.h>

namespace {

TEST(ErrorMessage, FormatsTheSupportedConversions) {
  microml::ErrorMessage m;
  EXPECT_EQ(m.Set(microml::Status::kArenaTooSmall, "need %zu, given %u, %d %s %c %x %lld %%",
                  static_cast<size_t>(123456), 99u, -5, "abc", 'z', 255u, -9000000000LL),
            microml::Status::kArenaTooSmall);
  EXPECT_STREQ(m.text(), "need 123456, given 99, -5 abc z ff -9000000000 %");
}

TEST(ErrorMessage, TruncatesWithoutOverflow) {
  char small[8];
  const size_t n = microml::FormatTextF(small, sizeof(small), "%s", "0123456789");
  EXPECT_EQ(n, 10u);
  EXPECT_STREQ(small, "0123456");
}

TEST(ErrorMessage, MostNegativeInt) {
  char out[32];
  microml::FormatTextF(out, sizeof(out), "%d", INT32_MIN);
  EXPECT_STREQ(out, "-2147483648");
}

}  // namespace
