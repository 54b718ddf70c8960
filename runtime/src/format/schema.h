// The TFLite schema's field positions and reads of verified tables, shared
// by the reader's accessors (model.cc, used at every inference) and its
// verifier (model_verify.cc, run once at load and compiled for size). Internal
// linkage on purpose: each file keeps its own copies, built at its own
// optimization level, so the accessors never call a copy built for size.
#ifndef MICROML_FORMAT_SCHEMA_H_
#define MICROML_FORMAT_SCHEMA_H_

#include <string.h>

#include "format/flatbuffer.h"
#include "microml/model.h"

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
inline T ReadScalar(const TableLocation& t, int field, T fallback) {
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return fallback;
  T value;
  memcpy(&value, t.base + t.pos + off, sizeof(T));
  return value;
}

inline uint32_t Target(const TableLocation& t, uint16_t off) {
  const uint32_t slot = t.pos + off;
  return slot + fb::LoadU32(t.base + slot);
}

template <typename T>
inline VectorRef<T> ReadVector(const TableLocation& t, int field) {
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return VectorRef<T>();
  const uint32_t pos = Target(t, off);
  return VectorRef<T>(t.base + pos + 4, fb::LoadU32(t.base + pos));
}

inline StringRef ReadString(const TableLocation& t, int field) {
  StringRef s;
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return s;
  const uint32_t pos = Target(t, off);
  s.size = fb::LoadU32(t.base + pos);
  s.data = reinterpret_cast<const char*>(t.base + pos + 4);
  return s;
}

inline TableLocation ReadTable(const TableLocation& t, int field) {
  TableLocation out;
  const uint16_t off = fb::FieldOffset(t, field);
  if (off == 0) return out;
  fb::LocateTable(t.base, t.buffer_size, Target(t, off), &out);
  return out;
}

// Element `index` of a table vector whose elements the Verifier located
// (TableVector) before any read: located again without the checks.
inline TableLocation ElementTable(const uint8_t* base, size_t size, uint32_t first,
                                  uint32_t index) {
  const uint32_t slot = first + 4 * index;
  return fb::LocateVerifiedTable(base, size, slot + fb::LoadU32(base + slot));
}

}  // namespace
}  // namespace microml

#endif  // MICROML_FORMAT_SCHEMA_H_
