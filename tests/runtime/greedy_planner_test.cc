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

size_t Plan(std::vector<PlanBuffer>& buffers,
            const std::vector<microml::PlanOverlap>& overlaps = {}) {
  std::vector<uint32_t> work(
      microml::PlanWorkBytes(static_cast<uint32_t>(buffers.size()), !overlaps.empty()) / 4 + 1);
  return microml::PlanBuffers(buffers.data(), static_cast<uint32_t>(buffers.size()),
                              overlaps.data(), static_cast<uint32_t>(overlaps.size()), work.data());
}

// Buffers alive at the same time never share a byte, except an overlap's
// output starting at most `lead` bytes after its input.
void ExpectNoConflicts(const std::vector<PlanBuffer>& buffers, size_t total,
                       const std::vector<microml::PlanOverlap>& overlaps = {}) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_LE(buffers[i].offset + buffers[i].size, total);
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const PlanBuffer& a = buffers[i];
      const PlanBuffer& b = buffers[j];
      const bool same_time = a.first <= b.last && b.first <= a.last;
      const bool same_space = a.offset < b.offset + b.size && b.offset < a.offset + a.size;
      bool allowed = false;
      for (const microml::PlanOverlap& o : overlaps) {
        const int64_t in = buffers[o.input].offset, out = buffers[o.output].offset;
        if ((o.input == i && o.output == j) || (o.input == j && o.output == i))
          allowed = out - in <= o.lead && (o.lead - (out - in)) % o.step == 0;
      }
      EXPECT_FALSE(same_time && same_space && !allowed) << "buffers " << i << " and " << j;
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

// A chain of window operators, each output allowed to start `lead` bytes
// after its input. The best plan: buffer 2 at 0, buffer 1 128 bytes above it
// (the most its lead allows), buffer 0 1088 bytes above buffer 1, ending at
// 1216 + 1024 = 2240 (without overlaps: 1024 + 2048).
TEST(GreedyPlanner, OverlapsShrinkAChain) {
  std::vector<PlanBuffer> buffers = {Buffer(1024, 0, 0), Buffer(2048, 0, 1), Buffer(512, 1, 2)};
  const std::vector<microml::PlanOverlap> overlaps = {{0, 1, -1024 - 64, 16}, {1, 2, -128, 16}};
  const size_t total = Plan(buffers, overlaps);
  ExpectNoConflicts(buffers, total, overlaps);
  EXPECT_EQ(total, 2240u);
  std::vector<PlanBuffer> plain = buffers;
  EXPECT_EQ(Plan(plain), 3072u);
}

// Random lifetimes and overlaps (each buffer the input of at most one and the
// output of at most one, both alive at the operator where the input dies): no
// plan breaks a rule, and none is larger than the plan without overlaps.
TEST(GreedyPlanner, RandomOverlapsNeverConflict) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const int count = 2 + static_cast<int>(rng() % 40);
    std::vector<PlanBuffer> buffers;
    for (int i = 0; i < count; ++i) {
      const int first = static_cast<int>(rng() % 20);
      const int last = first + static_cast<int>(rng() % 6);
      buffers.push_back(Buffer(16 * (1 + rng() % 64), first, last));
    }
    std::vector<microml::PlanOverlap> overlaps;
    std::vector<bool> used_in(count, false), used_out(count, false);
    for (int k = 0; k < count; ++k) {
      const int in = static_cast<int>(rng() % count), out = static_cast<int>(rng() % count);
      if (in == out || used_in[in] || used_out[out] || buffers[in].last != buffers[out].first)
        continue;
      used_in[in] = used_out[out] = true;
      const int32_t size = static_cast<int32_t>(buffers[out].size);
      const int32_t lead = -16 * static_cast<int32_t>(rng() % (size / 16 + 1));
      const uint32_t step = 16 * (1 + rng() % 4);
      overlaps.push_back({static_cast<uint16_t>(in), static_cast<uint16_t>(out), lead, step});
    }
    std::vector<PlanBuffer> plain = buffers;
    const size_t total = Plan(buffers, overlaps);
    ExpectNoConflicts(buffers, total, overlaps);
    EXPECT_LE(total, Plan(plain)) << "trial " << trial;
  }
}

TEST(GreedyPlanner, EmptyPlanIsZero) {
  std::vector<PlanBuffer> buffers;
  EXPECT_EQ(Plan(buffers), 0u);
}

}  // namespace
