// Offline placement of buffers with known lifetimes in one linear region.
#ifndef MICROML_PLAN_GREEDY_PLANNER_H_
#define MICROML_PLAN_GREEDY_PLANNER_H_

#include <stddef.h>
#include <stdint.h>

namespace microml {

struct PlanBuffer {
  uint32_t size;    // bytes, already rounded to the arena alignment
  uint32_t offset;  // result
  uint16_t first;   // first operator (inclusive) during which the buffer is alive
  uint16_t last;    // last operator (inclusive)
};

// An operator's output may overlap its input where the kernel writes each
// part of the output only over input it no longer reads (a window operator
// working through rows): while they overlap, the output starts `lead` bytes
// after the input (`lead` < 0: before it) or a whole number of `step`s below
// that. Both buffers are alive during that operator.
struct PlanOverlap {
  uint16_t input;  // buffer indices
  uint16_t output;
  int32_t lead;   // a multiple of the arena alignment
  uint32_t step;  // a multiple of the arena alignment
};

// Most buffers one plan may hold.
constexpr uint32_t kMaxPlanBuffers = 0xFFFFu;

// Bytes of temporary memory PlanBuffers() needs for `count` buffers (with
// `overlaps` when some may overlap).
size_t PlanWorkBytes(uint32_t count, bool overlaps);

// The most bytes alive during any one operator: no plan can be smaller.
size_t PlanLowerBound(const PlanBuffer* buffers, uint32_t count);

// Assigns offsets so that buffers alive at the same time never overlap
// (except as `overlaps` allow), and returns the size of the region. Several
// greedy placement orders are tried; unless one already reaches
// PlanLowerBound(), a branch-and-bound search over placement orders follows,
// stopped after a fixed amount of work (so setup time stays bounded and the
// result is the same on every run). `count` <= kMaxPlanBuffers; a buffer is
// the input of at most one overlap and the output of at most one; `work` must
// hold PlanWorkBytes(count, num_overlaps > 0) bytes, 4-aligned.
size_t PlanBuffers(PlanBuffer* buffers, uint32_t count, const PlanOverlap* overlaps,
                   uint32_t num_overlaps, void* work);

}  // namespace microml

#endif  // MICROML_PLAN_GREEDY_PLANNER_H_
