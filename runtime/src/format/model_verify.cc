// Model::Init: the one pass that checks every table, vector and index a
// .tflite file holds before anything reads it (the accessors in model.cc read
// without checks). Runs once per model: compiled for size.
#include <string.h>

#include "format/schema.h"
#include "microml/model.h"

namespace microml {

namespace {

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

}  // namespace

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

}  // namespace microml
