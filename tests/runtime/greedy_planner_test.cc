#include "plan/greedy_planner.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace {

using microml::PlanBuffer;

size_t Plan(std::vector<PlanBuffer>& buffers) {
  std::vector<uint32_t> work(microml::PlanWorkBytes(static_cast<uint32_t>(buffers.size())) / 4 + 1);
  return microml::PlanBuffers(buffers.data(), static_cast<uint32_t>(buffers.size()), work.data());
}

void ExpectNoConflicts(const std::vector<PlanBuffer>& buffers, size_t total) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_LE(buffers[i].offset + buffers[i].size, total);
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const PlanBuffer& a = buffers[i];
      const PlanBuffer& b = buffers[j];
      const bool same_time = a.first <= b.last && b.first <= a.last;
      const bool same_space = a.offset < b.offset + b.size && b.offset < a.offset + a.size;
      EXPECT_FALSE(same_time && same_space) << "buffers " << i << " and " << j;
    }
  }
}

TEST(GreedyPlanner, DisjointLifetimesShareMemory) {
  std::vector<PlanBuffer> buffers = {{64, 0, 0, 0}, {64, 1, 1, 0}, {32, 2, 2, 0}};
  EXPECT_EQ(Plan(buffers), 64u);
  ExpectNoConflicts(buffers, 64);
}

TEST(GreedyPlanner, OverlappingLifetimesStack) {
  std::vector<PlanBuffer> buffers = {{64, 0, 1, 0}, {48, 1, 2, 0}, {16, 1, 1, 0}};
  EXPECT_EQ(Plan(buffers), 128u);
  ExpectNoConflicts(buffers, 128);
}

// A chain of layers: each output is live with its input only, so the plan is
// the largest adjacent pair.
TEST(GreedyPlanner, ChainNeedsLargestAdjacentPair) {
  std::vector<PlanBuffer> buffers;
  const uint32_t sizes[] = {96, 160, 48, 320, 32};
  for (int i = 0; i < 5; ++i) buffers.push_back({sizes[i], i - 1 < 0 ? 0 : i - 1, i, 0});
  EXPECT_EQ(Plan(buffers), 368u);
  ExpectNoConflicts(buffers, 368);
}

TEST(GreedyPlanner, RandomPlansNeverConflictAndCoverPeakLiveBytes) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    std::vector<PlanBuffer> buffers(1 + rng() % 40);
    for (PlanBuffer& b : buffers) {
      b.size = 16 * (1 + rng() % 64);
      b.first = static_cast<int32_t>(rng() % 30);
      b.last = b.first + static_cast<int32_t>(rng() % 8);
      b.offset = 0;
    }
    const size_t total = Plan(buffers);
    ExpectNoConflicts(buffers, total);
    for (int32_t t = 0; t < 40; ++t) {
      size_t live = 0;
      for (const PlanBuffer& b : buffers) live += (b.first <= t && t <= b.last) ? b.size : 0;
      EXPECT_GE(total, live);
    }
  }
}

TEST(GreedyPlanner, EmptyPlanIsZero) {
  std::vector<PlanBuffer> buffers;
  EXPECT_EQ(Plan(buffers), 0u);
}

}  // namespace
