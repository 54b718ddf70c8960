// Read-only access to FlexBuffers, the schemaless format of custom operator
// options (e.g. TFLite_Detection_PostProcess). Only what options need: the
// root, map lookup by key or by position and scalar conversions with
// FlexBuffers' rules.
//
// The bytes come from the model and may be hostile: every read is checked
// against the option bytes, and anything malformed reads as null (0, 0.0,
// false), so a caller never sees memory outside [data, data + size).
#ifndef MICROML_FORMAT_FLEXBUFFER_H_
#define MICROML_FORMAT_FLEXBUFFER_H_

#include <stddef.h>
#include <stdint.h>

namespace microml {
namespace flex {

class Value {
 public:
  // A null value.
  Value() = default;
  // The root value of a FlexBuffer (stored at its end).
  static Value Root(const uint8_t* data, size_t size);

  bool IsNull() const { return type_ == kNull; }
  bool IsMap() const { return type_ == kMap; }
  // Integer, unsigned or bool, stored inline or indirectly.
  bool IsIntegral() const {
    return type_ == kInt || type_ == kUInt || type_ == kBool || type_ == kIndirectInt ||
           type_ == kIndirectUInt;
  }
  // Numeric conversions as FlexBuffers' AsInt64/AsDouble/AsBool do them for
  // null, integer, float, bool and vector (its size) values; strings and
  // other kinds read as 0.
  int64_t AsInt64() const;
  int32_t AsInt32() const { return static_cast<int32_t>(AsInt64()); }
  double AsDouble() const;
  float AsFloat() const { return static_cast<float>(AsDouble()); }
  bool AsBool() const;

  // The map entry for `key`; null when this is not a map or has no such key.
  Value operator[](const char* key) const;
  // Element `index` of a vector, or the value at position `index` of a map
  // (its entries sorted by key, as TFLM's signal kernels read their options);
  // null when out of range or this is neither.
  Value At(size_t index) const;

 private:
  // FlexBuffers type codes used here.
  enum Type : uint8_t {
    kNull = 0,
    kInt = 1,
    kUInt = 2,
    kFloat = 3,
    kKey = 4,
    kIndirectInt = 6,
    kIndirectUInt = 7,
    kIndirectFloat = 8,
    kMap = 9,
    kVector = 10,
    kBool = 26,
  };

  Value(const uint8_t* data, size_t size, size_t offset, uint8_t parent_width, uint8_t packed_type);

  bool ReadUInt(size_t offset, uint8_t width, uint64_t* out) const;
  bool ReadInt(size_t offset, uint8_t width, int64_t* out) const;
  bool ReadDouble(size_t offset, uint8_t width, double* out) const;
  // Follows the backward offset stored at `offset` (`width` bytes wide).
  bool Indirect(size_t offset, uint8_t width, size_t* target) const;
  // Compares `key` with the NUL-terminated key string at `offset` like strcmp.
  int CompareKey(const char* key, size_t offset) const;
  uint64_t AsUInt64() const;
  // A scalar as stored, inline or indirect: `kind` says which field holds it.
  struct Number {
    enum Kind : uint8_t { kNone, kSigned, kUnsigned, kReal } kind = kNone;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0.0;
  };
  // kNone for non-scalars and reads out of bounds. Bools read as signed or
  // unsigned as the caller's conversion does in FlexBuffers.
  Number ReadNumber(bool bool_is_signed) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t offset_ = 0;
  uint8_t parent_width_ = 1;
  uint8_t byte_width_ = 1;
  uint8_t type_ = kNull;
};

}  // namespace flex
}  // namespace microml

#endif  // MICROML_FORMAT_FLEXBUFFER_H_
