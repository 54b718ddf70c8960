// Runs one model inside one caller-supplied arena.
//
// Everything the interpreter needs at run time - tensor records, per-operator
// data, activations and kernel scratch - is carved from that arena during
// Setup(); nothing is allocated afterwards and nothing lives in globals. The
// figure arena_used_bytes() reports is therefore the whole RAM cost of the
// model (besides the stack and this small object).
#ifndef MICROML_INTERPRETER_H_
#define MICROML_INTERPRETER_H_

#include <stddef.h>
#include <stdint.h>

#include "microml/kernel.h"
#include "microml/model.h"
#include "microml/status.h"
#include "microml/tensor.h"

namespace microml {

struct PlanBuffer;
struct PlanOverlap;

// Arena start and every planned buffer are aligned to this.
constexpr size_t kArenaAlignment = 16;

// Called around every operator's eval (after == false before it, true after
// it, also when it fails), for profiling. A plain function pointer: nothing
// for the runtime to carry when no one profiles.
using OpObserver = void (*)(void* user, uint32_t subgraph, uint32_t op_index, bool after);

// What setup gives up, when it must, to fit the arena it is given: it takes
// the first of these, cheapest first, whose plan fits.
enum class ArenaTradeoff : uint8_t {
  kNone,
  // Per-channel requantization recomputed before each operator's eval, in
  // scratch shared across operators (a double division and a few integer
  // operations per output channel; integers only on a single-precision FPU).
  kRecomputedScales,
  // Pairs of window operators run a band of rows at a time, so that the
  // tensor between them never exists whole (more kernel calls and a few rows
  // copied; see detail::BandPair).
  kRowBands,
  // Both.
  kAll,
};

inline bool RunsRowBands(ArenaTradeoff t) {
  return t == ArenaTradeoff::kRowBands || t == ArenaTradeoff::kAll;
}
inline bool RecomputesScales(ArenaTradeoff t) {
  return t == ArenaTradeoff::kRecomputedScales || t == ArenaTradeoff::kAll;
}

namespace detail {

// Scratch buffers one operator may request; the session reserves this many
// slots per operator.
constexpr uint32_t kMaxScratchPerOp = 4;

// Kept only during setup, one per request, stacked down from the arena's tail:
// small because on tiny models setup bookkeeping, not activations, can set the
// arena's size.
struct ScratchRequest {
  uint32_t bytes;
  uint16_t subgraph;
  uint16_t op;
};

// Kept only during setup, one per operator: how far the operator's output may
// start after its input 0 (see WindowOverlap); step 0 when it may not overlap.
struct WindowLead {
  int32_t lead;
  uint32_t step;
};

// One operator's per-channel requantization, recomputed into its scratch
// before each of its evals (see OpContext::RecomputeScalesEachEval): the
// arena then holds one operator's tables at a time instead of every one.
struct RecomputedScales {
  RecomputedScales* next;  // the next one in setup order: by subgraph, then operator
  int32_t** multiplier;    // where the kernel reads its tables
  int8_t** shift;
  VectorRef<float> filter_scales;
  float input_scale;
  float output_scale;
  uint16_t subgraph;
  uint16_t op;
  uint16_t scratch;  // index into the session's scratch table
};

// Two operators run together a band of rows at a time: the producer `op`
// writes its output (the consumer's input 0, used by no other operator) a few
// rows at a time into a buffer that holds only the rows the consumer's next
// output row reads, so that tensor never exists whole. Both are window
// operators without top padding on that axis; extents and strides are their
// RowWindows'.
struct BandPair {
  uint16_t subgraph;
  uint16_t op;  // the producer; the consumer is op + 1
  uint16_t producer_extent;
  uint16_t producer_stride;
  uint16_t consumer_extent;
  uint16_t consumer_stride;
};

struct SubgraphState {
  Tensor* tensors;
  OpRecord* ops;
  uint32_t num_tensors;
  uint32_t num_ops;
};

// A resource variable (VAR_HANDLE): identified by container and shared name,
// its buffer is allocated by the first ASSIGN_VARIABLE that names its size.
struct ResourceVariable {
  const char* container;  // nullptr when the model gives none
  const char* shared_name;
  void* data;
  uint32_t bytes;
  TensorType type;
  uint8_t fill;  // byte the buffer holds initially and after Reset()
};

// Interpreter state shared with kernels through OpContext. Not for applications.
struct Session {
  const Model* model = nullptr;
  const OpResolver* resolver = nullptr;
  ErrorMessage* error = nullptr;
  uint8_t* arena = nullptr;
  size_t arena_size = 0;
  // Two-ended allocation during setup: persistent data grows up from `head`,
  // setup-only temporaries grow down from `tail`.
  size_t head = 0;
  size_t tail = 0;
  bool measuring = false;
  ArenaTradeoff tradeoff = ArenaTradeoff::kNone;
  // Every RecomputedScales, and during setup where the next one is linked.
  RecomputedScales* recomputed = nullptr;
  RecomputedScales** recomputed_tail = nullptr;
  // In measuring mode: persistent bytes counted but not kept.
  size_t measured_persistent = 0;

  SubgraphState* subgraphs = nullptr;
  uint32_t num_subgraphs = 0;
  uint8_t** scratch = nullptr;  // per scratch buffer, its address (after setup)
  // Setup only: the latest request, in the tail; request k (in request order)
  // is scratch_requests[num_scratch - 1 - k].
  ScratchRequest* scratch_requests = nullptr;
  uint32_t num_scratch = 0;
  BandPair* bands = nullptr;  // by subgraph, then operator
  uint32_t num_bands = 0;
  // The main subgraph's execution order (operator at each position) when it
  // is not the model's; during setup also a trial one.
  const uint16_t* order = nullptr;
  // Setup only: each operator's position in `order`.
  const uint16_t* position = nullptr;
  // Setup only: per operator of every subgraph in turn, its RowWindow (extent
  // 0 when it has none), worked out after its prepare.
  RowWindow* row_windows = nullptr;
  // Setup only: per operator of every subgraph in turn, worked out after its
  // prepare (while its operator data exists, also when measuring).
  WindowLead* window_leads = nullptr;
  ResourceVariable* resources = nullptr;
  uint32_t num_resources = 0;
  uint32_t resource_capacity = 0;
  uint32_t call_depth = 0;
  OpObserver op_observer = nullptr;
  void* op_observer_user = nullptr;

  void* AllocatePersistent(size_t bytes);
  void* AllocateTemp(size_t bytes);
  Status OutOfMemory(size_t bytes, const char* what);
  Status RunSubgraph(uint32_t index);
  Status RunBands(uint32_t subgraph, const BandPair& pair);
};

}  // namespace detail

class Interpreter {
 public:
  Interpreter() = default;
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Verifies operators against `resolver`, prepares every kernel and plans the
  // arena. `model` and `resolver` must outlive the interpreter. On failure the
  // message names what is wrong (for a small arena: bytes needed and given).
  // Tradeoffs below `least` are not tried (for tests and for trying a
  // tradeoff's cost).
  Status Setup(const Model& model, const OpResolver& resolver, void* arena, size_t arena_size,
               ArenaTradeoff least = ArenaTradeoff::kNone);

  // Computes the arena size Setup() will need, using `work` as temporary memory
  // (work_bytes_estimate() bytes suffice in practice; when they do not, the
  // error says how many do).
  //
  // Setup takes the fastest plan that fits its arena, trying the
  // ArenaTradeoffs in order. With no `arena_limit`, the size reported is the
  // default plan's: the smaller of the fastest and the one recomputing
  // per-channel scales, which costs under 1% of a convolution network's
  // instructions for most of its metadata (bench/RESULTS.md); an arena as
  // large as the fastest plan's buys that plan. With `arena_limit`, the size
  // reported is the fastest plan within it; when even the smallest is above
  // it, the status is kArenaTooSmall, *arena_bytes the smallest, and the
  // error names the fastest and the smallest. kArenaTooSmall with
  // *arena_bytes untouched means `work` was too small.
  static Status MeasureArena(const Model& model, const OpResolver& resolver, void* work,
                             size_t work_size, size_t* arena_bytes, ErrorMessage* error,
                             size_t arena_limit = SIZE_MAX,
                             ArenaTradeoff least = ArenaTradeoff::kNone);
  static size_t WorkBytesEstimate(const Model& model);

  // Runs the model once. Inputs must be (re)written before every call: the
  // planner reuses input memory once it is consumed.
  Status Invoke();
  // Returns all state to its initial value: variable tensors and resource
  // variables are zeroed and run-once operators (CALL_ONCE) will run again.
  void Reset();

  // Installs `fn` (nullptr removes it) to be called around each operator of
  // every later Invoke(); kept across Setup(). Costs one test per operator
  // when unset.
  void set_op_observer(OpObserver fn, void* user);

  bool ready() const { return ready_; }
  size_t num_inputs() const;
  size_t num_outputs() const;
  Tensor* input(size_t i) const;
  Tensor* output(size_t i) const;
  TensorRef input_ref(size_t i) const;
  TensorRef output_ref(size_t i) const;
  const Model& model() const { return *session_.model; }
  // Bytes of the arena this model needs (valid after a successful Setup, and
  // after a failed one that got as far as planning).
  size_t arena_used_bytes() const { return arena_used_; }
  // Of those, the region of activations and kernel scratch, and the most of
  // it alive during any one operator (no placement can beat that floor).
  size_t plan_bytes() const { return plan_bytes_; }
  size_t plan_floor_bytes() const { return plan_floor_bytes_; }
  // What setup gave up to fit the arena it was given.
  ArenaTradeoff arena_tradeoff() const { return ready_ ? session_.tradeoff : ArenaTradeoff::kNone; }
  // Operator pairs run in row bands.
  uint32_t band_pairs() const { return ready_ ? session_.num_bands : 0; }
  // For tools that draw the plan (after a successful Setup): where the region
  // starts, and subgraph `index`'s tensor records.
  const uint8_t* plan_region() const { return ready_ ? session_.arena + plan_start_ : nullptr; }
  const Tensor* tensors(uint32_t index) const {
    return ready_ && index < session_.num_subgraphs ? session_.subgraphs[index].tensors : nullptr;
  }
  // The operator of subgraph 0 that runs at `position`: setup may choose an
  // order other than the model's where that plans smaller (graphs with
  // branches).
  uint32_t op_at(uint32_t position) const {
    return ready_ && session_.order != nullptr ? session_.order[position] : position;
  }
  // The arena bytes a planned tensor of subgraph 0 has: its own, or its
  // band's when it lies between an operator pair run in row bands.
  size_t planned_bytes(uint32_t tensor) const;
  const char* error() const { return error_.text(); }

 private:
  Status SetupImpl();
  // Setup, or measuring when `measuring`, giving up `tradeoff`; `arena` and
  // `arena_size` already aligned.
  Status Attempt(const Model& model, const OpResolver& resolver, uint8_t* arena, size_t arena_size,
                 bool measuring, ArenaTradeoff tradeoff, ErrorMessage* error);
  Status BindTensors(uint32_t subgraph);
  Status PrepareOps(uint32_t subgraph, detail::WindowLead* leads, RowWindow* rows);
  Status ChooseBandPairs(uint32_t total_ops);
  Status ChooseOrder(uint16_t* plan_index, PlanBuffer* buffers, PlanOverlap* overlaps, void* work);
  Status PlanActivations();

  // Whether Reset() finds anything to reset (variable tensors, resource
  // variables, kernels with a reset), found once at setup.
  bool NeedsReset() const;

  detail::Session session_;
  // Subgraph 0's input and output tensor indices, read from the model once.
  VectorRef<int32_t> inputs_;
  VectorRef<int32_t> outputs_;
  bool needs_reset_ = false;
  OpObserver op_observer_ = nullptr;
  void* op_observer_user_ = nullptr;
  ErrorMessage error_;
  size_t arena_used_ = 0;
  size_t plan_bytes_ = 0;
  size_t plan_floor_bytes_ = 0;
  size_t plan_start_ = 0;
  bool ready_ = false;
};

}  // namespace microml

#endif  // MICROML_INTERPRETER_H_
