// Offline placement of buffers with known lifetimes in one linear region.
#ifndef MICROML_PLAN_GREEDY_PLANNER_H_
#define MICROML_PLAN_GREEDY_PLANNER_H_

#include <stddef.h>
#include <stdint.h>

namespace microml {

struct PlanBuffer {
  uint32_t size;    // bytes, already rounded to the arena alignment
  int32_t first;    // first operator (inclusive) during which the buffer is alive
  int32_t last;     // last operator (inclusive)
  uint32_t offset;  // result
};

// Bytes of temporary memory PlanBuffers() needs for `count` buffers.
size_t PlanWorkBytes(uint32_t count);

// Assigns offsets so that buffers alive at the same time never overlap, and
// returns the size of the region. Several placement orders are tried and the
// smallest result kept. `work` must hold PlanWorkBytes(count) bytes, 4-aligned.
size_t PlanBuffers(PlanBuffer* buffers, uint32_t count, void* work);

}  // namespace microml

#endif  // MICROML_PLAN_GREEDY_PLANNER_H_
