#include "plan/greedy_planner.h"

namespace microml {

namespace {

enum class Order { kLargestFirst, kLongestLivedFirst, kAreaFirst };

bool Before(const PlanBuffer& a, uint32_t ia, const PlanBuffer& b, uint32_t ib, Order order) {
  uint64_t ka = a.size, kb = b.size;
  if (order == Order::kLongestLivedFirst) {
    ka = static_cast<uint64_t>(a.last - a.first);
    kb = static_cast<uint64_t>(b.last - b.first);
  } else if (order == Order::kAreaFirst) {
    ka = static_cast<uint64_t>(a.size) * static_cast<uint64_t>(a.last - a.first + 1);
    kb = static_cast<uint64_t>(b.size) * static_cast<uint64_t>(b.last - b.first + 1);
  }
  if (ka != kb) return ka > kb;
  if (a.size != b.size) return a.size > b.size;
  return ia < ib;
}

// Insertion sort: plans hold at most a few hundred buffers and this runs once.
void SortIndices(const PlanBuffer* buffers, uint32_t* index, uint32_t count, Order order) {
  for (uint32_t i = 0; i < count; ++i) index[i] = i;
  for (uint32_t i = 1; i < count; ++i) {
    const uint32_t v = index[i];
    uint32_t j = i;
    while (j > 0 && Before(buffers[v], v, buffers[index[j - 1]], index[j - 1], order)) {
      index[j] = index[j - 1];
      --j;
    }
    index[j] = v;
  }
}

bool Overlaps(const PlanBuffer& a, const PlanBuffer& b) {
  return a.first <= b.last && b.first <= a.last;
}

// Places buffers in `index` order, each at the lowest offset that fits between
// already placed buffers alive at the same time. `placed` holds placed buffer
// indices sorted by offset; `offsets` receives the result.
size_t PlaceInOrder(const PlanBuffer* buffers, const uint32_t* index, uint32_t count,
                    uint32_t* placed, uint32_t* offsets) {
  uint32_t num_placed = 0;
  size_t total = 0;
  for (uint32_t n = 0; n < count; ++n) {
    const uint32_t b = index[n];
    const PlanBuffer& buf = buffers[b];
    uint64_t candidate = 0;
    for (uint32_t p = 0; p < num_placed; ++p) {
      const uint32_t other = placed[p];
      if (!Overlaps(buf, buffers[other])) continue;
      const uint64_t start = offsets[other];
      const uint64_t end = start + buffers[other].size;
      if (candidate + buf.size <= start) break;
      if (end > candidate) candidate = end;
    }
    offsets[b] = static_cast<uint32_t>(candidate);
    uint32_t at = num_placed;
    while (at > 0 && offsets[placed[at - 1]] > candidate) {
      placed[at] = placed[at - 1];
      --at;
    }
    placed[at] = b;
    ++num_placed;
    if (candidate + buf.size > total) total = static_cast<size_t>(candidate + buf.size);
  }
  return total;
}

}  // namespace

size_t PlanWorkBytes(uint32_t count) {
  return static_cast<size_t>(count) * 3u * sizeof(uint32_t);
}

size_t PlanBuffers(PlanBuffer* buffers, uint32_t count, void* work) {
  uint32_t* index = static_cast<uint32_t*>(work);
  uint32_t* placed = index + count;
  uint32_t* offsets = placed + count;
  size_t best = 0;
  bool have_best = false;
  const Order orders[] = {Order::kLargestFirst, Order::kAreaFirst, Order::kLongestLivedFirst};
  for (const Order order : orders) {
    SortIndices(buffers, index, count, order);
    const size_t total = PlaceInOrder(buffers, index, count, placed, offsets);
    if (!have_best || total < best) {
      best = total;
      have_best = true;
      for (uint32_t i = 0; i < count; ++i) buffers[i].offset = offsets[i];
    }
  }
  return best;
}

}  // namespace microml
