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
  uint32_t* kept;  // with overlaps: the offsets of the plan that uses them
  uint16_t* order;
  uint16_t* placed;  // placed buffers by offset
  uint16_t* cursor;  // search: next position in `order` to try at each depth
  uint16_t* twin;    // search: an identical buffer of lower index, or kNone
  // With overlaps: per buffer, the overlap it is the input / output of, or kNone.
  uint16_t* as_input;
  uint16_t* as_output;
};

Work CarveWork(void* memory, uint32_t count, bool overlaps) {
  Work w;
  w.offsets = static_cast<uint32_t*>(memory);
  w.live = w.offsets + count;
  w.top = w.live + count;
  w.kept = overlaps ? w.top + count : nullptr;
  w.order = reinterpret_cast<uint16_t*>(overlaps ? w.kept + count : w.top + count);
  w.placed = w.order + count;
  w.cursor = w.placed + count;
  w.twin = w.cursor + count;
  w.as_input = overlaps ? w.twin + count : nullptr;
  w.as_output = overlaps ? w.as_input + count : nullptr;
  return w;
}

// What placement sees: the buffers and the overlaps allowed between them.
struct Problem {
  const PlanBuffer* buffers;
  uint32_t count;
  const PlanOverlap* overlaps;  // nullptr when there are none
};

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

// The lowest offset at or above `from` where buffer `b` overlaps no placed
// buffer alive at the same time, ignoring its overlap partners. `placed` is
// sorted by offset.
uint64_t LowestPlainFit(const Problem& p, uint32_t b, const uint16_t* placed, uint32_t num_placed,
                        const Work& w, uint64_t from) {
  const PlanBuffer& buf = p.buffers[b];
  const uint32_t partner_in =
      p.overlaps != nullptr && w.as_output[b] != kNone ? p.overlaps[w.as_output[b]].input : kNone;
  const uint32_t partner_out =
      p.overlaps != nullptr && w.as_input[b] != kNone ? p.overlaps[w.as_input[b]].output : kNone;
  uint64_t candidate = from;
  for (uint32_t i = 0; i < num_placed; ++i) {
    const uint32_t other = placed[i];
    if (other == partner_in || other == partner_out || !Overlaps(buf, p.buffers[other])) continue;
    const uint64_t start = w.offsets[other];
    const uint64_t end = start + p.buffers[other].size;
    if (candidate + buf.size <= start) break;
    if (end > candidate) candidate = end;
  }
  return candidate;
}

// Where `candidate` must move up to for buffer `b` to sit beside placed
// buffer `other` as overlap `o` allows (`b` is its output when `as_output`),
// or `candidate` itself when it already may. Overlapping, the output starts
// `o.lead` bytes after the input or a whole number of steps below that.
uint64_t PartnerFit(const Problem& p, uint32_t b, uint32_t other, const PlanOverlap& o,
                    bool as_output, const Work& w, uint64_t candidate) {
  if (w.offsets[other] == kUnplaced) return candidate;
  const int64_t start = w.offsets[other];
  const int64_t c = static_cast<int64_t>(candidate);
  const int64_t past = start + p.buffers[other].size;
  if (c + static_cast<int64_t>(p.buffers[b].size) <= start || c >= past) return candidate;
  const int64_t lead = o.lead;
  const int64_t step = o.step;
  if (as_output) {
    const int64_t below = lead - (c - start);
    return below >= 0 ? candidate + static_cast<uint64_t>(below % step)
                      : static_cast<uint64_t>(past);
  }
  const int64_t below = lead - (start - c);
  if (below < 0)
    return start - lead < past ? static_cast<uint64_t>(start - lead) : static_cast<uint64_t>(past);
  return candidate + static_cast<uint64_t>((step - below % step) % step);
}

// The lowest offset at or above `from` where buffer `b` may go: clear of every
// placed buffer alive at the same time, or overlapping a partner as allowed.
uint64_t LowestFit(const Problem& p, uint32_t b, const uint16_t* placed, uint32_t num_placed,
                   const Work& w, uint64_t from) {
  uint64_t candidate = from;
  for (;;) {
    candidate = LowestPlainFit(p, b, placed, num_placed, w, candidate);
    if (p.overlaps == nullptr) return candidate;
    uint64_t moved = candidate;
    if (w.as_output[b] != kNone) {
      const PlanOverlap& o = p.overlaps[w.as_output[b]];
      moved = PartnerFit(p, b, o.input, o, true, w, moved);
    }
    if (w.as_input[b] != kNone) {
      const PlanOverlap& o = p.overlaps[w.as_input[b]];
      moved = PartnerFit(p, b, o.output, o, false, w, moved);
    }
    if (moved == candidate) return candidate;
    candidate = moved;
  }
}

// Places buffers in `w.order`, each at the lowest offset that fits.
size_t PlaceInOrder(const Problem& p, const Work& w) {
  const PlanBuffer* buffers = p.buffers;
  const uint32_t count = p.count;
  for (uint32_t i = 0; i < count; ++i) w.offsets[i] = kUnplaced;
  uint32_t num_placed = 0;
  size_t total = 0;
  for (uint32_t n = 0; n < count; ++n) {
    const uint16_t b = w.order[n];
    const uint64_t candidate = LowestFit(p, b, w.placed, num_placed, w, 0);
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
size_t Search(const Problem& problem, PlanBuffer* buffers, const Work& w, size_t best,
              size_t bound) {
  // Only for plans without overlaps: the cut below counts every live byte.
  const uint32_t count = problem.count;
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
      const uint64_t fit = LowestFit(problem, c, w.placed, depth, w, from);
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

size_t PlanWorkBytes(uint32_t count, bool overlaps) {
  return static_cast<size_t>(count) * (overlaps ? 4u * sizeof(uint32_t) + 6u * sizeof(uint16_t)
                                                : 3u * sizeof(uint32_t) + 4u * sizeof(uint16_t));
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

namespace {

// PlanLowerBound less what overlaps may save: an overlapping pair spans at
// least the larger of the output and the input less the lead.
size_t OverlapLowerBound(const Problem& p, const uint16_t* as_output) {
  size_t most = 0;
  for (uint32_t q = 0; q < p.count; ++q) {
    const uint32_t op = p.buffers[q].first;
    int64_t live = 0;
    for (uint32_t b = 0; b < p.count; ++b) {
      if (!AliveAt(p.buffers[b], op)) continue;
      live += p.buffers[b].size;
      if (as_output[b] == kNone) continue;
      const PlanOverlap& o = p.overlaps[as_output[b]];
      const PlanBuffer& in = p.buffers[o.input];
      if (in.last != op || p.buffers[b].first != op) continue;
      const int64_t saved = static_cast<int64_t>(p.buffers[b].size) + o.lead;
      live -= saved < 0 ? 0 : (saved < in.size ? saved : in.size);
    }
    if (live > static_cast<int64_t>(most)) most = static_cast<size_t>(live);
  }
  return most;
}

// Reorders `w.order` so that overlap outputs come right before their inputs,
// up to `links` of a chain (output-most first): placed in that order, each
// input goes right above its output, as close as the lead allows. Whole
// chains drift up by every lead; single links leave the rest of the order be.
void OutputsFirst(const Problem& p, const Work& w, uint32_t links) {
  uint16_t* done = w.cursor;
  uint32_t* chain = w.top;
  for (uint32_t i = 0; i < p.count; ++i) done[i] = 0;
  uint32_t n = 0;
  for (uint32_t k = 0; k < p.count; ++k) {
    uint32_t length = 0;
    for (uint32_t b = w.order[k]; b != kNone && !done[b] && length <= links;
         b = w.as_input[b] == kNone ? kNone : p.overlaps[w.as_input[b]].output) {
      chain[length++] = b;
      done[b] = 1;
    }
    while (length > 0) w.placed[n++] = static_cast<uint16_t>(chain[--length]);
  }
  for (uint32_t i = 0; i < p.count; ++i) w.order[i] = w.placed[i];
}

size_t PlanProblem(const Problem& p, PlanBuffer* buffers, const Work& w) {
  const uint32_t count = p.count;
  const size_t bound =
      p.overlaps == nullptr ? PlanLowerBound(buffers, count) : OverlapLowerBound(p, w.as_output);
  size_t best = 0;
  Order best_order = Order::kLargestFirst;
  const Order orders[] = {Order::kLargestFirst,  Order::kLargestLateFirst,
                          Order::kAreaFirst,     Order::kLongestLivedFirst,
                          Order::kEarliestFirst, Order::kLatestEndFirst};
  for (const Order order : orders) {
    // Overlap links moved before their inputs: none, one, or whole chains.
    const uint32_t variants[] = {0, 1, kNone};
    for (int v = 0; v < (p.overlaps != nullptr ? 3 : 1); ++v) {
      SortIndices(buffers, w.order, count, order);
      if (variants[v] > 0) OutputsFirst(p, w, variants[v]);
      const size_t total = PlaceInOrder(p, w);
      if ((order == Order::kLargestFirst && v == 0) || total < best) {
        best = total;
        best_order = order;
        for (uint32_t i = 0; i < count; ++i) buffers[i].offset = w.offsets[i];
      }
      if (best <= bound) return best;
    }
  }
  // Without the live-bytes cut (see Search) a search with overlaps would
  // spend its budget on few orders: the greedy ones stand for them.
  if (count > kMaxSearchBuffers || p.overlaps != nullptr) return best;
  // The search tries candidates in the best greedy order first.
  SortIndices(buffers, w.order, count, best_order);
  return Search(p, buffers, w, best, bound);
}

}  // namespace

size_t PlanBuffers(PlanBuffer* buffers, uint32_t count, const PlanOverlap* overlaps,
                   uint32_t num_overlaps, void* work) {
  if (count == 0) return 0;
  const Work w = CarveWork(work, count, num_overlaps > 0);
  const Problem plain = {buffers, count, nullptr};
  if (num_overlaps == 0) return PlanProblem(plain, buffers, w);
  for (uint32_t i = 0; i < count; ++i) w.as_input[i] = w.as_output[i] = kNone;
  for (uint32_t k = 0; k < num_overlaps; ++k) {
    w.as_input[overlaps[k].input] = static_cast<uint16_t>(k);
    w.as_output[overlaps[k].output] = static_cast<uint16_t>(k);
  }
  // Placing with overlaps changes which later fits open up: it is kept only
  // when it beats the plan without them (also a valid plan with them).
  const size_t with = PlanProblem({buffers, count, overlaps}, buffers, w);
  for (uint32_t i = 0; i < count; ++i) w.kept[i] = buffers[i].offset;
  const size_t without = PlanProblem(plain, buffers, w);
  if (without <= with) return without;
  for (uint32_t i = 0; i < count; ++i) buffers[i].offset = w.kept[i];
  return with;
}

}  // namespace microml
