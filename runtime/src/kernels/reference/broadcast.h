// Numpy-style broadcasting for two-input elementwise kernels (ADD, SUB).
//
// Prepare checks the shapes once; eval rebuilds a small loop plan from the
// (unchanging) tensor shapes on the stack, so nothing shape-sized is kept in
// the arena. The plan merges neighbouring dimensions that broadcast the same
// way, so the common cases run as one or two flat loops.
#ifndef MICROML_KERNELS_REFERENCE_BROADCAST_H_
#define MICROML_KERNELS_REFERENCE_BROADCAST_H_

#include <stdint.h>

#include "microml/kernel.h"

namespace microml {

// TFLM's broadcast loop handles up to 8 dimensions.
constexpr int kMaxBroadcastRank = 8;

// Requires out.shape == broadcast(a.shape, b.shape).
inline Status CheckBroadcastShapes(OpContext& ctx, const Tensor& a, const Tensor& b,
                                   const Tensor& out) {
  const int rank = a.rank > b.rank ? a.rank : b.rank;
  if (rank > kMaxBroadcastRank) {
    return ctx.Fail(Status::kUnsupported, "inputs of rank %d and %d, at most %d supported", a.rank,
                    b.rank, kMaxBroadcastRank);
  }
  if (out.rank != rank) {
    return ctx.Fail(Status::kInvalidModel, "output rank %d, inputs broadcast to rank %d", out.rank,
                    rank);
  }
  for (int i = 0; i < rank; ++i) {
    const int32_t da = a.dim_from_end(i);
    const int32_t db = b.dim_from_end(i);
    const int32_t want = da == 1 ? db : da;
    if (da != db && da != 1 && db != 1) {
      return ctx.Fail(Status::kInvalidModel, "dimension %d: sizes %d and %d do not broadcast",
                      rank - 1 - i, static_cast<int>(da), static_cast<int>(db));
    }
    if (out.dim_from_end(i) != want) {
      return ctx.Fail(Status::kInvalidModel, "output dimension %d is %d, inputs broadcast to %d",
                      rank - 1 - i, static_cast<int>(out.dim_from_end(i)), static_cast<int>(want));
    }
  }
  return Status::kOk;
}

struct BroadcastPlan {
  bool empty;  // the output has no elements
  int loops;   // 0 when the output has a single element
  int32_t size[kMaxBroadcastRank];
  int32_t stride_a[kMaxBroadcastRank];  // 0 where input a is broadcast
  int32_t stride_b[kMaxBroadcastRank];
};

// Loop 0 is the innermost. Shapes must have passed CheckBroadcastShapes.
inline void MakeBroadcastPlan(const Tensor& a, const Tensor& b, const Tensor& out,
                              BroadcastPlan* plan) {
  int n = 0;
  int32_t acc_a = 1, acc_b = 1;
  plan->empty = false;
  bool last_bcast_a = false, last_bcast_b = false;
  for (int i = 0; i < out.rank; ++i) {
    const int32_t size = out.dim_from_end(i);
    if (size == 0) plan->empty = true;
    if (size == 1) continue;
    const bool bcast_a = a.dim_from_end(i) == 1;
    const bool bcast_b = b.dim_from_end(i) == 1;
    if (n > 0 && bcast_a == last_bcast_a && bcast_b == last_bcast_b) {
      plan->size[n - 1] *= size;
    } else {
      plan->size[n] = size;
      plan->stride_a[n] = bcast_a ? 0 : acc_a;
      plan->stride_b[n] = bcast_b ? 0 : acc_b;
      last_bcast_a = bcast_a;
      last_bcast_b = bcast_b;
      ++n;
    }
    if (!bcast_a) acc_a *= size;
    if (!bcast_b) acc_b *= size;
  }
  plan->loops = n;
}

// out[i] = f(a[ia], b[ib]) over the whole output, in row-major order.
template <typename InA, typename InB, typename Out, typename F>
void BroadcastApply(const BroadcastPlan& plan, const InA* a, const InB* b, Out* out, F f) {
  if (plan.empty) return;
  if (plan.loops == 0) {
    out[0] = f(a[0], b[0]);
    return;
  }
  int32_t index[kMaxBroadcastRank] = {};
  const int32_t inner = plan.size[0];
  const int32_t sa = plan.stride_a[0];
  const int32_t sb = plan.stride_b[0];
  for (;;) {
    const InA* pa = a;
    const InB* pb = b;
    for (int32_t i = 0; i < inner; ++i) {
      *out++ = f(*pa, *pb);
      pa += sa;
      pb += sb;
    }
    int k = 1;
    for (; k < plan.loops; ++k) {
      a += plan.stride_a[k];
      b += plan.stride_b[k];
      if (++index[k] < plan.size[k]) break;
      a -= plan.stride_a[k] * plan.size[k];
      b -= plan.stride_b[k] * plan.size[k];
      index[k] = 0;
    }
    if (k == plan.loops) return;
  }
}

// out = f(a, b) elementwise with broadcasting, for kernels that keep no
// broadcast flag: equal shapes collapse to a single flat loop.
template <typename In, typename Out, typename F>
void BroadcastBinary(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  BroadcastPlan plan;
  MakeBroadcastPlan(a, b, out, &plan);
  BroadcastApply(plan, a.data_as<const In>(), b.data_as<const In>(), out.data_as<Out>(), f);
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_BROADCAST_H_
