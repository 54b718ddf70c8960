#include <string.h>

#include "microml/interpreter.h"
#include "microml/kernel.h"

namespace microml {

namespace {

bool SameName(const char* a, const char* b) {
  return strcmp(a == nullptr ? "" : a, b == nullptr ? "" : b) == 0;
}
}  // namespace

OpContext::OpContext(detail::Session* session, uint32_t subgraph, uint32_t op_index,
                     const OperatorRef& op, OpRecord* record, Tensor* tensors)
    : session_(session),
      subgraph_(subgraph),
      op_index_(op_index),
      op_(op),
      inputs_(op.inputs()),
      outputs_(op.outputs()),
      record_(record),
      tensors_(tensors) {}

int32_t OpContext::version() const {
  return session_->model->operator_code(op_.opcode_index()).version;
}

const Model& OpContext::model() const {
  return *session_->model;
}

TensorRef OpContext::tensor_ref(int32_t tensor_index) const {
  return session_->model->subgraph(subgraph_).tensor(static_cast<uint32_t>(tensor_index));
}

TensorRef OpContext::input_ref(int i) const {
  const int32_t index = input_tensor_index(i);
  return index < 0 ? TensorRef() : tensor_ref(index);
}

TensorRef OpContext::output_ref(int i) const {
  const int32_t index = output_tensor_index(i);
  return index < 0 ? TensorRef() : tensor_ref(index);
}

void* OpContext::AllocatePersistent(size_t bytes) {
  void* p = session_->AllocatePersistent(bytes);
  if (p == nullptr) {
    Fail(Status::kArenaTooSmall,
         "arena too small: %zu bytes given, no room for %zu bytes of "
         "operator data",
         session_->arena_size, bytes);
  }
  return p;
}

Status OpContext::RequestScratch(size_t bytes, int* index) {
  if (record_->num_scratch >= detail::kMaxScratchPerOp) {
    return Fail(Status::kInvalidState, "more than %u scratch buffers requested",
                detail::kMaxScratchPerOp);
  }
  if (bytes > 0x7FFFFFF0u) return Fail(Status::kUnsupported, "scratch of %zu bytes", bytes);
  // Nothing else takes temporary memory while operators prepare, so the
  // requests stay contiguous.
  auto* r =
      static_cast<detail::ScratchRequest*>(session_->AllocateTemp(sizeof(detail::ScratchRequest)));
  if (r == nullptr) {
    return Fail(Status::kArenaTooSmall,
                "arena too small: %zu bytes given, no room to record a scratch request",
                session_->arena_size);
  }
  r->bytes = static_cast<uint32_t>(bytes);
  r->subgraph = static_cast<uint16_t>(subgraph_);
  r->op = static_cast<uint16_t>(op_index_);
  session_->scratch_requests = r;
  if (record_->num_scratch == 0) {
    record_->first_scratch = static_cast<uint16_t>(session_->num_scratch);
  }
  *index = record_->num_scratch;
  ++record_->num_scratch;
  ++session_->num_scratch;
  return Status::kOk;
}

bool OpContext::recomputes_scales() const {
  return RecomputesScales(session_->tradeoff);
}

Status OpContext::RecomputeScalesEachEval(float input_scale, const VectorRef<float>& filter_scales,
                                          float output_scale, int32_t** multiplier,
                                          int8_t** shift) {
  if (!recomputes_scales()) {
    return Fail(Status::kInvalidState, "per-channel scales recomputed in a setup that keeps them");
  }
  int index = 0;
  MICROML_RETURN_IF_ERROR(
      RequestScratch(static_cast<size_t>(filter_scales.size()) * (sizeof(int32_t) + 1), &index));
  auto* r = AllocatePersistent<detail::RecomputedScales>();
  if (r == nullptr) return Status::kArenaTooSmall;
  r->multiplier = multiplier;
  r->shift = shift;
  r->filter_scales = filter_scales;
  r->input_scale = input_scale;
  r->output_scale = output_scale;
  r->subgraph = static_cast<uint16_t>(subgraph_);
  r->op = static_cast<uint16_t>(op_index_);
  r->scratch = static_cast<uint16_t>(record_->first_scratch + index);
  // Measuring drops operator data after each prepare: only the bytes count.
  if (!session_->measuring) {
    *session_->recomputed_tail = r;
    session_->recomputed_tail = &r->next;
  }
  return Status::kOk;
}

void* OpContext::scratch(int index) const {
  return session_->scratch[record_->first_scratch + index];
}

uint32_t OpContext::num_subgraphs() const {
  return session_->num_subgraphs;
}

Status OpContext::CheckSubgraph(int32_t index, const char* role) {
  if (index < 0 || static_cast<uint32_t>(index) >= session_->num_subgraphs) {
    return Fail(Status::kInvalidModel, "%s subgraph %d does not exist (model has %u)", role,
                static_cast<int>(index), session_->num_subgraphs);
  }
  if (static_cast<uint32_t>(index) == subgraph_) {
    return Fail(Status::kInvalidModel, "%s subgraph %d is the calling subgraph", role,
                static_cast<int>(index));
  }
  return Status::kOk;
}

uint32_t OpContext::subgraph_num_inputs(uint32_t index) const {
  return session_->model->subgraph(index).inputs().size();
}

uint32_t OpContext::subgraph_num_outputs(uint32_t index) const {
  return session_->model->subgraph(index).outputs().size();
}

Tensor* OpContext::subgraph_input(uint32_t index, uint32_t i) const {
  const VectorRef<int32_t> inputs = session_->model->subgraph(index).inputs();
  return i < inputs.size() ? &session_->subgraphs[index].tensors[inputs[i]] : nullptr;
}

Tensor* OpContext::subgraph_output(uint32_t index, uint32_t i) const {
  const VectorRef<int32_t> outputs = session_->model->subgraph(index).outputs();
  return i < outputs.size() ? &session_->subgraphs[index].tensors[outputs[i]] : nullptr;
}

Status OpContext::InvokeSubgraph(uint32_t index) {
  return session_->RunSubgraph(index);
}

Status OpContext::FindOrCreateResource(const char* container, const char* shared_name,
                                       int32_t* id) {
  detail::Session& s = *session_;
  for (uint32_t r = 0; r < s.num_resources; ++r) {
    if ((container == nullptr || SameName(s.resources[r].container, container)) &&
        SameName(s.resources[r].shared_name, shared_name)) {
      *id = static_cast<int32_t>(r);
      return Status::kOk;
    }
  }
  if (s.num_resources >= s.resource_capacity) {
    return Fail(Status::kInvalidState, "more resource variables than VAR_HANDLE operators (%u)",
                s.resource_capacity);
  }
  detail::ResourceVariable& v = s.resources[s.num_resources];
  v.container = container;
  v.shared_name = shared_name;
  v.data = nullptr;
  v.bytes = 0;
  v.type = TensorType::kFLOAT32;
  v.fill = 0;
  *id = static_cast<int32_t>(s.num_resources++);
  return Status::kOk;
}

Status OpContext::BindResource(int32_t id, uint32_t bytes, TensorType type, uint8_t fill) {
  detail::Session& s = *session_;
  if (id < 0 || static_cast<uint32_t>(id) >= s.num_resources) {
    return Fail(Status::kInvalidModel, "resource id %d is not a known variable (%u known)",
                static_cast<int>(id), s.num_resources);
  }
  detail::ResourceVariable& v = s.resources[id];
  if (v.bytes != 0) {
    if (v.bytes != bytes || v.type != type) {
      return Fail(Status::kInvalidModel,
                  "variable '%s' holds %u bytes of %s, used here as %u bytes of %s", v.shared_name,
                  v.bytes, TensorTypeName(v.type), bytes, TensorTypeName(type));
    }
    return Status::kOk;
  }
  v.bytes = bytes;
  v.type = type;
  v.fill = fill;
  if (s.measuring) {
    s.measured_persistent += (static_cast<size_t>(bytes) + 7u) & ~static_cast<size_t>(7u);
    return Status::kOk;
  }
  v.data = s.AllocatePersistent(bytes);
  if (v.data == nullptr && bytes > 0) return s.OutOfMemory(bytes, "resource variables");
  if (v.data != nullptr) memset(v.data, fill, bytes);
  return Status::kOk;
}

void* OpContext::resource_data(int32_t id, uint32_t* bytes) const {
  const detail::Session& s = *session_;
  if (id < 0 || static_cast<uint32_t>(id) >= s.num_resources) return nullptr;
  *bytes = s.resources[id].bytes;
  return s.resources[id].data;
}

Status OpContext::Fail(Status status, const char* format, ...) {
  char detail[ErrorMessage::kCapacity];
  va_list args;
  va_start(args, format);
  FormatText(detail, sizeof(detail), format, args);
  va_end(args);
  const OperatorCodeRef code = session_->model->operator_code(op_.opcode_index());
  const char* name = code.builtin_code == static_cast<int32_t>(BuiltinOp::kCUSTOM)
                         ? code.custom_code.data
                         : BuiltinOpName(code.builtin_code);
  if (subgraph_ == 0) {
    return session_->error->Set(status, "%s (operator #%u): %s", name, op_index_, detail);
  }
  return session_->error->Set(status, "%s (operator #%u of subgraph %u): %s", name, op_index_,
                              subgraph_, detail);
}

void OpContext::FormatTypes(char* out, size_t size) const {
  size_t n = 0;
  out[0] = '\0';
  for (int i = 0; i < num_inputs() && n < size; ++i) {
    const Tensor* t = input(i);
    n += FormatTextF(out + n, size - n, "%s%s", i == 0 ? "" : ", ",
                     t == nullptr ? "none" : TensorTypeName(t->type));
  }
  for (int i = 0; i < num_outputs() && n < size; ++i) {
    const Tensor* t = output(i);
    n += FormatTextF(out + n, size - n, "%s%s", i == 0 ? " -> " : ", ",
                     t == nullptr ? "none" : TensorTypeName(t->type));
  }
}

Status OpContext::FailUnsupportedTypes() {
  char types[96];
  FormatTypes(types, sizeof(types));
  return Fail(Status::kUnsupported, "version %d with types %s is not supported",
              static_cast<int>(version()), types);
}

}  // namespace microml
