// Zero-copy, verified reader for .tflite (FlatBuffers) models.
//
// Model::Init walks every table, vector and string the runtime will ever touch and
// checks it against the caller's buffer; afterwards the accessors below read the
// buffer directly without further checks. Option tables are the exception: their
// layout is operator-specific, so TableRef checks each field as it is read.
#ifndef MICROML_MODEL_H_
#define MICROML_MODEL_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "microml/schema_enums.h"
#include "microml/status.h"

namespace microml {

// A read-only run of little-endian elements inside the model buffer. Elements are
// copied out with memcpy, so any alignment is safe.
template <typename T>
class VectorRef {
 public:
  VectorRef() = default;
  VectorRef(const uint8_t* data, uint32_t size) : data_(data), size_(size) {}
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T operator[](uint32_t i) const {
    T value;
    memcpy(&value, data_ + static_cast<size_t>(i) * sizeof(T), sizeof(T));
    return value;
  }
  const uint8_t* bytes() const { return data_; }

 private:
  const uint8_t* data_ = nullptr;
  uint32_t size_ = 0;
};

// A NUL-terminated string stored in the model ("" when absent).
struct StringRef {
  const char* data = "";
  uint32_t size = 0;
};

// Location of one FlatBuffers table inside the model buffer.
struct TableLocation {
  const uint8_t* base = nullptr;
  size_t buffer_size = 0;
  uint32_t pos = 0;     // table start
  uint32_t vtable = 0;  // vtable start
  uint16_t vtable_size = 0;
  uint16_t table_size = 0;
};

// A table whose schema the reader does not know (operator options): every read is
// bounds-checked and falls back to the schema default when absent or malformed.
class TableRef {
 public:
  TableRef() = default;
  explicit TableRef(const TableLocation& loc) : loc_(loc) {}
  bool present() const { return loc_.base != nullptr; }

  bool GetBool(int field, bool fallback) const;
  int8_t GetInt8(int field, int8_t fallback) const;
  uint8_t GetUInt8(int field, uint8_t fallback) const;
  int16_t GetInt16(int field, int16_t fallback) const;
  int32_t GetInt32(int field, int32_t fallback) const;
  uint32_t GetUInt32(int field, uint32_t fallback) const;
  int64_t GetInt64(int field, int64_t fallback) const;
  float GetFloat(int field, float fallback) const;
  // Empty when absent; *ok is set false when present but out of bounds.
  VectorRef<int32_t> GetInt32Vector(int field, bool* ok) const;
  // A NUL-terminated string field. *present tells whether the field exists;
  // *ok is set false when it is present but runs outside the buffer or lacks
  // its terminator.
  StringRef GetString(int field, bool* present, bool* ok) const;

 private:
  // Byte offset of a scalar field of `width` bytes, or 0 when absent/out of range.
  uint32_t ScalarOffset(int field, uint32_t width) const;
  TableLocation loc_;
};

struct QuantizationRef {
  VectorRef<float> scale;
  VectorRef<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  bool has_min_max = false;
};

class TensorRef {
 public:
  TensorRef() = default;
  explicit TensorRef(const TableLocation& loc) : loc_(loc) {}
  VectorRef<int32_t> shape() const;
  VectorRef<int32_t> shape_signature() const;
  TensorType type() const;
  uint32_t buffer() const;
  StringRef name() const;
  QuantizationRef quantization() const;
  bool is_variable() const;

 private:
  TableLocation loc_;
};

class OperatorRef {
 public:
  OperatorRef() = default;
  explicit OperatorRef(const TableLocation& loc) : loc_(loc) {}
  uint32_t opcode_index() const;
  VectorRef<int32_t> inputs() const;
  VectorRef<int32_t> outputs() const;
  VectorRef<int32_t> intermediates() const;
  OptionsType builtin_options_type() const;
  TableRef builtin_options() const;
  VectorRef<uint8_t> custom_options() const;

 private:
  TableLocation loc_;
};

class SubgraphRef {
 public:
  SubgraphRef() = default;
  explicit SubgraphRef(const TableLocation& loc) : loc_(loc) {}
  uint32_t num_tensors() const;
  TensorRef tensor(uint32_t index) const;
  VectorRef<int32_t> inputs() const;
  VectorRef<int32_t> outputs() const;
  uint32_t num_operators() const;
  OperatorRef op(uint32_t index) const;
  StringRef name() const;

 private:
  TableLocation loc_;
};

struct OperatorCodeRef {
  int32_t builtin_code = 0;  // BuiltinOp value; kCUSTOM means see custom_code
  StringRef custom_code;
  int32_t version = 1;
};

struct BufferRef {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

struct MetadataRef {
  StringRef name;
  uint32_t buffer = 0;
};

class Model {
 public:
  // Verifies `data` and binds to it; the bytes must outlive the Model and stay
  // unchanged. The buffer must be 4-byte aligned so that shapes and scales can
  // be read in place.
  Status Init(const void* data, size_t size, ErrorMessage* error);

  bool initialized() const { return base_ != nullptr; }
  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }
  uint32_t version() const { return version_; }
  StringRef description() const;

  uint32_t num_subgraphs() const { return subgraphs_.count; }
  SubgraphRef subgraph(uint32_t index) const;
  uint32_t num_operator_codes() const { return opcodes_.count; }
  OperatorCodeRef operator_code(uint32_t index) const;
  uint32_t num_buffers() const { return buffers_.count; }
  BufferRef buffer(uint32_t index) const;
  uint32_t num_metadata() const { return metadata_.count; }
  MetadataRef metadata(uint32_t index) const;

  // Largest per-subgraph tensor and operator counts, for sizing work memory.
  uint32_t max_tensors() const { return max_tensors_; }
  uint32_t max_operators() const { return max_operators_; }

 private:
  struct TableVector {
    uint32_t pos = 0;  // first offset slot
    uint32_t count = 0;
  };
  TableLocation TableAt(const TableVector& vector, uint32_t index) const;

  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  TableLocation root_;
  uint32_t version_ = 0;
  TableVector subgraphs_;
  TableVector opcodes_;
  TableVector buffers_;
  TableVector metadata_;
  uint32_t max_tensors_ = 0;
  uint32_t max_operators_ = 0;
};

// Bytes per element of a tensor type, 0 for types without a fixed size.
size_t TensorTypeSize(TensorType type);
const char* TensorTypeName(TensorType type);
const char* BuiltinOpName(int32_t code);

}  // namespace microml

#endif  // MICROML_MODEL_H_
