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

// Most buffers one plan may hold.
constexpr uint32_t kMaxPlanBuffers = 0xFFFFu;

// Bytes of temporary memory PlanBuffers() needs for `count` buffers.
size_t PlanWorkBytes(uint32_t count);

// The most bytes alive during any one operator: no plan can be smaller.
size_t PlanLowerBound(const PlanBuffer* buffers, uint32_t count);

// Assigns offsets so that buffers alive at the same time never overlap, and
// returns the size of the region. Several greedy placement orders are tried;
// unless one already reaches PlanLowerBound(), a branch-and-bound search over
// placement orders follows, stopped after a fixed amount of work (so setup
// time stays bounded and the result is the same on every run). `count` <=
// kMaxPlanBuffers; `work` must hold PlanWorkBytes(count) bytes, 4-aligned.
size_t PlanBuffers(PlanBuffer* buffers, uint32_t count, void* work);

}  // namespace microml

#endif  // MICROML_PLAN_GREEDY_PLANNER_H_
