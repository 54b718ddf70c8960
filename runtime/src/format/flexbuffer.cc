#include "format/flexbuffer.h"

#include <string.h>

namespace microml {
namespace flex {

namespace {

bool ValidWidth(uint64_t width) {
  return width == 1 || width == 2 || width == 4 || width == 8;
}

// Out-of-range conversions give what an x86-64 build of FlexBuffers does in
// practice (the "integer indefinite" value) instead of undefined behaviour.
int64_t DoubleToInt64(double d) {
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) return static_cast<int64_t>(d);
  return INT64_MIN;
}

uint64_t DoubleToUInt64(double d) {
  if (d > -1.0 && d < 18446744073709551616.0) return static_cast<uint64_t>(d);
  return 0x8000000000000000ull;
}

}  // namespace

Value::Value(const uint8_t* data, size_t size, size_t offset, uint8_t parent_width,
             uint8_t packed_type)
    : data_(data),
      size_(size),
      offset_(offset),
      parent_width_(parent_width),
      byte_width_(static_cast<uint8_t>(1u << (packed_type & 3u))),
      type_(static_cast<uint8_t>(packed_type >> 2)) {}

Value Value::Root(const uint8_t* data, size_t size) {
  if (data == nullptr || size < 2) return Value();
  const uint8_t width = data[size - 1];
  const uint8_t packed_type = data[size - 2];
  if (!ValidWidth(width) || size - 2 < width) return Value();
  return Value(data, size, size - 2 - width, width, packed_type);
}

bool Value::ReadUInt(size_t offset, uint8_t width, uint64_t* out) const {
  if (data_ == nullptr || !ValidWidth(width) || offset > size_ || size_ - offset < width) {
    return false;
  }
  uint64_t v = 0;
  for (uint8_t i = 0; i < width; ++i) v |= static_cast<uint64_t>(data_[offset + i]) << (8u * i);
  *out = v;
  return true;
}

bool Value::ReadInt(size_t offset, uint8_t width, int64_t* out) const {
  uint64_t v = 0;
  if (!ReadUInt(offset, width, &v)) return false;
  if (width < 8 && (v >> (8u * width - 1u)) != 0) v |= ~0ull << (8u * width);
  *out = static_cast<int64_t>(v);
  return true;
}

bool Value::ReadDouble(size_t offset, uint8_t width, double* out) const {
  uint64_t bits = 0;
  if (!ReadUInt(offset, width, &bits)) return false;
  if (width == 4) {
    const uint32_t narrow = static_cast<uint32_t>(bits);
    float f;
    memcpy(&f, &narrow, sizeof(f));
    *out = f;
  } else if (width == 8) {
    memcpy(out, &bits, sizeof(*out));
  } else {
    // FlexBuffers has no 8- or 16-bit floats; its reader takes the raw bits
    // as an unsigned integer.
    *out = static_cast<double>(bits);
  }
  return true;
}

bool Value::Indirect(size_t offset, uint8_t width, size_t* target) const {
  uint64_t back = 0;
  if (!ReadUInt(offset, width, &back) || back > offset) return false;
  *target = offset - static_cast<size_t>(back);
  return true;
}

int Value::CompareKey(const char* key, size_t offset) const {
  for (size_t k = 0;; ++k) {
    const uint8_t a = static_cast<uint8_t>(key[k]);
    // A key string running off the end of the buffer ends there.
    const uint8_t b = offset + k < size_ ? data_[offset + k] : 0;
    if (a != b) return a < b ? -1 : 1;
    if (a == 0) return 0;
  }
}

Value::Number Value::ReadNumber(bool bool_is_signed) const {
  Number n;
  size_t at = offset_;
  uint8_t width = parent_width_;
  uint8_t type = type_;
  if (type == kIndirectInt || type == kIndirectUInt || type == kIndirectFloat) {
    if (!Indirect(offset_, parent_width_, &at)) return n;
    width = byte_width_;
    // The indirect codes follow the inline ones in the same order.
    type = static_cast<uint8_t>(type - (kIndirectInt - kInt));
  }
  if (type == kBool) type = bool_is_signed ? kInt : kUInt;
  if (type == kInt && ReadInt(at, width, &n.i)) n.kind = Number::kSigned;
  if (type == kUInt && ReadUInt(at, width, &n.u)) n.kind = Number::kUnsigned;
  if (type == kFloat && ReadDouble(at, width, &n.d)) n.kind = Number::kReal;
  return n;
}

int64_t Value::AsInt64() const {
  if (type_ == kVector) return static_cast<int64_t>(AsUInt64());
  const Number n = ReadNumber(true);
  if (n.kind == Number::kSigned) return n.i;
  if (n.kind == Number::kUnsigned) return static_cast<int64_t>(n.u);
  return n.kind == Number::kReal ? DoubleToInt64(n.d) : 0;
}

uint64_t Value::AsUInt64() const {
  if (type_ == kVector) {
    // The element count, stored just before the elements.
    size_t at = 0;
    uint64_t u = 0;
    return Indirect(offset_, parent_width_, &at) && at >= byte_width_ &&
                   ReadUInt(at - byte_width_, byte_width_, &u)
               ? u
               : 0;
  }
  const Number n = ReadNumber(false);
  if (n.kind == Number::kSigned) return static_cast<uint64_t>(n.i);
  if (n.kind == Number::kUnsigned) return n.u;
  return n.kind == Number::kReal ? DoubleToUInt64(n.d) : 0;
}

double Value::AsDouble() const {
  if (type_ == kVector) return static_cast<double>(AsUInt64());
  const Number n = ReadNumber(false);
  if (n.kind == Number::kSigned) return static_cast<double>(n.i);
  if (n.kind == Number::kUnsigned) return static_cast<double>(n.u);
  return n.kind == Number::kReal ? n.d : 0.0;
}

bool Value::AsBool() const {
  return AsUInt64() != 0;
}

Value Value::operator[](const char* key) const {
  if (type_ != kMap || key == nullptr) return Value();
  // A map is a vector of values preceded by (keys offset, keys width, size);
  // the keys are a sorted vector of offsets to NUL-terminated strings.
  size_t values = 0, keys_field = 0, keys = 0;
  uint64_t count = 0, keys_width = 0, key_count = 0;
  const uint8_t w = byte_width_;
  if (!Indirect(offset_, parent_width_, &values) || values < 3u * w ||
      !ReadUInt(values - w, w, &count) || !ReadUInt(values - 2u * w, w, &keys_width) ||
      !ValidWidth(keys_width)) {
    return Value();
  }
  keys_field = values - 3u * w;
  const uint8_t kw = static_cast<uint8_t>(keys_width);
  if (!Indirect(keys_field, w, &keys) || keys < kw || !ReadUInt(keys - kw, kw, &key_count) ||
      count > size_ || key_count > size_) {
    return Value();
  }
  // Binary search with bsearch's probing, which FlexBuffers' reader uses.
  uint64_t lo = 0, hi = key_count;
  while (lo < hi) {
    const uint64_t mid = (lo + hi) / 2;
    size_t key_at = 0;
    if (!Indirect(keys + static_cast<size_t>(mid) * kw, kw, &key_at)) return Value();
    const int cmp = CompareKey(key, key_at);
    if (cmp < 0) {
      hi = mid;
    } else if (cmp > 0) {
      lo = mid + 1;
    } else {
      if (mid >= count) return Value();
      uint64_t packed_type = 0;
      const size_t types = values + static_cast<size_t>(count) * w;
      if (!ReadUInt(types + static_cast<size_t>(mid), 1, &packed_type)) return Value();
      return Value(data_, size_, values + static_cast<size_t>(mid) * w, w,
                   static_cast<uint8_t>(packed_type));
    }
  }
  return Value();
}

Value Value::At(size_t index) const {
  if (type_ != kMap && type_ != kVector) return Value();
  size_t values = 0;
  uint64_t count = 0;
  const uint8_t w = byte_width_;
  if (!Indirect(offset_, parent_width_, &values) || values < w ||
      !ReadUInt(values - w, w, &count) || index >= count || count > size_) {
    return Value();
  }
  uint64_t packed_type = 0;
  const size_t types = values + static_cast<size_t>(count) * w;
  if (!ReadUInt(types + index, 1, &packed_type)) return Value();
  return Value(data_, size_, values + index * w, w, static_cast<uint8_t>(packed_type));
}

}  // namespace flex
}  // namespace microml
