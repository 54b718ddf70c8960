#include "plan/greedy_planner.h"

namespace microml {

namespace {

constexpr uint16_t kNone = 0xFFFFu;
constexpr uint32_t kUnplaced = 0xFFFFFFFFu;
// The search's cost grows with the square of the buffer count per step; past
// this many buffers it would cover too few orders to be worth its setup time.
constexpr uint32_t kMaxSearchBuffers = 200;
// Inner-loop steps the search may take: a few milliseconds on a host, a
// fraction of a second on a 100 MHz Cortex-M4, spent once at setup.
constexpr uint32_t kSearchBudget = 1u << 21;

// kLargestLateFirst breaks ties between equal sizes the other way: the two
// often differ on graphs of many equal small tensors.
enum class Order {
  kLargestFirst,
  kLargestLateFirst,
  kAreaFirst,
  kLongestLivedFirst,
  kEarliestFirst,
  kLatestEndFirst
};

// Work memory: the 32-bit arrays first, so that all stay aligned.
struct Work {
  uint32_t* offsets;
  uint32_t* live;  // search: unplaced bytes alive at each buffer's first operator
  uint32_t* top;   // search: region size once `depth + 1` buffers are placed
  uint16_t* order;
  uint16_t* placed;  // placed buffers by offset
  uint16_t* cursor;  // search: next position in `order` to try at each depth
  uint16_t* twin;    // search: an identical buffer of lower index, or kNone
};

Work CarveWork(void* memory, uint32_t count) {
  Work w;
  w.offsets = static_cast<uint32_t*>(memory);
  w.live = w.offsets + count;
  w.top = w.live + count;
  w.order = reinterpret_cast<uint16_t*>(w.top + count);
  w.placed = w.order + count;
  w.cursor = w.placed + count;
  w.twin = w.cursor + count;
  return w;
}

uint64_t Key(const PlanBuffer& b, Order order) {
  const uint64_t span = static_cast<uint64_t>(b.last - b.first) + 1;
  switch (order) {
    case Order::kLargestFirst:
    case Order::kLargestLateFirst:
      return b.size;
    case Order::kAreaFirst:
      return b.size * span;
    case Order::kLongestLivedFirst:
      return span;
    case Order::kEarliestFirst:
      return 0xFFFFu - b.first;
    case Order::kLatestEndFirst:
      return b.last;
  }
  return 0;
}

bool Before(const PlanBuffer* buffers, uint32_t ia, uint32_t ib, Order order) {
  const PlanBuffer& a = buffers[ia];
  const PlanBuffer& b = buffers[ib];
  const uint64_t ka = Key(a, order), kb = Key(b, order);
  if (ka != kb) return ka > kb;
  if (a.size != b.size) return a.size > b.size;
  return order == Order::kLargestLateFirst ? ia > ib : ia < ib;
}

// Insertion sort: plans hold at most a few hundred buffers and this runs once.
void SortIndices(const PlanBuffer* buffers, uint16_t* index, uint32_t count, Order order) {
  for (uint32_t i = 0; i < count; ++i) index[i] = static_cast<uint16_t>(i);
  for (uint32_t i = 1; i < count; ++i) {
    const uint16_t v = index[i];
    uint32_t j = i;
    while (j > 0 && Before(buffers, v, index[j - 1], order)) {
      index[j] = index[j - 1];
      --j;
    }
    index[j] = v;
  }
}

bool Overlaps(const PlanBuffer& a, const PlanBuffer& b) {
  return a.first <= b.last && b.first <= a.last;
}

bool AliveAt(const PlanBuffer& b, uint32_t op) {
  return b.first <= op && op <= b.last;
}

// The lowest offset at or above `from` where `buf` overlaps no placed buffer
// alive at the same time. `placed` is sorted by offset.
uint64_t LowestFit(const PlanBuffer* buffers, const PlanBuffer& buf, const uint16_t* placed,
                   uint32_t num_placed, const uint32_t* offsets, uint64_t from) {
  uint64_t candidate = from;
  for (uint32_t p = 0; p < num_placed; ++p) {
    const uint32_t other = placed[p];
    if (!Overlaps(buf, buffers[other])) continue;
    const uint64_t start = offsets[other];
    const uint64_t end = start + buffers[other].size;
    if (candidate + buf.size <= start) break;
    if (end > candidate) candidate = end;
  }
  return candidate;
}

// Places buffers in `w.order`, each at the lowest offset that fits.
size_t PlaceInOrder(const PlanBuffer* buffers, uint32_t count, const Work& w) {
  uint32_t num_placed = 0;
  size_t total = 0;
  for (uint32_t n = 0; n < count; ++n) {
    const uint16_t b = w.order[n];
    const uint64_t candidate = LowestFit(buffers, buffers[b], w.placed, num_placed, w.offsets, 0);
    w.offsets[b] = static_cast<uint32_t>(candidate);
    uint32_t at = num_placed;
    while (at > 0 && w.offsets[w.placed[at - 1]] > candidate) {
      w.placed[at] = w.placed[at - 1];
      --at;
    }
    w.placed[at] = b;
    ++num_placed;
    if (candidate + buffers[b].size > total)
      total = static_cast<size_t>(candidate + buffers[b].size);
  }
  return total;
}

void AddLive(const PlanBuffer* buffers, uint32_t count, uint32_t b, bool add, uint32_t* live) {
  for (uint32_t p = 0; p < count; ++p) {
    if (!AliveAt(buffers[b], buffers[p].first)) continue;
    live[p] = add ? live[p] + buffers[b].size : live[p] - buffers[b].size;
  }
}

// Depth-first search over placement orders in which every buffer goes at the
// lowest offset that fits at or above the previous buffer's: some such order
// rebuilds any optimal plan (place an optimal plan's buffers by offset; each
// lands no higher than in it), so the search is exact when it runs to the end.
// Ties at one offset are tried by index only, and of identical buffers the
// lower index goes first. A branch is cut when the unplaced bytes alive during
// one operator, stacked from its offset, cannot beat the best plan so far.
size_t Search(PlanBuffer* buffers, uint32_t count, const Work& w, size_t best, size_t bound) {
  for (uint32_t i = 0; i < count; ++i) {
    w.offsets[i] = kUnplaced;
    w.twin[i] = kNone;
    w.live[i] = 0;
    for (uint32_t j = 0; j < i; ++j) {
      const PlanBuffer& a = buffers[i];
      const PlanBuffer& b = buffers[j];
      if (a.size == b.size && a.first == b.first && a.last == b.last)
        w.twin[i] = static_cast<uint16_t>(j);
    }
  }
  for (uint32_t b = 0; b < count; ++b) AddLive(buffers, count, b, true, w.live);
  uint32_t steps = 0;
  uint32_t depth = 0;
  w.cursor[0] = 0;
  while (steps < kSearchBudget) {
    const uint64_t from = depth == 0 ? 0 : w.offsets[w.placed[depth - 1]];
    const uint32_t previous = depth == 0 ? kUnplaced : w.placed[depth - 1];
    const uint64_t top = depth == 0 ? 0 : w.top[depth - 1];
    // The unplaced buffers all go at or above the next one placed.
    uint32_t most_live = 0;
    for (uint32_t p = 0; p < count; ++p) {
      if (w.live[p] > most_live) most_live = w.live[p];
    }
    steps += count;
    if (from + most_live >= best) w.cursor[depth] = static_cast<uint16_t>(count);
    bool descended = false;
    while (w.cursor[depth] < count) {
      const uint16_t c = w.order[w.cursor[depth]++];
      if (w.offsets[c] != kUnplaced) continue;
      if (w.twin[c] != kNone && w.offsets[w.twin[c]] == kUnplaced) continue;
      steps += depth + 1;
      const uint64_t fit = LowestFit(buffers, buffers[c], w.placed, depth, w.offsets, from);
      if (fit == from && previous != kUnplaced && c < previous) continue;
      const uint64_t end = fit + buffers[c].size;
      const uint64_t new_top = end > top ? end : top;
      if (new_top >= best || fit + most_live >= best) continue;
      if (depth + 1 == count) {
        best = static_cast<size_t>(new_top);
        w.offsets[c] = static_cast<uint32_t>(fit);
        for (uint32_t i = 0; i < count; ++i) buffers[i].offset = w.offsets[i];
        w.offsets[c] = kUnplaced;
        if (best <= bound) return best;
        continue;
      }
      w.offsets[c] = static_cast<uint32_t>(fit);
      w.placed[depth] = c;
      w.top[depth] = static_cast<uint32_t>(new_top);
      AddLive(buffers, count, c, false, w.live);
      steps += count;
      ++depth;
      w.cursor[depth] = 0;
      descended = true;
      break;
    }
    if (descended) continue;
    if (depth == 0) break;
    --depth;
    const uint16_t c = w.placed[depth];
    w.offsets[c] = kUnplaced;
    AddLive(buffers, count, c, true, w.live);
    steps += count;
  }
  return best;
}

}  // namespace

size_t PlanWorkBytes(uint32_t count) {
  return static_cast<size_t>(count) * (3u * sizeof(uint32_t) + 4u * sizeof(uint16_t));
}

size_t PlanLowerBound(const PlanBuffer* buffers, uint32_t count) {
  // The most bytes alive at once are alive at some buffer's first operator.
  size_t most = 0;
  for (uint32_t p = 0; p < count; ++p) {
    size_t live = 0;
    for (uint32_t b = 0; b < count; ++b) {
      if (AliveAt(buffers[b], buffers[p].first)) live += buffers[b].size;
    }
    if (live > most) most = live;
  }
  return most;
}

size_t PlanBuffers(PlanBuffer* buffers, uint32_t count, void* work) {
  if (count == 0) return 0;
  const Work w = CarveWork(work, count);
  const size_t bound = PlanLowerBound(buffers, count);
  size_t best = 0;
  Order best_order = Order::kLargestFirst;
  const Order orders[] = {Order::kLargestFirst,  Order::kLargestLateFirst,
                          Order::kAreaFirst,     Order::kLongestLivedFirst,
                          Order::kEarliestFirst, Order::kLatestEndFirst};
  for (const Order order : orders) {
    SortIndices(buffers, w.order, count, order);
    const size_t total = PlaceInOrder(buffers, count, w);
    if (order == Order::kLargestFirst || total < best) {
      best = total;
      best_order = order;
      for (uint32_t i = 0; i < count; ++i) buffers[i].offset = w.offsets[i];
    }
    if (best <= bound) return best;
  }
  if (count > kMaxSearchBuffers) return best;
  // The search tries candidates in the best greedy order first.
  SortIndices(buffers, w.order, count, best_order);
  return Search(buffers, count, w, best, bound);
}

}  // namespace microml
