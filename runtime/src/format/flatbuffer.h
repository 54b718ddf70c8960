// Little-endian FlatBuffers primitives with bounds checks. Internal to the reader.
#ifndef MICROML_FORMAT_FLATBUFFER_H_
#define MICROML_FORMAT_FLATBUFFER_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "microml/model.h"

namespace microml {
namespace fb {

inline uint16_t LoadU16(const uint8_t* p) {
  uint16_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}
inline uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}
inline int32_t LoadI32(const uint8_t* p) {
  int32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

// Offset of field `field` inside the table, 0 when absent. The vtable itself was
// verified, so the slot read is in bounds.
inline uint16_t FieldOffset(const TableLocation& t, int field) {
  const uint32_t slot = 4u + 2u * static_cast<uint32_t>(field);
  if (field < 0 || slot + 2u > t.vtable_size) return 0;
  return LoadU16(t.base + t.vtable + slot);
}

// Checks that a table starts at `pos` and that its vtable and body lie inside
// the buffer. On success fills `out`.
bool LocateTable(const uint8_t* base, size_t size, uint32_t pos, TableLocation* out);

// LocateTable of a table that verification has already located: the same
// result without the checks, for reads on the invoke path.
inline TableLocation LocateVerifiedTable(const uint8_t* base, size_t size, uint32_t pos) {
  TableLocation out;
  out.base = base;
  out.buffer_size = size;
  out.pos = pos;
  out.vtable = static_cast<uint32_t>(static_cast<int64_t>(pos) - LoadI32(base + pos));
  out.vtable_size = LoadU16(base + out.vtable);
  out.table_size = LoadU16(base + out.vtable + 2);
  return out;
}

// Follows the uoffset stored in field `field` of `t`. Returns false when the
// field slot or the target is outside the buffer; *present tells whether the
// field exists at all.
bool FollowOffset(const TableLocation& t, int field, bool* present, uint32_t* target);

// A vector of `elem_size`-byte elements at `pos`: checks the length word and the
// element bytes. Sets *data to the first element.
bool LocateVector(const uint8_t* base, size_t size, uint32_t pos, uint32_t elem_size,
                  uint32_t* count, uint32_t* data);

}  // namespace fb
}  // namespace microml

#endif  // MICROML_FORMAT_FLATBUFFER_H_
