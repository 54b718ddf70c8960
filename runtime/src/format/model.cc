#include "microml/model.h"

#include "format/schema.h"

namespace microml {

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
