// The microml model reader and interpreter behind ml_engine.h.
#include "ml_engine.h"

#include <new>

#include "microml/interpreter.h"
#include "microml/kernel.h"
#include "microml/model.h"

namespace {

struct Engine {
  microml::Model model;
  microml::Interpreter interpreter;
  // Errors from Init and MeasureArena; the interpreter keeps its own.
  microml::ErrorMessage error;
  bool setup_failed = false;
};

static_assert(alignof(Engine) <= ML_ENGINE_ALIGN, "engine storage is only 8-byte aligned");

Engine* AsEngine(void* p) {
  return static_cast<Engine*>(p);
}
const Engine* AsEngine(const void* p) {
  return static_cast<const Engine*>(p);
}

ml_status_t ToC(microml::Status s) {
  switch (s) {
    case microml::Status::kOk:
      return ML_OK;
    case microml::Status::kInvalidModel:
      return ML_INVALID_MODEL;
    case microml::Status::kUnsupported:
      return ML_UNSUPPORTED;
    case microml::Status::kArenaTooSmall:
      return ML_ARENA_TOO_SMALL;
    case microml::Status::kInvalidArgument:
      return ML_INVALID_ARGUMENT;
    case microml::Status::kInvalidState:
      return ML_INVALID_STATE;
  }
  return ML_INVALID_STATE;
}

char DtypeChar(microml::TensorType type) {
  switch (type) {
    case microml::TensorType::kINT8:
      return 'b';
    case microml::TensorType::kUINT8:
      return 'B';
    case microml::TensorType::kINT16:
      return 'h';
    case microml::TensorType::kUINT16:
      return 'H';
    case microml::TensorType::kINT32:
      return 'i';
    case microml::TensorType::kFLOAT32:
      return 'f';
    default:
      return 0;
  }
}

bool Describe(const Engine* e, bool input, size_t index, ml_tensor_t* out) {
  if (!e->model.initialized() || e->model.num_subgraphs() == 0) {
    return false;
  }
  const microml::SubgraphRef graph = e->model.subgraph(0);
  const microml::VectorRef<int32_t> ids = input ? graph.inputs() : graph.outputs();
  if (index >= ids.size()) {
    return false;
  }
  const int32_t id = ids[static_cast<uint32_t>(index)];
  if (id < 0 || static_cast<uint32_t>(id) >= graph.num_tensors()) {
    return false;
  }
  const microml::TensorRef ref = graph.tensor(static_cast<uint32_t>(id));
  const microml::VectorRef<int32_t> shape = ref.shape();
  out->dims = reinterpret_cast<const int32_t*>(shape.bytes());
  out->rank = shape.size();
  uint64_t count = 1;
  for (uint32_t d = 0; d < shape.size(); ++d) {
    count *= shape[d] < 0 ? 0u : static_cast<uint64_t>(shape[d]);
  }
  out->count = count > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(count);
  out->dtype = DtypeChar(ref.type());
  // The runtime names types as the schema does (INT8); Python users read int8.
  const char* name = microml::TensorTypeName(ref.type());
  size_t n = 0;
  for (; name[n] != '\0' && n + 1 < sizeof(out->type_name); ++n) {
    const char c = name[n];
    out->type_name[n] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  out->type_name[n] = '\0';
  const uint64_t bytes = count * microml::TensorTypeSize(ref.type());
  out->bytes = bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(bytes);
  const microml::QuantizationRef q = ref.quantization();
  out->scale = 1.0f;
  out->zero_point = 0;
  if (q.scale.size() > 0 && q.scale[0] != 0.0f) {
    out->scale = q.scale[0];
  }
  if (q.zero_point.size() > 0) {
    out->zero_point = static_cast<int32_t>(q.zero_point[0]);
  }
  out->data = nullptr;
  if (e->interpreter.ready()) {
    const microml::Tensor* t = input ? e->interpreter.input(index) : e->interpreter.output(index);
    if (t != nullptr) {
      out->data = t->data;
    }
  }
  return true;
}

}  // namespace

extern "C" {

const size_t ml_engine_size = sizeof(Engine);

ml_status_t ml_engine_init(void* storage, const void* model, size_t model_len) {
  Engine* e = new (storage) Engine();
  return ToC(e->model.Init(model, model_len, &e->error));
}

const char* ml_engine_error(const void* engine) {
  const Engine* e = AsEngine(engine);
  return e->setup_failed ? e->interpreter.error() : e->error.text();
}

size_t ml_engine_num_inputs(const void* engine) {
  const Engine* e = AsEngine(engine);
  return e->model.num_subgraphs() == 0 ? 0 : e->model.subgraph(0).inputs().size();
}

size_t ml_engine_num_outputs(const void* engine) {
  const Engine* e = AsEngine(engine);
  return e->model.num_subgraphs() == 0 ? 0 : e->model.subgraph(0).outputs().size();
}

bool ml_engine_input(const void* engine, size_t index, ml_tensor_t* out) {
  return Describe(AsEngine(engine), true, index, out);
}

bool ml_engine_output(const void* engine, size_t index, ml_tensor_t* out) {
  return Describe(AsEngine(engine), false, index, out);
}

size_t ml_engine_work_bytes(const void* engine) {
  return microml::Interpreter::WorkBytesEstimate(AsEngine(engine)->model);
}

ml_status_t ml_engine_measure(void* engine, void* work, size_t work_len, size_t arena_limit,
                              size_t* arena_bytes) {
  Engine* e = AsEngine(engine);
  e->setup_failed = false;
  return ToC(microml::Interpreter::MeasureArena(e->model, microml::OptimizedOpsResolver(), work,
                                                work_len, arena_bytes, &e->error, arena_limit));
}

ml_status_t ml_engine_setup(void* engine, void* arena, size_t arena_len) {
  Engine* e = AsEngine(engine);
  const microml::Status s =
      e->interpreter.Setup(e->model, microml::OptimizedOpsResolver(), arena, arena_len);
  e->setup_failed = s != microml::Status::kOk;
  return ToC(s);
}

ml_status_t ml_engine_invoke(void* engine) {
  Engine* e = AsEngine(engine);
  const microml::Status s = e->interpreter.Invoke();
  e->setup_failed = s != microml::Status::kOk;
  return ToC(s);
}

void ml_engine_reset(void* engine) {
  AsEngine(engine)->interpreter.Reset();
}

size_t ml_dtype_size(char dtype) {
  switch (dtype) {
    case 'b':
    case 'B':
      return 1;
    case 'h':
    case 'H':
      return 2;
    case 'i':
    case 'f':
      return 4;
    default:
      return 0;
  }
}

}  // extern "C"
