#include "microml/model.h"

#include "format/flatbuffer.h"

namespace microml {

namespace {

// Field positions in the TFLite schema tables.
namespace model_field {
constexpr int kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4,
              kMetadata = 6;
}
namespace opcode_field {
constexpr int kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3;
}
namespace subgraph_field {
constexpr int kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3, kName = 4;
}
namespace tensor_field {
constexpr int kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kIsVariable = 5,
              kSparsity = 6, kShapeSignature = 7;
}
namespace quant_field {
constexpr int kMin = 0, kMax = 1, kScale = 2, kZeroPoint = 3, kQuantizedDimension = 6;
}
namespace operator_field {
constexpr int kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kBuiltinOptionsType = 3,
              kBuiltinOptions = 4, kCustomOptions = 5, kIntermediates = 8,
              kLargeCustomOptionsOffset = 9, kLargeCustomOptionsSize = 10, kBuiltinOptions2 = 12;
}
namespace buffer_field {
constexpr int kData = 0, kOffset = 1, kSize = 2;
}
namespace metadata_field {
constexpr int kName = 0, kBuffer = 1;
}

// ---- reads of verified data (no checks) ----

template <typename T>
T ReadScalar(const TableLocation& t, int field, T fallback) {
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return fallback;
  T value;
  memcpy(&value, t.base + t.pos + off, sizeof(T));
  return value;
}

uint32_t Target(const TableLocation& t, uint16_t off) {
  const uint32_t slot = t.pos + off;
  return slot + fb::LoadU32(t.base + slot);
}

template <typename T>
VectorRef<T> ReadVector(const TableLocation& t, int field) {
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return VectorRef<T>();
  const uint32_t pos = Target(t, off);
  return VectorRef<T>(t.base + pos + 4, fb::LoadU32(t.base + pos));
}

StringRef ReadString(const TableLocation& t, int field) {
  StringRef s;
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return s;
  const uint32_t pos = Target(t, off);
  s.size = fb::LoadU32(t.base + pos);
  s.data = reinterpret_cast<const char*>(t.base + pos + 4);
  return s;
}

TableLocation ReadTable(const TableLocation& t, int field) {
  TableLocation out;
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return out;
  fb::LocateTable(t.base, t.buffer_size, Target(t, off), &out);
  return out;
}

// ---- verification ----

class Verifier {
 public:
  Verifier(const uint8_t* base, size_t size, ErrorMessage* error)
      : base_(base), size_(size), error_(error) {}

  Status Fail(const char* what) {
    return error_->Set(Status::kInvalidModel, "malformed model: %s", what);
  }

  bool Scalar(const TableLocation& t, int field, uint32_t width) {
    const uint16_t off = fb::FieldOffset(t, field);
    return off == 0 || static_cast<uint32_t>(off) + width <= t.table_size;
  }

  // Optional vector field; absent is fine.
  bool Vector(const TableLocation& t, int field, uint32_t elem_size, uint32_t* count = nullptr) {
    bool present = false;
    uint32_t target = 0;
    if (!fb::FollowOffset(t, field, &present, &target)) return false;
    uint32_t n = 0, data = 0;
    if (present && !fb::LocateVector(base_, size_, target, elem_size, &n, &data)) return false;
    if (count != nullptr) *count = present ? n : 0;
    return true;
  }

  bool String(const TableLocation& t, int field) {
    bool present = false;
    uint32_t target = 0;
    if (!fb::FollowOffset(t, field, &present, &target)) return false;
    if (!present) return true;
    uint32_t n = 0, data = 0;
    if (!fb::LocateVector(base_, size_, target, 1, &n, &data)) return false;
    return static_cast<uint64_t>(data) + n < size_ && base_[data + n] == 0;
  }

  // Optional sub-table; *out stays empty when absent.
  bool Table(const TableLocation& t, int field, TableLocation* out) {
    bool present = false;
    uint32_t target = 0;
    if (!fb::FollowOffset(t, field, &present, &target)) return false;
    return !present || fb::LocateTable(base_, size_, target, out);
  }

  // A vector of tables: verifies every element's table location.
  bool TableVector(const TableLocation& t, int field, uint32_t* first, uint32_t* count) {
    bool present = false;
    uint32_t target = 0;
    *count = 0;
    if (!fb::FollowOffset(t, field, &present, &target)) return false;
    if (!present) return true;
    if (!fb::LocateVector(base_, size_, target, 4, count, first)) return false;
    for (uint32_t i = 0; i < *count; ++i) {
      const uint32_t slot = *first + 4 * i;
      const uint64_t pos = static_cast<uint64_t>(slot) + fb::LoadU32(base_ + slot);
      TableLocation loc;
      if (pos >= size_ || !fb::LocateTable(base_, size_, static_cast<uint32_t>(pos), &loc)) {
        return false;
      }
    }
    return true;
  }

  // Every index in an int32 vector field must be in [lowest, limit).
  bool Indices(const TableLocation& t, int field, int32_t lowest, uint32_t limit) {
    uint32_t n = 0;
    if (!Vector(t, field, 4, &n)) return false;
    const VectorRef<int32_t> v = ReadVector<int32_t>(t, field);
    for (uint32_t i = 0; i < v.size(); ++i) {
      const int32_t x = v[i];
      if (x < lowest || (x >= 0 && static_cast<uint32_t>(x) >= limit)) return false;
    }
    return true;
  }

 private:
  const uint8_t* base_;
  size_t size_;
  ErrorMessage* error_;
};

// Element `index` of a table vector whose elements the Verifier located
// (TableVector) before any read: located again without the checks.
TableLocation ElementTable(const uint8_t* base, size_t size, uint32_t first, uint32_t index) {
  const uint32_t slot = first + 4 * index;
  return fb::LocateVerifiedTable(base, size, slot + fb::LoadU32(base + slot));
}

}  // namespace

// ---- TableRef (options: checked on every read) ----

uint32_t TableRef::ScalarOffset(int field, uint32_t width) const {
  if (loc_.base == nullptr) return 0;
  const uint16_t off = fb::FieldOffset(loc_, field);
  if (off == 0 || static_cast<uint32_t>(off) + width > loc_.table_size) return 0;
  return loc_.pos + off;
}

#define MICROML_TABLE_GETTER(Name, Type)                   \
  Type TableRef::Name(int field, Type fallback) const {    \
    const uint32_t at = ScalarOffset(field, sizeof(Type)); \
    if (at == 0) return fallback;                          \
    Type value;                                            \
    memcpy(&value, loc_.base + at, sizeof(Type));          \
    return value;                                          \
  }
MICROML_TABLE_GETTER(GetInt8, int8_t)
MICROML_TABLE_GETTER(GetUInt8, uint8_t)
MICROML_TABLE_GETTER(GetInt16, int16_t)
MICROML_TABLE_GETTER(GetInt32, int32_t)
MICROML_TABLE_GETTER(GetUInt32, uint32_t)
MICROML_TABLE_GETTER(GetInt64, int64_t)
MICROML_TABLE_GETTER(GetFloat, float)
#undef MICROML_TABLE_GETTER

bool TableRef::GetBool(int field, bool fallback) const {
  return GetUInt8(field, fallback ? 1 : 0) != 0;
}

VectorRef<int32_t> TableRef::GetInt32Vector(int field, bool* ok) const {
  *ok = true;
  if (loc_.base == nullptr) return VectorRef<int32_t>();
  bool present = false;
  uint32_t target = 0;
  uint32_t n = 0, data = 0;
  if (!fb::FollowOffset(loc_, field, &present, &target) ||
      (present && !fb::LocateVector(loc_.base, loc_.buffer_size, target, 4, &n, &data))) {
    *ok = false;
    return VectorRef<int32_t>();
  }
  if (!present) return VectorRef<int32_t>();
  return VectorRef<int32_t>(loc_.base + data, n);
}

StringRef TableRef::GetString(int field, bool* present, bool* ok) const {
  *ok = true;
  *present = false;
  if (loc_.base == nullptr) return StringRef();
  uint32_t target = 0;
  uint32_t n = 0, data = 0;
  if (!fb::FollowOffset(loc_, field, present, &target)) {
    *ok = false;
    return StringRef();
  }
  if (!*present) return StringRef();
  if (!fb::LocateVector(loc_.base, loc_.buffer_size, target, 1, &n, &data) ||
      static_cast<uint64_t>(data) + n >= loc_.buffer_size || loc_.base[data + n] != 0) {
    *ok = false;
    return StringRef();
  }
  StringRef s;
  s.data = reinterpret_cast<const char*>(loc_.base + data);
  s.size = n;
  return s;
}

// ---- verified views ----

VectorRef<int32_t> TensorRef::shape() const {
  return ReadVector<int32_t>(loc_, tensor_field::kShape);
}
VectorRef<int32_t> TensorRef::shape_signature() const {
  return ReadVector<int32_t>(loc_, tensor_field::kShapeSignature);
}
TensorType TensorRef::type() const {
  return static_cast<TensorType>(ReadScalar<uint8_t>(loc_, tensor_field::kType, 0));
}
uint32_t TensorRef::buffer() const {
  return ReadScalar<uint32_t>(loc_, tensor_field::kBuffer, 0);
}
StringRef TensorRef::name() const {
  return ReadString(loc_, tensor_field::kName);
}
bool TensorRef::is_variable() const {
  return ReadScalar<uint8_t>(loc_, tensor_field::kIsVariable, 0) != 0;
}
QuantizationRef TensorRef::quantization() const {
  QuantizationRef q;
  const TableLocation t = ReadTable(loc_, tensor_field::kQuantization);
  if (t.base == nullptr) return q;
  q.scale = ReadVector<float>(t, quant_field::kScale);
  q.zero_point = ReadVector<int64_t>(t, quant_field::kZeroPoint);
  q.quantized_dimension = ReadScalar<int32_t>(t, quant_field::kQuantizedDimension, 0);
  q.has_min_max = !ReadVector<float>(t, quant_field::kMin).empty() &&
                  !ReadVector<float>(t, quant_field::kMax).empty();
  return q;
}

uint32_t OperatorRef::opcode_index() const {
  return ReadScalar<uint32_t>(loc_, operator_field::kOpcodeIndex, 0);
}
VectorRef<int32_t> OperatorRef::inputs() const {
  return ReadVector<int32_t>(loc_, operator_field::kInputs);
}
VectorRef<int32_t> OperatorRef::outputs() const {
  return ReadVector<int32_t>(loc_, operator_field::kOutputs);
}
VectorRef<int32_t> OperatorRef::intermediates() const {
  return ReadVector<int32_t>(loc_, operator_field::kIntermediates);
}
OptionsType OperatorRef::builtin_options_type() const {
  return static_cast<OptionsType>(
      ReadScalar<uint8_t>(loc_, operator_field::kBuiltinOptionsType, 0));
}
TableRef OperatorRef::builtin_options() const {
  const TableLocation t = ReadTable(loc_, operator_field::kBuiltinOptions);
  return t.base == nullptr ? TableRef() : TableRef(t);
}
VectorRef<uint8_t> OperatorRef::custom_options() const {
  const uint64_t offset = ReadScalar<uint64_t>(loc_, operator_field::kLargeCustomOptionsOffset, 0);
  if (offset > 1) {
    const uint64_t size = ReadScalar<uint64_t>(loc_, operator_field::kLargeCustomOptionsSize, 0);
    return VectorRef<uint8_t>(loc_.base + offset, static_cast<uint32_t>(size));
  }
  return ReadVector<uint8_t>(loc_, operator_field::kCustomOptions);
}

uint32_t SubgraphRef::num_tensors() const {
  return ReadVector<uint32_t>(loc_, subgraph_field::kTensors).size();
}
TensorRef SubgraphRef::tensor(uint32_t index) const {
  const uint16_t off = fb::FieldOffset(loc_, subgraph_field::kTensors);
  return TensorRef(ElementTable(loc_.base, loc_.buffer_size, Target(loc_, off) + 4, index));
}
VectorRef<int32_t> SubgraphRef::inputs() const {
  return ReadVector<int32_t>(loc_, subgraph_field::kInputs);
}
VectorRef<int32_t> SubgraphRef::outputs() const {
  return ReadVector<int32_t>(loc_, subgraph_field::kOutputs);
}
uint32_t SubgraphRef::num_operators() const {
  return ReadVector<uint32_t>(loc_, subgraph_field::kOperators).size();
}
OperatorRef SubgraphRef::op(uint32_t index) const {
  const uint16_t off = fb::FieldOffset(loc_, subgraph_field::kOperators);
  return OperatorRef(ElementTable(loc_.base, loc_.buffer_size, Target(loc_, off) + 4, index));
}
StringRef SubgraphRef::name() const {
  return ReadString(loc_, subgraph_field::kName);
}

// ---- Model ----

TableLocation Model::TableAt(const TableVector& vector, uint32_t index) const {
  return ElementTable(base_, size_, vector.pos, index);
}

StringRef Model::description() const {
  return ReadString(root_, model_field::kDescription);
}

SubgraphRef Model::subgraph(uint32_t index) const {
  return SubgraphRef(TableAt(subgraphs_, index));
}

OperatorCodeRef Model::operator_code(uint32_t index) const {
  const TableLocation t = TableAt(opcodes_, index);
  OperatorCodeRef code;
  // Codes above 127 only fit the newer int32 field; older files only have the
  // int8 one. The larger of the two is the real code.
  const int32_t deprecated = ReadScalar<int8_t>(t, opcode_field::kDeprecatedBuiltinCode, 0);
  const int32_t current = ReadScalar<int32_t>(t, opcode_field::kBuiltinCode, 0);
  code.builtin_code = current > deprecated ? current : deprecated;
  code.custom_code = ReadString(t, opcode_field::kCustomCode);
  code.version = ReadScalar<int32_t>(t, opcode_field::kVersion, 1);
  return code;
}

BufferRef Model::buffer(uint32_t index) const {
  const TableLocation t = TableAt(buffers_, index);
  BufferRef b;
  const uint64_t offset = ReadScalar<uint64_t>(t, buffer_field::kOffset, 0);
  if (offset > 1) {
    b.data = base_ + offset;
    b.size = static_cast<size_t>(ReadScalar<uint64_t>(t, buffer_field::kSize, 0));
    return b;
  }
  const VectorRef<uint8_t> data = ReadVector<uint8_t>(t, buffer_field::kData);
  if (!data.empty()) {
    b.data = data.bytes();
    b.size = data.size();
  }
  return b;
}

MetadataRef Model::metadata(uint32_t index) const {
  const TableLocation t = TableAt(metadata_, index);
  MetadataRef m;
  m.name = ReadString(t, metadata_field::kName);
  m.buffer = ReadScalar<uint32_t>(t, metadata_field::kBuffer, 0);
  return m;
}

Status Model::Init(const void* data, size_t size, ErrorMessage* error) {
  *this = Model();
  const uint8_t* base = static_cast<const uint8_t*>(data);
  if (base == nullptr || size < 8) {
    return error->Set(Status::kInvalidModel, "model is %zu bytes, too small to be a .tflite file",
                      base == nullptr ? static_cast<size_t>(0) : size);
  }
  if ((reinterpret_cast<uintptr_t>(base) & 3u) != 0) {
    return error->Set(Status::kInvalidArgument,
                      "model buffer must be 4-byte aligned (address ends in 0x%x)",
                      static_cast<unsigned>(reinterpret_cast<uintptr_t>(base) & 0xf));
  }
  if (size > 0xFFFFFFF0u) {
    return error->Set(Status::kUnsupported, "model of %zu bytes exceeds the 4 GB limit", size);
  }
  if (memcmp(base + 4, "TFL3", 4) != 0) {
    return error->Set(Status::kInvalidModel, "not a .tflite file (no TFL3 identifier)");
  }
  Verifier v(base, size, error);
  TableLocation root;
  if (!fb::LocateTable(base, size, fb::LoadU32(base), &root)) return v.Fail("root table");
  if (!v.Scalar(root, model_field::kVersion, 4) || !v.String(root, model_field::kDescription)) {
    return v.Fail("model header");
  }
  TableVector opcodes, subgraphs, buffers, metadata;
  if (!v.TableVector(root, model_field::kOperatorCodes, &opcodes.pos, &opcodes.count)) {
    return v.Fail("operator code list");
  }
  if (!v.TableVector(root, model_field::kSubgraphs, &subgraphs.pos, &subgraphs.count)) {
    return v.Fail("subgraph list");
  }
  if (!v.TableVector(root, model_field::kBuffers, &buffers.pos, &buffers.count)) {
    return v.Fail("buffer list");
  }
  if (!v.TableVector(root, model_field::kMetadata, &metadata.pos, &metadata.count)) {
    return v.Fail("metadata list");
  }
  if (subgraphs.count == 0) return error->Set(Status::kInvalidModel, "model has no subgraph");

  for (uint32_t i = 0; i < opcodes.count; ++i) {
    const TableLocation t = ElementTable(base, size, opcodes.pos, i);
    if (!v.Scalar(t, opcode_field::kDeprecatedBuiltinCode, 1) ||
        !v.String(t, opcode_field::kCustomCode) || !v.Scalar(t, opcode_field::kVersion, 4) ||
        !v.Scalar(t, opcode_field::kBuiltinCode, 4)) {
      return v.Fail("operator code");
    }
  }
  for (uint32_t i = 0; i < buffers.count; ++i) {
    const TableLocation t = ElementTable(base, size, buffers.pos, i);
    if (!v.Vector(t, buffer_field::kData, 1) || !v.Scalar(t, buffer_field::kOffset, 8) ||
        !v.Scalar(t, buffer_field::kSize, 8)) {
      return v.Fail("buffer");
    }
    const uint64_t offset = ReadScalar<uint64_t>(t, buffer_field::kOffset, 0);
    const uint64_t length = ReadScalar<uint64_t>(t, buffer_field::kSize, 0);
    if (offset > 1 && (offset > size || length > size - offset)) {
      return error->Set(Status::kInvalidModel,
                        "buffer %u points at bytes %llu..%llu outside the %zu-byte model", i,
                        static_cast<unsigned long long>(offset),
                        static_cast<unsigned long long>(offset + length), size);
    }
  }
  for (uint32_t i = 0; i < metadata.count; ++i) {
    const TableLocation t = ElementTable(base, size, metadata.pos, i);
    if (!v.String(t, metadata_field::kName) || !v.Scalar(t, metadata_field::kBuffer, 4)) {
      return v.Fail("metadata entry");
    }
    if (ReadScalar<uint32_t>(t, metadata_field::kBuffer, 0) >= buffers.count) {
      return v.Fail("metadata buffer index");
    }
  }

  for (uint32_t s = 0; s < subgraphs.count; ++s) {
    const TableLocation g = ElementTable(base, size, subgraphs.pos, s);
    uint32_t tensors_pos = 0, num_tensors = 0, ops_pos = 0, num_ops = 0;
    if (!v.TableVector(g, subgraph_field::kTensors, &tensors_pos, &num_tensors) ||
        !v.TableVector(g, subgraph_field::kOperators, &ops_pos, &num_ops) ||
        !v.String(g, subgraph_field::kName)) {
      return v.Fail("subgraph");
    }
    if (!v.Indices(g, subgraph_field::kInputs, 0, num_tensors) ||
        !v.Indices(g, subgraph_field::kOutputs, 0, num_tensors)) {
      return v.Fail("subgraph input/output index");
    }
    if (num_tensors > max_tensors_) max_tensors_ = num_tensors;
    if (num_ops > max_operators_) max_operators_ = num_ops;

    for (uint32_t i = 0; i < num_tensors; ++i) {
      const TableLocation t = ElementTable(base, size, tensors_pos, i);
      TableLocation q, sparsity;
      if (!v.Vector(t, tensor_field::kShape, 4) || !v.Scalar(t, tensor_field::kType, 1) ||
          !v.Scalar(t, tensor_field::kBuffer, 4) || !v.String(t, tensor_field::kName) ||
          !v.Table(t, tensor_field::kQuantization, &q) ||
          !v.Scalar(t, tensor_field::kIsVariable, 1) ||
          !v.Table(t, tensor_field::kSparsity, &sparsity) ||
          !v.Vector(t, tensor_field::kShapeSignature, 4)) {
        return v.Fail("tensor");
      }
      if (q.base != nullptr &&
          (!v.Vector(q, quant_field::kMin, 4) || !v.Vector(q, quant_field::kMax, 4) ||
           !v.Vector(q, quant_field::kScale, 4) || !v.Vector(q, quant_field::kZeroPoint, 8) ||
           !v.Scalar(q, quant_field::kQuantizedDimension, 4))) {
        return v.Fail("tensor quantization");
      }
      const TensorRef tensor(t);
      if (tensor.buffer() >= buffers.count) {
        return error->Set(Status::kInvalidModel, "tensor %u uses buffer %u of %u", i,
                          tensor.buffer(), buffers.count);
      }
      if (sparsity.base != nullptr) {
        return error->Set(Status::kUnsupported,
                          "tensor %u (%s) is sparse; sparse tensors are not supported", i,
                          tensor.name().data);
      }
      const VectorRef<int32_t> shape = tensor.shape();
      for (uint32_t d = 0; d < shape.size(); ++d) {
        if (shape[d] < 0) {
          return error->Set(Status::kInvalidModel, "tensor %u (%s) has dimension %d of %d", i,
                            tensor.name().data, static_cast<int>(d), static_cast<int>(shape[d]));
        }
      }
    }

    for (uint32_t i = 0; i < num_ops; ++i) {
      const TableLocation t = ElementTable(base, size, ops_pos, i);
      TableLocation options, options2;
      if (!v.Scalar(t, operator_field::kOpcodeIndex, 4) ||
          !v.Scalar(t, operator_field::kBuiltinOptionsType, 1) ||
          !v.Table(t, operator_field::kBuiltinOptions, &options) ||
          !v.Table(t, operator_field::kBuiltinOptions2, &options2) ||
          !v.Vector(t, operator_field::kCustomOptions, 1) ||
          !v.Scalar(t, operator_field::kLargeCustomOptionsOffset, 8) ||
          !v.Scalar(t, operator_field::kLargeCustomOptionsSize, 8)) {
        return v.Fail("operator");
      }
      if (!v.Indices(t, operator_field::kInputs, -1, num_tensors) ||
          !v.Indices(t, operator_field::kOutputs, -1, num_tensors) ||
          !v.Indices(t, operator_field::kIntermediates, -1, num_tensors)) {
        return error->Set(Status::kInvalidModel,
                          "operator %u of subgraph %u names a tensor outside 0..%u", i, s,
                          num_tensors);
      }
      const uint32_t opcode = ReadScalar<uint32_t>(t, operator_field::kOpcodeIndex, 0);
      if (opcode >= opcodes.count) {
        return error->Set(Status::kInvalidModel, "operator %u uses operator code %u of %u", i,
                          opcode, opcodes.count);
      }
      const uint64_t large = ReadScalar<uint64_t>(t, operator_field::kLargeCustomOptionsOffset, 0);
      const uint64_t large_size =
          ReadScalar<uint64_t>(t, operator_field::kLargeCustomOptionsSize, 0);
      if (large > 1 && (large > size || large_size > size - large || large_size > 0xFFFFFFFFu)) {
        return v.Fail("operator custom options location");
      }
    }
  }

  base_ = base;
  size_ = size;
  root_ = root;
  version_ = ReadScalar<uint32_t>(root, model_field::kVersion, 0);
  subgraphs_ = subgraphs;
  opcodes_ = opcodes;
  buffers_ = buffers;
  metadata_ = metadata;
  return Status::kOk;
}

size_t TensorTypeSize(TensorType type) {
  switch (type) {
    case TensorType::kFLOAT32:
    case TensorType::kINT32:
    case TensorType::kUINT32:
      return 4;
    case TensorType::kFLOAT16:
    case TensorType::kINT16:
    case TensorType::kUINT16:
    case TensorType::kBFLOAT16:
      return 2;
    case TensorType::kUINT8:
    case TensorType::kINT8:
    case TensorType::kBOOL:
      return 1;
    case TensorType::kINT64:
    case TensorType::kUINT64:
    case TensorType::kFLOAT64:
    case TensorType::kCOMPLEX64:
      return 8;
    case TensorType::kCOMPLEX128:
      return 16;
    default:
      return 0;
  }
}

const char* TensorTypeName(TensorType type) {
  const int index = static_cast<int>(type);
  if (index >= kTensorTypeCount || kTensorTypeNames[index][0] == '\0') return "UNKNOWN_TYPE";
  return kTensorTypeNames[index];
}

const char* BuiltinOpName(int32_t code) {
  if (code < 0 || code >= kBuiltinOpCount || kBuiltinOpNames[code][0] == '\0') {
    return "UNKNOWN_OPERATOR";
  }
  return kBuiltinOpNames[code];
}

}  // namespace microml
