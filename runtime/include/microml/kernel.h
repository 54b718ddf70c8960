// The contract between the interpreter and an operator kernel.
//
// A kernel is a pair of plain functions in a const KernelRegistration:
//   prepare: runs once at setup. Validates types and shapes, precomputes what
//            eval needs (quantization multipliers, padding) into persistent
//            op data, and requests scratch memory. Every error a model can
//            cause must surface here, never in eval.
//   eval:    runs on every invocation; may assume prepare succeeded.
// No virtual functions and no globals with constructors: registrations are
// constant data, so the runtime links into a MicroPython native module.
#ifndef MICROML_KERNEL_H_
#define MICROML_KERNEL_H_

#include <stddef.h>
#include <stdint.h>

#include "microml/model.h"
#include "microml/status.h"
#include "microml/tensor.h"

namespace microml {

namespace detail {
struct Session;
}

// Per-operator runtime record (in the arena).
struct OpRecord {
  const struct KernelRegistration* kernel;
  void* op_data;
  uint16_t first_scratch;  // index into the session's scratch table
  uint16_t num_scratch;
};

class OpContext {
 public:
  OpContext(detail::Session* session, uint32_t subgraph, uint32_t op_index, const OperatorRef& op,
            OpRecord* record, Tensor* tensors);

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  // nullptr for an omitted optional input (index -1 in the model) or i out of range.
  Tensor* input(int i) const { return TensorAt(inputs_, i); }
  Tensor* output(int i) const { return TensorAt(outputs_, i); }
  int32_t input_tensor_index(int i) const { return IndexAt(inputs_, i); }
  int32_t output_tensor_index(int i) const { return IndexAt(outputs_, i); }
  // Static description (name, quantization) from the model.
  TensorRef input_ref(int i) const;
  TensorRef output_ref(int i) const;
  TensorRef tensor_ref(int32_t tensor_index) const;
  Tensor* tensor(int32_t tensor_index) const { return &tensors_[tensor_index]; }

  const OperatorRef& op() const { return op_; }
  OptionsType options_type() const { return op_.builtin_options_type(); }
  TableRef options() const { return op_.builtin_options(); }
  // Read from the model when asked: kernels need it at prepare only, and
  // every eval would pay for looking it up.
  int32_t version() const;
  uint32_t op_index() const { return op_index_; }
  uint32_t subgraph_index() const { return subgraph_; }
  const Model& model() const;

  // --- prepare only ---
  // 8-byte aligned, zero-filled, lives as long as the interpreter. nullptr (with
  // the error already recorded) when the arena has no room.
  void* AllocatePersistent(size_t bytes);
  template <typename T>
  T* AllocatePersistent() {
    return static_cast<T*>(AllocatePersistent(sizeof(T)));
  }
  void set_op_data(void* data) { record_->op_data = data; }
  // Scratch memory valid only while this operator runs; obtained with scratch().
  Status RequestScratch(size_t bytes, int* index);
  // Whether this setup recomputes per-channel requantization before each eval
  // instead of keeping it: Interpreter::Setup does when the arena is too small
  // for the plan that keeps it.
  bool recomputes_scales() const;
  // `filter_scales.size()` multipliers and shifts, worked out as TFLM does
  // (double(input_scale) * double(filter_scales[c]) / double(output_scale),
  // then QuantizeMultiplier) before each eval of this operator, in scratch the
  // planner shares with other operators; *multiplier and *shift point there
  // once the arena is planned. Only when recomputes_scales().
  Status RecomputeScalesEachEval(float input_scale, const VectorRef<float>& filter_scales,
                                 float output_scale, int32_t** multiplier, int8_t** shift);

  // --- prepare and eval ---
  void* op_data() const { return record_->op_data; }
  template <typename T>
  T* op_data_as() const {
    return static_cast<T*>(record_->op_data);
  }
  void* scratch(int index) const;

  // --- control flow (IF, WHILE, CALL_ONCE) ---
  uint32_t num_subgraphs() const;
  // Checks that `index` names a subgraph other than the caller's own.
  Status CheckSubgraph(int32_t index, const char* role);
  uint32_t subgraph_num_inputs(uint32_t index) const;
  uint32_t subgraph_num_outputs(uint32_t index) const;
  Tensor* subgraph_input(uint32_t index, uint32_t i) const;
  Tensor* subgraph_output(uint32_t index, uint32_t i) const;
  // Eval only: runs every operator of subgraph `index` once.
  Status InvokeSubgraph(uint32_t index);

  // --- resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) ---
  // Prepare: the id of the variable named (container, shared_name), created on
  // first use. A nullptr container matches a variable of any container, as in
  // TFLM (converters omit the container to save space).
  Status FindOrCreateResource(const char* container, const char* shared_name, int32_t* id);
  // Prepare: gives resource `id` a buffer of `bytes` of `type` the first time,
  // every byte set to `fill` (TFLM starts a variable at its int8 zero point);
  // later calls must agree on size and type.
  Status BindResource(int32_t id, uint32_t bytes, TensorType type, uint8_t fill = 0);
  // Eval: the buffer of resource `id` (nullptr when unknown or never bound).
  void* resource_data(int32_t id, uint32_t* bytes) const;

  // Records "<OP> (operator #N): <message>" and returns `status`.
  Status Fail(Status status, const char* format, ...) MICROML_PRINTF_FORMAT(3, 4);
  // Shorthand for the most common failure: a type combination we do not run.
  Status FailUnsupportedTypes();
  // "INT8, INT8 -> INT8": the operator's input and output types.
  void FormatTypes(char* out, size_t size) const;

 private:
  Tensor* TensorAt(const VectorRef<int32_t>& v, int i) const {
    const int32_t index = IndexAt(v, i);
    return index < 0 ? nullptr : &tensors_[index];
  }
  static int32_t IndexAt(const VectorRef<int32_t>& v, int i) {
    return (i < 0 || static_cast<uint32_t>(i) >= v.size()) ? -1 : v[static_cast<uint32_t>(i)];
  }

  detail::Session* session_;
  uint32_t subgraph_;
  uint32_t op_index_;
  OperatorRef op_;
  VectorRef<int32_t> inputs_;
  VectorRef<int32_t> outputs_;
  OpRecord* record_;
  Tensor* tensors_;
};

// How a window operator's kernel (CONV_2D, DEPTHWISE_CONV_2D, pooling) walks
// its output, so that the planner may let output 0 overlap input 0 where that
// input dies: output row y reads input rows from y * stride_h - pad_h on, and
// output pixels (in batch, row, column order) are finished in order with at
// most `pixels` in flight: once any byte of pixel q is written, only input
// that pixels q - pixels + 1 and later need is read. A `channel_local` kernel
// may instead walk the pixels once per group of channels, each walk reading
// only the input channels equal to the output channels it writes.
struct WindowOverlap {
  int32_t stride_h;
  int32_t pad_h;
  int32_t pixels;
  bool channel_local;
};

// The rows of input 0 a window operator's output row y reads: from
// y * stride - pad, `extent` rows (some of which may be padding).
struct RowWindow {
  int32_t extent;
  int32_t stride;
  int32_t pad;
};

struct KernelRegistration {
  int32_t builtin_code;     // a BuiltinOp value; kCUSTOM for custom operators
  const char* custom_name;  // for kCUSTOM only, else nullptr
  int32_t max_version;      // operator versions 1..max_version are accepted
  Status (*prepare)(OpContext& ctx);
  Status (*eval)(OpContext& ctx);
  // Optional: returns per-operator state (e.g. "has run") to its initial value
  // when the application resets the interpreter.
  void (*reset)(OpContext& ctx) = nullptr;
  // The type variants this kernel runs, space separated, as listed in
  // docs/operators.md (e.g. "float32 int8 int16"). Documentation only: prepare
  // is what accepts or rejects a model.
  const char* variants = nullptr;
  // Bit k set: output 0 may be planned in input k's memory when that input
  // dies at this operator and has the output's bytes and element width. Only
  // for kernels whose eval reads every element of that input before writing
  // the output element at the same place (element-wise operators, copies).
  uint8_t in_place_inputs = 0;
  // Optional, for window operators: fills `out` and returns true when this
  // kernel, for this operator's shapes, keeps the walk WindowOverlap describes.
  // Called right after a successful prepare, with its operator data.
  bool (*window_overlap)(OpContext& ctx, WindowOverlap* out) = nullptr;
  // Optional, for window operators whose eval takes every shape from the
  // tensors it is given: fills `out` and returns true. The interpreter may then
  // run the operator on views of a band of rows (input 0 and output 0 of batch
  // 1 with fewer rows, their data pointing into the band) to fit a tight
  // arena. Called at setup and eval, with the operator data.
  bool (*row_window)(OpContext& ctx, RowWindow* out) = nullptr;
};

// The set of kernels an application links. Applications that want a small image
// build their own table of the registrations they need.
struct OpResolver {
  const KernelRegistration* const* kernels;
  size_t count;
  // Searched when `kernels` has no match (the optimized resolver falls back to
  // the reference kernels this way).
  const OpResolver* fallback = nullptr;

  const KernelRegistration* Find(int32_t builtin_code, const char* custom_name) const;
};

// Every reference kernel in the runtime.
const OpResolver& AllOpsResolver();

// The optimized kernels of this build's target (runtime/src/kernels/arm/:
// Arm DSP, Helium or their portable equivalent), listed before every reference
// kernel, so operators without an optimized kernel still run. An optimized
// kernel shares its operator's prepare with the reference kernel: both accept
// and reject exactly the same models.
const OpResolver& OptimizedOpsResolver();

// The instruction-set level OptimizedOpsResolver's kernels run at: on x86-64
// "portable", "sse4.1", "avx2" or "avx512-vnni", the highest this CPU has
// unless the MICROML_X86_LEVEL environment variable names a lower one; on
// other targets "portable" (Arm builds choose their paths at compile time).
const char* OptimizedKernelsLevel();

// False when MICROML_X86_LEVEL is unset or names a level this CPU has; else
// true, with why it cannot be honoured (an unknown name, or a level above this
// CPU's) written to `message` (`size` bytes), for tools to report before
// running anything.
[[nodiscard]] bool OptimizedKernelsLevelError(char* message, size_t size);

}  // namespace microml

#endif  // MICROML_KERNEL_H_
