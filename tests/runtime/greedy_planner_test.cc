#include "plan/greedy_planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using microml::PlanBuffer;

PlanBuffer Buffer(uint32_t size, int first, int last) {
  return {size, 0, static_cast<uint16_t>(first), static_cast<uint16_t>(last)};
}

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
  std::vector<PlanBuffer> buffers = {Buffer(64, 0, 0), Buffer(64, 1, 1), Buffer(32, 2, 2)};
  EXPECT_EQ(Plan(buffers), 64u);
  ExpectNoConflicts(buffers, 64);
}

TEST(GreedyPlanner, OverlappingLifetimesStack) {
  std::vector<PlanBuffer> buffers = {Buffer(64, 0, 1), Buffer(48, 1, 2), Buffer(16, 1, 1)};
  EXPECT_EQ(Plan(buffers), 128u);
  ExpectNoConflicts(buffers, 128);
}

// A chain of layers: each output is live with its input only, so the plan is
// the largest adjacent pair.
TEST(GreedyPlanner, ChainNeedsLargestAdjacentPair) {
  std::vector<PlanBuffer> buffers;
  const uint32_t sizes[] = {96, 160, 48, 320, 32};
  for (int i = 0; i < 5; ++i) buffers.push_back(Buffer(sizes[i], i - 1 < 0 ? 0 : i - 1, i));
  EXPECT_EQ(Plan(buffers), 368u);
  ExpectNoConflicts(buffers, 368);
}

TEST(GreedyPlanner, RandomPlansNeverConflictAndCoverPeakLiveBytes) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    std::vector<PlanBuffer> buffers(1 + rng() % 40);
    for (PlanBuffer& b : buffers) {
      const int first = static_cast<int>(rng() % 30);
      b = Buffer(16 * (1 + rng() % 64), first, first + static_cast<int>(rng() % 8));
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

// The smallest region over every placement order, each buffer at the lowest
// offset that fits: the true optimum (placing an optimal plan's buffers by
// offset puts each at or below its place there).
size_t BruteForceOptimum(const std::vector<PlanBuffer>& buffers) {
  std::vector<size_t> order(buffers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  size_t best = SIZE_MAX;
  do {
    std::vector<uint32_t> offset(buffers.size());
    size_t top = 0;
    for (size_t n = 0; n < order.size(); ++n) {
      const PlanBuffer& b = buffers[order[n]];
      uint32_t at = 0;
      for (bool moved = true; moved;) {
        moved = false;
        for (size_t m = 0; m < n; ++m) {
          const PlanBuffer& o = buffers[order[m]];
          const uint32_t o_at = offset[order[m]];
          const bool same_time = b.first <= o.last && o.first <= b.last;
          if (same_time && at < o_at + o.size && o_at < at + b.size) {
            at = o_at + o.size;
            moved = true;
          }
        }
      }
      offset[order[n]] = at;
      top = std::max<size_t>(top, at + b.size);
    }
    best = std::min(best, top);
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

// Small random plans: the search must reach the optimum (its budget covers
// every order of 7 buffers).
TEST(GreedyPlanner, SmallPlansAreOptimal) {
  std::mt19937 rng(99);
  for (int round = 0; round < 300; ++round) {
    std::vector<PlanBuffer> buffers(2 + rng() % 6);
    for (PlanBuffer& b : buffers) {
      const int first = static_cast<int>(rng() % 6);
      b = Buffer(16 * (1 + rng() % 12), first, first + static_cast<int>(rng() % 4));
    }
    const size_t optimum = BruteForceOptimum(buffers);
    const size_t total = Plan(buffers);
    ExpectNoConflicts(buffers, total);
    EXPECT_EQ(total, optimum) << "round " << round;
  }
}

// Every greedy order (largest, largest area, longest lived, earliest first)
// needs 160 bytes here; 144, the most bytes alive at once, is reachable: 64
// bytes at 0 and the 48-byte buffers of operators 3-5, 3 and 2-4 at 0, 48, 96.
TEST(GreedyPlanner, SearchBeatsGreedyOrders) {
  std::vector<PlanBuffer> buffers = {Buffer(64, 0, 2), Buffer(48, 3, 5), Buffer(48, 2, 4),
                                     Buffer(48, 3, 3)};
  EXPECT_EQ(microml::PlanLowerBound(buffers.data(), 4), 144u);
  EXPECT_EQ(Plan(buffers), 144u);
  ExpectNoConflicts(buffers, 144);
}

TEST(GreedyPlanner, EmptyPlanIsZero) {
  std::vector<PlanBuffer> buffers;
  EXPECT_EQ(Plan(buffers), 0u);
}

}  // namespace
