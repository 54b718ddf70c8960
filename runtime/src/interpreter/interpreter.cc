#include "microml/interpreter.h"

#include <string.h>

#include "interpreter/op_order.h"
#include "interpreter/row_bands.h"
#include "interpreter/tensor_use.h"
#include "kernels/channel_scale.h"
#include "plan/greedy_planner.h"
#include "plan/window_overlap.h"

namespace microml {

namespace {

constexpr uint32_t kMaxRank = 16;
constexpr size_t kOpDataSlack = 8 * 1024;
constexpr uint32_t kMaxCallDepth = 16;

size_t AlignUp(size_t n, size_t alignment) {
  return (n + alignment - 1) & ~(alignment - 1);
}

// Storage bytes for `elements` of `type`; 0 for types we cannot lay out.
uint64_t StorageBytes(TensorType type, uint64_t elements) {
  if (type == TensorType::kINT4) return (elements + 1) / 2;
  // A resource tensor holds the 32-bit id of its variable.
  if (type == TensorType::kRESOURCE) return elements * 4;
  return elements * TensorTypeSize(type);
}

bool ConstantIsAligned(TensorType type, const void* data) {
  const size_t width = TensorTypeSize(type);
  const size_t need = width > 8 ? 8 : (width == 0 ? 1 : width);
  return reinterpret_cast<uintptr_t>(data) % need == 0;
}

// The byte TFLM fills a variable tensor with at start and on reset: an int8
// tensor's zero point (truncated to a byte, as memset does), otherwise 0.
uint8_t VariableFill(const TensorRef& ref) {
  if (ref.type() != TensorType::kINT8) return 0;
  const QuantizationRef q = ref.quantization();
  return q.zero_point.empty() ? 0 : static_cast<uint8_t>(q.zero_point[0]);
}

const char* OpName(const OperatorCodeRef& code) {
  return code.builtin_code == static_cast<int32_t>(BuiltinOp::kCUSTOM)
             ? code.custom_code.data
             : BuiltinOpName(code.builtin_code);
}

// Kernels may assume they never write into the model (constants can sit in
// flash) and that no output aliases one of their own inputs.
Status CheckOperatorTensors(OpContext& ctx, const OperatorRef& op, const Tensor* tensors) {
  const VectorRef<int32_t> in = op.inputs();
  const VectorRef<int32_t> out = op.outputs();
  for (uint32_t k = 0; k < out.size(); ++k) {
    const int32_t t = out[k];
    if (t < 0) return ctx.Fail(Status::kInvalidModel, "output %u is omitted", k);
    if (tensors[t].flags & kTensorConstant) {
      return ctx.Fail(Status::kInvalidModel, "output %u is constant tensor %d", k,
                      static_cast<int>(t));
    }
    for (uint32_t j = 0; j < in.size(); ++j) {
      if (in[j] == t) {
        return ctx.Fail(Status::kInvalidModel, "tensor %d is both input %u and output %u",
                        static_cast<int>(t), j, k);
      }
    }
    for (uint32_t j = 0; j < k; ++j) {
      if (out[j] == t) {
        return ctx.Fail(Status::kInvalidModel, "tensor %d is outputs %u and %u",
                        static_cast<int>(t), j, k);
      }
    }
  }
  return Status::kOk;
}

// The multipliers and shifts the kernel reads, worked out again.
void FillChannelScales(const detail::RecomputedScales& r) {
  QuantizeChannelScales(r.input_scale, r.filter_scales, r.output_scale, *r.multiplier, *r.shift);
}

// The main subgraph may run in an order of its own (see ChooseOrder): the
// planner's time is the position in it.
uint16_t PositionOf(const detail::Session& s, uint32_t g, uint32_t op) {
  return static_cast<uint16_t>(g == 0 && s.position != nullptr ? s.position[op] : op);
}
uint32_t OpAt(const detail::Session& s, uint32_t g, uint32_t at) {
  return g == 0 && s.order != nullptr ? s.order[at] : at;
}

// Subgraph g's first (the list runs by subgraph, then operator).
detail::RecomputedScales* FirstRecomputed(const detail::Session& s, uint32_t g) {
  detail::RecomputedScales* r = s.recomputed;
  while (r != nullptr && r->subgraph < g) r = r->next;
  return r;
}

// Puts the main subgraph's recomputed-scales records in the order chosen for
// it, so that each inference walks them with a cursor.
void SortRecomputed(detail::Session& s) {
  detail::RecomputedScales* rest = s.recomputed;
  detail::RecomputedScales* sorted = nullptr;
  while (rest != nullptr && rest->subgraph == 0) {
    detail::RecomputedScales* r = rest;
    rest = rest->next;
    detail::RecomputedScales** slot = &sorted;
    while (*slot != nullptr && s.position[(*slot)->op] <= s.position[r->op]) slot = &(*slot)->next;
    r->next = *slot;
    *slot = r;
  }
  detail::RecomputedScales** end = &sorted;
  while (*end != nullptr) end = &(*end)->next;
  *end = rest;
  if (rest == nullptr) s.recomputed_tail = end;
  s.recomputed = sorted;
}

constexpr uint16_t kNotPlanned = 0xFFFFu;

constexpr ArenaTradeoff kTradeoffs[] = {ArenaTradeoff::kNone, ArenaTradeoff::kRecomputedScales,
                                        ArenaTradeoff::kRowBands, ArenaTradeoff::kAll};

// The arenas the tradeoffs tried so far need, for Setup and MeasureArena to
// report (0: setup ran out before planning, so the size is not known).
struct TradeoffSizes {
  bool tried = false;
  size_t first = 0;     // the first tried: the fastest plan allowed
  size_t lean = 0;      // the least up to kRecomputedScales: the default plan
  size_t smallest = 0;  // the least of all

  void Add(ArenaTradeoff tradeoff, size_t used) {
    if (!tried) first = used;
    tried = true;
    if (used == 0) return;
    if (tradeoff <= ArenaTradeoff::kRecomputedScales && (lean == 0 || used < lean)) lean = used;
    if (smallest == 0 || used < smallest) smallest = used;
  }
  size_t standard() const { return lean != 0 ? lean : first; }

  // The error when even the smallest plan is above `limit`.
  Status Refuse(ErrorMessage* error, const char* limit_text, size_t limit) const {
    if (smallest == standard()) {
      return error->Set(Status::kArenaTooSmall,
                        "%s of %zu bytes is below the %zu bytes this model needs", limit_text,
                        limit, smallest);
    }
    return error->Set(Status::kArenaTooSmall,
                      "%s of %zu bytes is below the smallest arena this model runs in, %zu bytes "
                      "(trading speed for memory; %zu by default)",
                      limit_text, limit, smallest, standard());
  }
};

// In-place execution: output 0 of an operator whose kernel allows it takes
// over the buffer of an input that dies there (and is not KeptAfter), so the
// two tensors share one buffer alive from the input's first use to the
// output's last.
uint32_t ShareInPlace(const detail::Session& s, uint32_t g, uint16_t* plan_index,
                      PlanBuffer* buffers) {
  const detail::SubgraphState& state = s.subgraphs[g];
  const SubgraphRef graph = s.model->subgraph(g);
  const bool main = g == 0;
  uint32_t merged = 0;
  for (uint32_t at = 0; at < state.num_ops; ++at) {
    const uint32_t i = OpAt(s, g, at);
    const uint8_t allowed = state.ops[i].kernel->in_place_inputs;
    const OperatorRef op = graph.op(i);
    if (allowed == 0 || op.outputs().size() == 0) continue;
    const int32_t out = op.outputs()[0];
    if (plan_index[out] == kNotPlanned || buffers[plan_index[out]].first != at) continue;
    const VectorRef<int32_t> in = op.inputs();
    for (uint32_t k = 0; k < in.size() && k < 8; ++k) {
      const int32_t t = in[k];
      if ((allowed & (1u << k)) == 0 || t < 0 || plan_index[t] == kNotPlanned) continue;
      PlanBuffer& shared = buffers[plan_index[t]];
      const Tensor& a = state.tensors[t];
      const Tensor& b = state.tensors[out];
      if (shared.last != at || a.bytes != b.bytes ||
          TensorTypeSize(a.type) != TensorTypeSize(b.type) || KeptAfter(graph, main, t)) {
        continue;
      }
      PlanBuffer& own = buffers[plan_index[out]];
      if (own.last > shared.last) shared.last = own.last;
      own.size = 0;
      plan_index[out] = plan_index[t];
      ++merged;
      break;
    }
  }
  return merged;
}

const KernelRegistration* KernelOf(const detail::Session& s, const OperatorRef& op) {
  const OperatorCodeRef code = s.model->operator_code(op.opcode_index());
  return s.resolver->Find(code.builtin_code,
                          code.custom_code.size > 0 ? code.custom_code.data : nullptr);
}

bool AnyWindowKernel(const detail::Session& s) {
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
    const SubgraphRef graph = s.model->subgraph(g);
    for (uint32_t i = 0; i < graph.num_operators(); ++i) {
      const KernelRegistration* kernel = KernelOf(s, graph.op(i));
      if (kernel != nullptr && kernel->window_overlap != nullptr) return true;
    }
  }
  return false;
}

// Window operators whose kernel walks its output in order may write it over
// the rows of a dying input 0 it has read (the same tensors in-place sharing
// may give away), as far as PrepareOps found. Fills `overlaps`; returns how
// many.
uint32_t CollectOverlaps(const detail::Session& s, uint32_t g, const uint16_t* plan_index,
                         const PlanBuffer* buffers, PlanOverlap* overlaps) {
  if (s.window_leads == nullptr) return 0;
  const detail::SubgraphState& state = s.subgraphs[g];
  const SubgraphRef graph = s.model->subgraph(g);
  uint32_t first_op = 0;
  for (uint32_t k = 0; k < g; ++k) first_op += s.subgraphs[k].num_ops;
  uint32_t count = 0;
  for (uint32_t i = 0; i < state.num_ops; ++i) {
    const detail::WindowLead& w = s.window_leads[first_op + i];
    if (w.step == 0) continue;
    const OperatorRef op = graph.op(i);
    const int32_t in = op.inputs()[0];
    const int32_t out = op.outputs()[0];
    const uint16_t at = PositionOf(s, g, i);
    if (plan_index[in] == kNotPlanned || plan_index[out] == kNotPlanned ||
        plan_index[in] == plan_index[out] || buffers[plan_index[in]].last != at ||
        buffers[plan_index[out]].first != at || KeptAfter(graph, g == 0, in)) {
      continue;
    }
    overlaps[count++] = {plan_index[in], plan_index[out], w.lead, w.step};
  }
  return count;
}

// How far the output of a just prepared operator may start after its input 0
// (step 0: it may not overlap it).
detail::WindowLead WindowLeadOf(OpContext& ctx, const KernelRegistration& kernel,
                                const OperatorRef& op, const Tensor* tensors) {
  detail::WindowLead none = {0, 0};
  if (kernel.window_overlap == nullptr || op.inputs().size() == 0 || op.outputs().size() == 0 ||
      op.inputs()[0] < 0) {
    return none;
  }
  WindowOverlap walk;
  int64_t lead = 0;
  uint32_t step = 0;
  if (!kernel.window_overlap(ctx, &walk) ||
      !WindowOutputLead(tensors[op.inputs()[0]], tensors[op.outputs()[0]], walk, kArenaAlignment,
                        &lead, &step)) {
    return none;
  }
  return {static_cast<int32_t>(lead), step};
}

const detail::ScratchRequest& ScratchRequestAt(const detail::Session& s, uint32_t k) {
  return s.scratch_requests[s.num_scratch - 1 - k];
}

// Fills `buffers` with subgraph g's activation buffers, in tensor order (with
// in-place sharing when `in_place`; `merged` receives how many outputs took
// over an input's buffer), then its scratch buffers; returns how many.
uint32_t CollectBuffers(const detail::Session& s, uint32_t g, bool in_place, uint16_t* plan_index,
                        PlanBuffer* buffers, uint32_t* first_scratch, uint32_t* merged = nullptr) {
  const detail::SubgraphState& state = s.subgraphs[g];
  const SubgraphRef graph = s.model->subgraph(g);
  const uint16_t end = state.num_ops == 0 ? 0 : static_cast<uint16_t>(state.num_ops - 1);
  uint32_t count = 0;
  for (uint32_t i = 0; i < state.num_tensors; ++i) {
    plan_index[i] = kNotPlanned;
    if (!Planned(state.tensors[i])) continue;
    PlanBuffer& b = buffers[count];
    b.size = static_cast<uint32_t>(AlignUp(state.tensors[i].bytes, kArenaAlignment));
    b.first = kNotPlanned;
    b.last = 0;
    b.offset = 0;
    plan_index[i] = static_cast<uint16_t>(count++);
  }
  // Subgraph inputs are written before the first operator and outputs read
  // after the last one.
  const VectorRef<int32_t> inputs = graph.inputs();
  for (uint32_t k = 0; k < inputs.size(); ++k) {
    if (plan_index[inputs[k]] != kNotPlanned) buffers[plan_index[inputs[k]]].first = 0;
  }
  const VectorRef<int32_t> outputs = graph.outputs();
  for (uint32_t k = 0; k < outputs.size(); ++k) {
    if (plan_index[outputs[k]] != kNotPlanned) buffers[plan_index[outputs[k]]].last = end;
  }
  const auto touch = [&](int32_t tensor, uint16_t op) {
    if (tensor < 0 || plan_index[tensor] == kNotPlanned) return;
    PlanBuffer& b = buffers[plan_index[tensor]];
    if (b.first == kNotPlanned || op < b.first) b.first = op;
    if (op > b.last) b.last = op;
  };
  for (uint32_t i = 0; i < state.num_ops; ++i) {
    const OperatorRef op = graph.op(i);
    const VectorRef<int32_t> lists[] = {op.inputs(), op.outputs(), op.intermediates()};
    for (const VectorRef<int32_t>& list : lists) {
      for (uint32_t k = 0; k < list.size(); ++k) touch(list[k], PositionOf(s, g, i));
    }
  }
  // A tensor no operator touches still gets memory for the application.
  for (uint32_t b = 0; b < count; ++b) {
    if (buffers[b].first == kNotPlanned) buffers[b].first = buffers[b].last;
    if (buffers[b].last < buffers[b].first) buffers[b].last = buffers[b].first;
  }
  // A pair's two operators run interleaved: what either uses lives across
  // both, and the tensor between them is only its band. Such tensors then
  // neither overlap nor share in place (their first and last uses differ).
  for (uint32_t k = 0; k < s.num_bands; ++k) {
    const detail::BandPair& pair = s.bands[k];
    if (pair.subgraph != g) continue;
    for (uint16_t i = pair.op; i <= pair.op + 1; ++i) {
      const OperatorRef op = graph.op(i);
      const VectorRef<int32_t> lists[] = {op.inputs(), op.outputs(), op.intermediates()};
      for (const VectorRef<int32_t>& list : lists) {
        for (uint32_t n = 0; n < list.size(); ++n) {
          touch(list[n], pair.op);
          touch(list[n], static_cast<uint16_t>(pair.op + 1));
        }
      }
    }
    const int32_t middle = graph.op(pair.op).outputs()[0];
    buffers[plan_index[middle]].size =
        static_cast<uint32_t>(AlignUp(BandBytes(state.tensors[middle], pair), kArenaAlignment));
  }
  const uint32_t shared = in_place ? ShareInPlace(s, g, plan_index, buffers) : 0;
  if (merged != nullptr) *merged = shared;
  *first_scratch = count;
  for (uint32_t k = 0; k < s.num_scratch; ++k) {
    const detail::ScratchRequest& r = ScratchRequestAt(s, k);
    if (r.subgraph != g) continue;
    PlanBuffer& b = buffers[count++];
    b.size = static_cast<uint32_t>(AlignUp(r.bytes, kArenaAlignment));
    b.first = b.last = PositionOf(s, g, r.op);
    const detail::BandPair* pair = BandPairOf(s, g, r.op);
    if (pair != nullptr) {
      b.first = pair->op;
      b.last = static_cast<uint16_t>(pair->op + 1);
    }
    b.offset = 0;
  }
  return count;
}

// Plans subgraph g into `buffers` (offsets from its region's start) and
// returns the region's size; `lower` receives its floor. In-place sharing
// changes the buffers placement sees (and so what the bounded search finds):
// it is kept unless the plan without it is smaller.
size_t PlanSubgraph(const detail::Session& s, uint32_t g, uint16_t* plan_index, PlanBuffer* buffers,
                    PlanOverlap* overlaps, void* work, uint32_t* first_scratch, size_t* lower) {
  uint32_t merged = 0;
  uint32_t count = CollectBuffers(s, g, true, plan_index, buffers, first_scratch, &merged);
  uint32_t num_overlaps = CollectOverlaps(s, g, plan_index, buffers, overlaps);
  size_t bytes = PlanBuffers(buffers, count, overlaps, num_overlaps, work);
  *lower = PlanLowerBound(buffers, count);
  if (merged > 0) {
    const uint32_t plain_count = CollectBuffers(s, g, false, plan_index, buffers, first_scratch);
    const uint32_t plain_overlaps = CollectOverlaps(s, g, plan_index, buffers, overlaps);
    const size_t plain = PlanBuffers(buffers, plain_count, overlaps, plain_overlaps, work);
    if (plain < bytes) {
      bytes = plain;
      *lower = PlanLowerBound(buffers, plain_count);
    } else {
      CollectBuffers(s, g, true, plan_index, buffers, first_scratch);
      num_overlaps = CollectOverlaps(s, g, plan_index, buffers, overlaps);
      PlanBuffers(buffers, count, overlaps, num_overlaps, work);
    }
  }
  return bytes;
}

}  // namespace

namespace detail {

void* Session::AllocatePersistent(size_t bytes) {
  const size_t start = AlignUp(head, 8);
  const size_t aligned = AlignUp(bytes, 8);
  if (start > tail || tail - start < aligned) return nullptr;
  head = start + aligned;
  uint8_t* p = arena + start;
  memset(p, 0, aligned);
  return p;
}

void* Session::AllocateTemp(size_t bytes) {
  const size_t aligned = AlignUp(bytes, 8);
  if (tail < head || tail - head < aligned) return nullptr;
  tail -= aligned;
  return arena + tail;
}

Status Session::OutOfMemory(size_t bytes, const char* what) {
  return error->Set(Status::kArenaTooSmall,
                    "arena too small: %zu bytes given, setup ran out while placing %zu bytes of %s "
                    "(measure the arena first for the exact figure)",
                    arena_size, bytes, what);
}

Status Session::RunSubgraph(uint32_t index) {
  if (call_depth >= kMaxCallDepth) {
    return error->Set(Status::kUnsupported, "subgraph calls nested deeper than %u", kMaxCallDepth);
  }
  ++call_depth;
  const SubgraphRef graph = model->subgraph(index);
  const SubgraphState& state = subgraphs[index];
  Status status = Status::kOk;
  const OpObserver observer = op_observer;
  const RecomputedScales* recomputed = FirstRecomputed(*this, index);
  const BandPair* band = bands;
  while (band != bands + num_bands && band->subgraph < index) ++band;
  for (uint32_t at = 0; at < state.num_ops && status == Status::kOk; ++at) {
    const uint32_t i = OpAt(*this, index, at);
    const OperatorRef op = graph.op(i);
    const bool paired = band != bands + num_bands && band->subgraph == index && band->op == i;
    const uint32_t last = paired ? i + 1 : i;
    // The records run in execution order (see SortRecomputed).
    for (; recomputed != nullptr && recomputed->subgraph == index &&
           (recomputed->op == i || recomputed->op == last);
         recomputed = recomputed->next) {
      FillChannelScales(*recomputed);
    }
    if (paired) {
      // A profile counts the pair as its first operator.
      if (observer != nullptr) observer(op_observer_user, index, i, false);
      status = RunBands(index, *band++);
      if (observer != nullptr) {
        observer(op_observer_user, index, i, true);
        observer(op_observer_user, index, last, false);
        observer(op_observer_user, index, last, true);
      }
      at = last;
      continue;
    }
    OpContext ctx(this, index, i, op, &state.ops[i], state.tensors);
    if (observer == nullptr) {
      status = state.ops[i].kernel->eval(ctx);
    } else {
      observer(op_observer_user, index, i, false);
      status = state.ops[i].kernel->eval(ctx);
      observer(op_observer_user, index, i, true);
    }
  }
  --call_depth;
  return status;
}

}  // namespace detail

size_t Interpreter::num_inputs() const {
  return ready_ ? inputs_.size() : 0;
}
size_t Interpreter::num_outputs() const {
  return ready_ ? outputs_.size() : 0;
}
Tensor* Interpreter::input(size_t i) const {
  if (i >= num_inputs()) return nullptr;
  return &session_.subgraphs[0].tensors[inputs_[static_cast<uint32_t>(i)]];
}
Tensor* Interpreter::output(size_t i) const {
  if (i >= num_outputs()) return nullptr;
  return &session_.subgraphs[0].tensors[outputs_[static_cast<uint32_t>(i)]];
}
TensorRef Interpreter::input_ref(size_t i) const {
  if (i >= num_inputs()) return TensorRef();
  const SubgraphRef g = model().subgraph(0);
  return g.tensor(static_cast<uint32_t>(g.inputs()[static_cast<uint32_t>(i)]));
}
TensorRef Interpreter::output_ref(size_t i) const {
  if (i >= num_outputs()) return TensorRef();
  const SubgraphRef g = model().subgraph(0);
  return g.tensor(static_cast<uint32_t>(g.outputs()[static_cast<uint32_t>(i)]));
}

Status Interpreter::Attempt(const Model& model, const OpResolver& resolver, uint8_t* arena,
                            size_t arena_size, bool measuring, ArenaTradeoff tradeoff,
                            ErrorMessage* error) {
  arena_used_ = 0;
  plan_bytes_ = 0;
  plan_floor_bytes_ = 0;
  plan_start_ = 0;
  session_ = detail::Session();
  session_.model = &model;
  session_.resolver = &resolver;
  session_.error = error;
  session_.measuring = measuring;
  session_.tradeoff = tradeoff;
  session_.op_observer = op_observer_;
  session_.op_observer_user = op_observer_user_;
  session_.arena = arena;
  session_.arena_size = arena_size;
  return SetupImpl();
}

Status Interpreter::Setup(const Model& model, const OpResolver& resolver, void* arena,
                          size_t arena_size, ArenaTradeoff least) {
  ready_ = false;
  error_.Clear();
  if (!model.initialized()) return error_.Set(Status::kInvalidState, "model not initialized");
  if (arena == nullptr) return error_.Set(Status::kInvalidArgument, "no arena given");
  // Planned offsets assume an aligned start; an unaligned arena loses its head.
  const uintptr_t address = reinterpret_cast<uintptr_t>(arena);
  const size_t skip = (kArenaAlignment - address % kArenaAlignment) % kArenaAlignment;
  if (arena_size < skip) {
    return error_.Set(Status::kArenaTooSmall, "arena of %zu bytes is too small", arena_size);
  }
  uint8_t* start = static_cast<uint8_t*>(arena) + skip;
  // Whole 8-byte units only: setup temporaries stack down from the end and
  // must stay aligned (scratch requests are allocated one by one).
  const size_t usable = (arena_size - skip) & ~static_cast<size_t>(7);
  TradeoffSizes sizes;
  Status status = Status::kOk;
  for (const ArenaTradeoff tradeoff : kTradeoffs) {
    if (tradeoff < least) continue;
    error_.Clear();
    status = Attempt(model, resolver, start, usable, false, tradeoff, &error_);
    if (status != Status::kArenaTooSmall) break;
    sizes.Add(tradeoff, arena_used_);
  }
  // Without a plan size the message is setup's own (what it ran out placing).
  if (status == Status::kArenaTooSmall && sizes.smallest > 0) {
    sizes.Refuse(&error_, "arena", usable);
  }
  if (status != Status::kOk) return status;
  inputs_ = model.subgraph(0).inputs();
  outputs_ = model.subgraph(0).outputs();
  needs_reset_ = NeedsReset();
  ready_ = true;
  return status;
}

size_t Interpreter::WorkBytesEstimate(const Model& model) {
  size_t tensors = 0, ops = 0, realigned = 0;
  for (uint32_t s = 0; s < model.num_subgraphs(); ++s) {
    const SubgraphRef graph = model.subgraph(s);
    tensors += graph.num_tensors();
    ops += graph.num_operators();
    for (uint32_t i = 0; i < graph.num_tensors(); ++i) {
      const TensorRef t = graph.tensor(i);
      const BufferRef b = model.buffer(t.buffer());
      if (b.data != nullptr && !ConstantIsAligned(t.type(), b.data))
        realigned += AlignUp(b.size, 8);
    }
  }
  const size_t buffers = tensors + ops * detail::kMaxScratchPerOp;
  return AlignUp(model.num_subgraphs() * sizeof(detail::SubgraphState), 8) +
         AlignUp(tensors * sizeof(Tensor), 8) * 2 + AlignUp(ops * sizeof(OpRecord), 8) * 2 +
         ops * detail::kMaxScratchPerOp * sizeof(detail::ScratchRequest) +
         AlignUp(ops * sizeof(detail::ResourceVariable), 8) +
         AlignUp(tensors * sizeof(uint16_t), 8) + AlignUp(buffers * sizeof(PlanBuffer), 8) +
         AlignUp(ops * sizeof(PlanOverlap), 8) + AlignUp(ops * sizeof(detail::WindowLead), 8) +
         AlignUp(PlanWorkBytes(static_cast<uint32_t>(buffers), true), 8) +
         AlignUp(ops * detail::kMaxScratchPerOp * sizeof(uint8_t*), 8) + realigned + kOpDataSlack +
         kArenaAlignment;
}

Status Interpreter::MeasureArena(const Model& model, const OpResolver& resolver, void* work,
                                 size_t work_size, size_t* arena_bytes, ErrorMessage* error,
                                 size_t arena_limit, ArenaTradeoff least) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(work);
  const size_t skip = (kArenaAlignment - address % kArenaAlignment) % kArenaAlignment;
  if (!model.initialized() || work == nullptr || work_size < skip) {
    return error->Set(Status::kInvalidArgument,
                      "measuring needs an initialized model and work memory");
  }
  uint8_t* start = static_cast<uint8_t*>(work) + skip;
  const size_t usable = (work_size - skip) & ~static_cast<size_t>(7);
  Interpreter probe;
  TradeoffSizes sizes;
  for (const ArenaTradeoff tradeoff : kTradeoffs) {
    if (tradeoff < least) continue;
    MICROML_RETURN_IF_ERROR(probe.Attempt(model, resolver, start, usable, true, tradeoff, error));
    sizes.Add(tradeoff, probe.arena_used_);
    const bool unlimited = arena_limit == SIZE_MAX;
    if (unlimited ? tradeoff >= ArenaTradeoff::kRecomputedScales
                  : probe.arena_used_ <= arena_limit) {
      *arena_bytes = unlimited ? sizes.standard() : probe.arena_used_;
      return Status::kOk;
    }
  }
  *arena_bytes = sizes.smallest;
  return sizes.Refuse(error, "arena limit", arena_limit);
}

Status Interpreter::SetupImpl() {
  detail::Session& s = session_;
  s.head = 0;
  s.tail = s.arena_size;
  s.num_subgraphs = s.model->num_subgraphs();
  if (s.num_subgraphs > 0xFFFFu) {
    return s.error->Set(Status::kUnsupported, "model has %u subgraphs, over %u", s.num_subgraphs,
                        0xFFFFu);
  }
  s.subgraphs = static_cast<detail::SubgraphState*>(
      s.AllocatePersistent(s.num_subgraphs * sizeof(detail::SubgraphState)));
  if (s.subgraphs == nullptr) {
    return s.OutOfMemory(s.num_subgraphs * sizeof(detail::SubgraphState), "subgraph records");
  }
  uint32_t total_ops = 0;
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
    const SubgraphRef graph = s.model->subgraph(g);
    detail::SubgraphState& state = s.subgraphs[g];
    state.num_tensors = graph.num_tensors();
    state.num_ops = graph.num_operators();
    total_ops += state.num_ops;
    if (total_ops > 0xFFFFu / detail::kMaxScratchPerOp) {
      return s.error->Set(Status::kUnsupported, "model has over %u operators",
                          0xFFFFu / detail::kMaxScratchPerOp);
    }
    state.tensors = static_cast<Tensor*>(s.AllocatePersistent(state.num_tensors * sizeof(Tensor)));
    if (state.tensors == nullptr && state.num_tensors > 0) {
      return s.OutOfMemory(state.num_tensors * sizeof(Tensor), "tensor records");
    }
    state.ops = static_cast<OpRecord*>(s.AllocatePersistent(state.num_ops * sizeof(OpRecord)));
    if (state.ops == nullptr && state.num_ops > 0) {
      return s.OutOfMemory(state.num_ops * sizeof(OpRecord), "operator records");
    }
    for (uint32_t i = 0; i < state.num_ops; ++i) {
      const OperatorCodeRef code = s.model->operator_code(graph.op(i).opcode_index());
      if (code.builtin_code == static_cast<int32_t>(BuiltinOp::kVAR_HANDLE)) ++s.resource_capacity;
    }
  }
  if (s.resource_capacity > 0) {
    s.resources = static_cast<detail::ResourceVariable*>(
        s.AllocatePersistent(s.resource_capacity * sizeof(detail::ResourceVariable)));
    if (s.resources == nullptr) {
      return s.OutOfMemory(s.resource_capacity * sizeof(detail::ResourceVariable),
                           "resource variables");
    }
  }
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) MICROML_RETURN_IF_ERROR(BindTensors(g));
  // Before any scratch request: those stay contiguous in the tail. Only for
  // models with window operators: on tiny models these records set the arena.
  if (AnyWindowKernel(s)) {
    s.window_leads =
        static_cast<detail::WindowLead*>(s.AllocateTemp(total_ops * sizeof(detail::WindowLead)));
    if (s.window_leads == nullptr) {
      return s.OutOfMemory(total_ops * sizeof(detail::WindowLead), "window operator records");
    }
  }
  if (RunsRowBands(s.tradeoff)) {
    s.row_windows = static_cast<RowWindow*>(s.AllocateTemp(total_ops * sizeof(RowWindow)));
    if (s.row_windows == nullptr && total_ops > 0) {
      return s.OutOfMemory(total_ops * sizeof(RowWindow), "row window records");
    }
  }
  uint32_t first_op = 0;
  s.recomputed_tail = &s.recomputed;
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
    MICROML_RETURN_IF_ERROR(
        PrepareOps(g, s.window_leads != nullptr ? s.window_leads + first_op : nullptr,
                   s.row_windows != nullptr ? s.row_windows + first_op : nullptr));
    first_op += s.subgraphs[g].num_ops;
  }
  if (s.row_windows != nullptr) MICROML_RETURN_IF_ERROR(ChooseBandPairs(total_ops));
  return PlanActivations();
}

Status Interpreter::BindTensors(uint32_t subgraph) {
  detail::Session& s = session_;
  const SubgraphRef graph = s.model->subgraph(subgraph);
  detail::SubgraphState& state = s.subgraphs[subgraph];
  for (uint32_t i = 0; i < state.num_tensors; ++i) {
    const TensorRef ref = graph.tensor(i);
    Tensor& t = state.tensors[i];
    const VectorRef<int32_t> shape = ref.shape();
    if (shape.size() > kMaxRank) {
      return s.error->Set(Status::kUnsupported, "tensor %u (%s) has rank %u, above %u", i,
                          ref.name().data, shape.size(), kMaxRank);
    }
    uint64_t elements = 1;
    for (uint32_t d = 0; d < shape.size(); ++d) {
      elements *= static_cast<uint64_t>(shape[d]);
      if (elements > 0x7FFFFFFFu) {
        return s.error->Set(Status::kUnsupported, "tensor %u (%s) has over 2^31 elements", i,
                            ref.name().data);
      }
    }
    t.dims = reinterpret_cast<const int32_t*>(shape.bytes());
    t.rank = static_cast<uint8_t>(shape.size());
    t.type = ref.type();
    const uint64_t bytes = StorageBytes(t.type, elements);
    if (bytes > 0x7FFFFFFFu) {
      return s.error->Set(Status::kUnsupported, "tensor %u (%s) needs %llu bytes", i,
                          ref.name().data, static_cast<unsigned long long>(bytes));
    }
    t.bytes = static_cast<uint32_t>(bytes);
    const BufferRef buffer = s.model->buffer(ref.buffer());
    if (buffer.data != nullptr && buffer.size > 0) {
      if (buffer.size < bytes) {
        return s.error->Set(Status::kInvalidModel,
                            "tensor %u (%s) holds %zu bytes of data, its shape needs %llu", i,
                            ref.name().data, buffer.size, static_cast<unsigned long long>(bytes));
      }
      t.data = const_cast<uint8_t*>(buffer.data);
      t.flags |= kTensorConstant;
      if (!ConstantIsAligned(t.type, buffer.data)) {
        // Some writers place 64-bit constants (int16 models' biases) only
        // 4-byte aligned; kernels read them as typed arrays, so they get an
        // aligned copy in the arena. Converter output never needs this.
        void* copy = s.AllocatePersistent(t.bytes);
        if (copy == nullptr) return s.OutOfMemory(t.bytes, "realigned constants");
        memcpy(copy, buffer.data, t.bytes);
        t.data = copy;
      }
    }
    // Variables and resource handles keep their value across invocations (a
    // handle is written once, at prepare), so they live with persistent data.
    if (ref.is_variable() || t.type == TensorType::kRESOURCE) {
      if (t.flags & kTensorConstant) {
        return s.error->Set(Status::kInvalidModel, "variable tensor %u (%s) has constant data", i,
                            ref.name().data);
      }
      t.flags |= kTensorVariable;
      const size_t stored = AlignUp(t.bytes, kArenaAlignment);
      s.head = AlignUp(s.head, kArenaAlignment);
      if (s.measuring && t.type != TensorType::kRESOURCE) {
        s.measured_persistent += stored;
        continue;
      }
      t.data = s.AllocatePersistent(stored);
      if (t.data == nullptr && stored > 0) return s.OutOfMemory(stored, "variable tensors");
      // A handle not written by VAR_HANDLE at prepare (a subgraph input that
      // receives it at run time) reads as id -1 until then.
      const uint8_t fill = t.type == TensorType::kRESOURCE ? 0xFF : VariableFill(ref);
      if (t.data != nullptr) memset(t.data, fill, t.bytes);
    }
  }
  if (subgraph == 0) {
    const VectorRef<int32_t> inputs = graph.inputs();
    for (uint32_t i = 0; i < inputs.size(); ++i) {
      if (state.tensors[inputs[i]].flags & kTensorConstant) {
        return s.error->Set(Status::kInvalidModel,
                            "model input %u is constant tensor %d; the application could not "
                            "write it",
                            i, static_cast<int>(inputs[i]));
      }
      state.tensors[inputs[i]].flags |= kTensorInput;
    }
    const VectorRef<int32_t> outputs = graph.outputs();
    for (uint32_t i = 0; i < outputs.size(); ++i) state.tensors[outputs[i]].flags |= kTensorOutput;
  }
  return Status::kOk;
}

Status Interpreter::PrepareOps(uint32_t subgraph, detail::WindowLead* leads, RowWindow* rows) {
  detail::Session& s = session_;
  const SubgraphRef graph = s.model->subgraph(subgraph);
  detail::SubgraphState& state = s.subgraphs[subgraph];
  for (uint32_t i = 0; i < state.num_ops; ++i) {
    const OperatorRef op = graph.op(i);
    const OperatorCodeRef code = s.model->operator_code(op.opcode_index());
    const KernelRegistration* kernel = KernelOf(s, op);
    OpContext ctx(&s, subgraph, i, op, &state.ops[i], state.tensors);
    if (kernel == nullptr || code.version < 1 || code.version > kernel->max_version) {
      char types[96];
      ctx.FormatTypes(types, sizeof(types));
      if (kernel == nullptr) {
        return s.error->Set(Status::kUnsupported,
                            "unsupported operator %s version %d (operator #%u of subgraph %u, "
                            "types %s): this build has no kernel for it",
                            OpName(code), static_cast<int>(code.version), i, subgraph, types);
      }
      return s.error->Set(Status::kUnsupported,
                          "unsupported %s version %d (operator #%u of subgraph %u, types %s): "
                          "versions 1 to %d are supported",
                          OpName(code), static_cast<int>(code.version), i, subgraph, types,
                          static_cast<int>(kernel->max_version));
    }
    MICROML_RETURN_IF_ERROR(CheckOperatorTensors(ctx, op, state.tensors));
    state.ops[i].kernel = kernel;
    const size_t head_before = s.head;
    MICROML_RETURN_IF_ERROR(kernel->prepare(ctx));
    if (leads != nullptr) leads[i] = WindowLeadOf(ctx, *kernel, op, state.tensors);
    if (rows != nullptr && (kernel->row_window == nullptr || !kernel->row_window(ctx, &rows[i]))) {
      rows[i] = {0, 0, 0};
    }
    if (s.measuring) {
      // Operator data only has to exist while its own prepare runs.
      s.measured_persistent += s.head - head_before;
      s.head = head_before;
      state.ops[i].op_data = nullptr;
    }
  }
  return Status::kOk;
}

// The pairs are found in temporary memory, then kept in exactly the
// persistent memory they need.
Status Interpreter::ChooseBandPairs(uint32_t total_ops) {
  detail::Session& s = session_;
  auto* found = static_cast<detail::BandPair*>(
      s.AllocateTemp((total_ops / 2 + 1) * sizeof(detail::BandPair)));
  if (found == nullptr) {
    return s.OutOfMemory((total_ops / 2 + 1) * sizeof(detail::BandPair), "row band records");
  }
  uint32_t count = 0, first_op = 0;
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
    count += FindBandPairs(s, g, s.row_windows + first_op, found + count);
    first_op += s.subgraphs[g].num_ops;
  }
  if (count == 0) return Status::kOk;
  s.bands = static_cast<detail::BandPair*>(s.AllocatePersistent(count * sizeof(detail::BandPair)));
  if (s.bands == nullptr) return s.OutOfMemory(count * sizeof(detail::BandPair), "row bands");
  memcpy(s.bands, found, count * sizeof(detail::BandPair));
  s.num_bands = count;
  return Status::kOk;
}

// The main subgraph keeps the model's order unless another makes the whole
// arena smaller: its plan, the persistent order and the temporary memory of
// trying. An arena without room for trying keeps the model's order; that is
// the order measuring chose whenever the arena is the measured size.
Status Interpreter::ChooseOrder(uint16_t* plan_index, PlanBuffer* buffers, PlanOverlap* overlaps,
                                void* work) {
  detail::Session& s = session_;
  const uint32_t n = s.subgraphs[0].num_ops;
  const size_t tail_before = s.tail;
  const size_t words = 3 * static_cast<size_t>(n) + OrderWorkWords(s);
  auto* temp = static_cast<uint16_t*>(s.AllocateTemp(words * sizeof(uint16_t)));
  if (temp == nullptr) return Status::kOk;
  uint16_t* trial = temp;
  uint16_t* best = temp + n;
  uint16_t* position = temp + 2 * n;
  uint32_t first_scratch = 0;
  size_t lower = 0;
  const size_t model_bytes =
      PlanSubgraph(s, 0, plan_index, buffers, overlaps, work, &first_scratch, &lower);
  size_t best_bytes = model_bytes;
  const OrderRule rules[] = {OrderRule::kDepthFirst, OrderRule::kMemoryFirst};
  for (const OrderRule rule : rules) {
    if (!ExecutionOrder(s, rule, trial, temp + 3 * n)) continue;
    for (uint32_t at = 0; at < n; ++at) position[trial[at]] = static_cast<uint16_t>(at);
    s.order = trial;
    s.position = position;
    const size_t bytes =
        PlanSubgraph(s, 0, plan_index, buffers, overlaps, work, &first_scratch, &lower);
    if (bytes < best_bytes) {
      best_bytes = bytes;
      memcpy(best, trial, n * sizeof(uint16_t));
    }
  }
  s.order = nullptr;
  s.position = nullptr;
  const size_t head = s.measuring ? s.head + s.measured_persistent : s.head;
  const size_t temp_without = s.arena_size - tail_before;
  const size_t temp_with = s.arena_size - s.tail;
  const size_t without =
      AlignUp(head, kArenaAlignment) + (model_bytes > temp_without ? model_bytes : temp_without);
  const size_t with =
      AlignUp(AlignUp(head, 8) + AlignUp(n * sizeof(uint16_t), 8), kArenaAlignment) +
      (best_bytes > temp_with ? best_bytes : temp_with);
  if (best_bytes == model_bytes || with >= without) {
    s.tail = tail_before;
    return Status::kOk;
  }
  auto* kept = static_cast<uint16_t*>(s.AllocatePersistent(n * sizeof(uint16_t)));
  if (kept == nullptr) return s.OutOfMemory(n * sizeof(uint16_t), "the operator order");
  memcpy(kept, best, n * sizeof(uint16_t));
  for (uint32_t at = 0; at < n; ++at) position[kept[at]] = static_cast<uint16_t>(at);
  s.order = kept;
  s.position = position;
  SortRecomputed(s);
  return Status::kOk;
}

// Each subgraph gets its own region, stacked after the previous one: a called
// subgraph runs inside its caller's operator, while the caller's buffers live.
Status Interpreter::PlanActivations() {
  detail::Session& s = session_;
  if (s.num_scratch > 0) {
    const size_t bytes = s.num_scratch * sizeof(uint8_t*);
    if (s.measuring) {
      s.measured_persistent += AlignUp(bytes, 8);
    } else {
      s.scratch = static_cast<uint8_t**>(s.AllocatePersistent(bytes));
      if (s.scratch == nullptr) return s.OutOfMemory(bytes, "scratch table");
    }
  }
  // Planner inputs sized exactly: on tiny models these temporaries, not the
  // activations, can set the arena's size.
  uint32_t max_tensors = 0, max_buffers = 0, max_overlaps = 0;
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
    const detail::SubgraphState& state = s.subgraphs[g];
    if (state.num_tensors > max_tensors) max_tensors = state.num_tensors;
    uint32_t count = 0, windows = 0;
    for (uint32_t i = 0; i < state.num_tensors; ++i) count += Planned(state.tensors[i]) ? 1 : 0;
    for (uint32_t k = 0; k < s.num_scratch; ++k) count += ScratchRequestAt(s, k).subgraph == g;
    for (uint32_t i = 0; i < state.num_ops; ++i)
      windows += state.ops[i].kernel->window_overlap != nullptr;
    if (count > kMaxPlanBuffers) {
      return s.error->Set(Status::kUnsupported,
                          "subgraph %u has %u activation and scratch buffers, over %u", g, count,
                          kMaxPlanBuffers);
    }
    if (count > max_buffers) max_buffers = count;
    if (windows > max_overlaps) max_overlaps = windows;
  }
  uint16_t* plan_index = static_cast<uint16_t*>(s.AllocateTemp(max_tensors * sizeof(uint16_t)));
  PlanBuffer* buffers = static_cast<PlanBuffer*>(s.AllocateTemp(max_buffers * sizeof(PlanBuffer)));
  PlanOverlap* overlaps =
      static_cast<PlanOverlap*>(s.AllocateTemp(max_overlaps * sizeof(PlanOverlap)));
  const size_t work_bytes = PlanWorkBytes(max_buffers, max_overlaps > 0);
  void* work = s.AllocateTemp(work_bytes);
  if ((plan_index == nullptr && max_tensors > 0) ||
      ((buffers == nullptr || work == nullptr) && max_buffers > 0) ||
      (overlaps == nullptr && max_overlaps > 0)) {
    return s.OutOfMemory(max_tensors * sizeof(uint16_t) + max_buffers * sizeof(PlanBuffer) +
                             max_overlaps * sizeof(PlanOverlap) + work_bytes,
                         "planner work space");
  }
  if (MayReorder(s)) MICROML_RETURN_IF_ERROR(ChooseOrder(plan_index, buffers, overlaps, work));
  const size_t temp_peak = s.arena_size - s.tail;
  const size_t persistent =
      AlignUp(s.measuring ? s.head + s.measured_persistent : s.head, kArenaAlignment);

  // First pass sizes every region; the second (skipped when measuring or when
  // the arena is too small) writes the addresses.
  size_t total = 0, floor = 0;
  for (int pass = 0; pass < 2; ++pass) {
    size_t region = 0;
    for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
      const detail::SubgraphState& state = s.subgraphs[g];
      uint32_t first_scratch = 0;
      size_t lower = 0;
      const size_t bytes =
          PlanSubgraph(s, g, plan_index, buffers, overlaps, work, &first_scratch, &lower);
      if (pass == 1) {
        uint8_t* base = s.arena + persistent + region;
        for (uint32_t i = 0; i < state.num_tensors; ++i) {
          if (plan_index[i] != kNotPlanned)
            state.tensors[i].data = base + buffers[plan_index[i]].offset;
        }
        uint32_t n = first_scratch;
        for (uint32_t k = 0; k < s.num_scratch; ++k) {
          if (ScratchRequestAt(s, k).subgraph == g) s.scratch[k] = base + buffers[n++].offset;
        }
        for (detail::RecomputedScales* r = FirstRecomputed(s, g); r != nullptr && r->subgraph == g;
             r = r->next) {
          *r->multiplier = reinterpret_cast<int32_t*>(s.scratch[r->scratch]);
          *r->shift = reinterpret_cast<int8_t*>(*r->multiplier + r->filter_scales.size());
        }
      }
      region += bytes;
      floor += lower;
    }
    total = region;
    if (pass == 0) {
      arena_used_ = persistent + (total > temp_peak ? total : temp_peak);
      plan_bytes_ = total;
      plan_floor_bytes_ = floor;
      plan_start_ = persistent;
      if (s.measuring) return Status::kOk;
      if (arena_used_ > s.arena_size) {
        return s.error->Set(Status::kArenaTooSmall,
                            "arena too small: model needs %zu bytes, given %zu", arena_used_,
                            s.arena_size);
      }
    }
  }
  s.tail = s.arena_size;
  return Status::kOk;
}

Status Interpreter::Invoke() {
  if (!ready_) return error_.Set(Status::kInvalidState, "invoke before a successful setup");
  session_.call_depth = 0;
  return session_.RunSubgraph(0);
}

void Interpreter::set_op_observer(OpObserver fn, void* user) {
  op_observer_ = fn;
  op_observer_user_ = user;
  session_.op_observer = fn;
  session_.op_observer_user = user;
}

size_t Interpreter::planned_bytes(uint32_t tensor) const {
  if (!ready_ || tensor >= session_.subgraphs[0].num_tensors) return 0;
  const detail::SubgraphState& state = session_.subgraphs[0];
  const SubgraphRef graph = session_.model->subgraph(0);
  for (uint32_t k = 0; k < session_.num_bands; ++k) {
    const detail::BandPair& pair = session_.bands[k];
    if (pair.subgraph == 0 && graph.op(pair.op).outputs()[0] == static_cast<int32_t>(tensor)) {
      return BandBytes(state.tensors[tensor], pair);
    }
  }
  return state.tensors[tensor].bytes;
}

bool Interpreter::NeedsReset() const {
  const detail::Session& s = session_;
  if (s.num_resources > 0) return true;
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
    const detail::SubgraphState& state = s.subgraphs[g];
    for (uint32_t i = 0; i < state.num_tensors; ++i) {
      if (state.tensors[i].flags & kTensorVariable) return true;
    }
    for (uint32_t i = 0; i < state.num_ops; ++i) {
      if (state.ops[i].kernel->reset != nullptr) return true;
    }
  }
  return false;
}

void Interpreter::Reset() {
  if (!ready_ || !needs_reset_) return;
  detail::Session& s = session_;
  for (uint32_t g = 0; g < s.num_subgraphs; ++g) {
    const detail::SubgraphState& state = s.subgraphs[g];
    for (uint32_t i = 0; i < state.num_tensors; ++i) {
      const Tensor& t = state.tensors[i];
      if ((t.flags & kTensorVariable) && t.type != TensorType::kRESOURCE && t.data != nullptr) {
        memset(t.data, VariableFill(s.model->subgraph(g).tensor(i)), t.bytes);
      }
    }
    const SubgraphRef graph = s.model->subgraph(g);
    for (uint32_t i = 0; i < state.num_ops; ++i) {
      if (state.ops[i].kernel->reset == nullptr) continue;
      const OperatorRef op = graph.op(i);
      OpContext ctx(&s, g, i, op, &state.ops[i], state.tensors);
      state.ops[i].kernel->reset(ctx);
    }
  }
  for (uint32_t r = 0; r < s.num_resources; ++r) {
    const detail::ResourceVariable& v = s.resources[r];
    if (v.data != nullptr) memset(v.data, v.fill, v.bytes);
  }
}

}  // namespace microml
