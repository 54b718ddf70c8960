// How far a window operator's output may overlap its dying input.
#ifndef MICROML_PLAN_WINDOW_OVERLAP_H_
#define MICROML_PLAN_WINDOW_OVERLAP_H_

#include <stddef.h>
#include <stdint.h>

#include "microml/kernel.h"
#include "microml/tensor.h"

namespace microml {

// The highest start of `output` relative to `input` (bytes, a multiple of
// `alignment`, negative: below it) at which a kernel walking as `walk` says
// writes no input byte it still has to read, if the two may overlap at all;
// lower starts are as safe a whole number of `step`s below it (for a
// channel-local walk whole pixels, so that channels stay on channels).
[[nodiscard]] bool WindowOutputLead(const Tensor& input, const Tensor& output,
                                    const WindowOverlap& walk, size_t alignment, int64_t* lead,
                                    uint32_t* step);

}  // namespace microml

#endif  // MICROML_PLAN_WINDOW_OVERLAP_H_
