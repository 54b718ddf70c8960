#include "format/flatbuffer.h"

namespace microml {
namespace fb {

bool LocateTable(const uint8_t* base, size_t size, uint32_t pos, TableLocation* out) {
  if ((pos & 3u) != 0 || static_cast<uint64_t>(pos) + 4u > size) return false;
  const int64_t vtable = static_cast<int64_t>(pos) - LoadI32(base + pos);
  if (vtable < 0 || (vtable & 1) != 0 || static_cast<uint64_t>(vtable) + 4u > size) return false;
  const uint16_t vtable_size = LoadU16(base + vtable);
  const uint16_t table_size = LoadU16(base + vtable + 2);
  if (vtable_size < 4 || (vtable_size & 1) != 0 ||
      static_cast<uint64_t>(vtable) + vtable_size > size) {
    return false;
  }
  if (table_size < 4 || static_cast<uint64_t>(pos) + table_size > size) return false;
  out->base = base;
  out->buffer_size = size;
  out->pos = pos;
  out->vtable = static_cast<uint32_t>(vtable);
  out->vtable_size = vtable_size;
  out->table_size = table_size;
  return true;
}

bool FollowOffset(const TableLocation& t, int field, bool* present, uint32_t* target) {
  const uint16_t off = FieldOffset(t, field);
  *present = off != 0;
  if (off == 0) return true;
  if (static_cast<uint32_t>(off) + 4u > t.table_size) return false;
  const uint64_t slot = static_cast<uint64_t>(t.pos) + off;
  const uint64_t dest = slot + LoadU32(t.base + slot);
  if (dest >= t.buffer_size) return false;
  *target = static_cast<uint32_t>(dest);
  return true;
}

bool LocateVector(const uint8_t* base, size_t size, uint32_t pos, uint32_t elem_size,
                  uint32_t* count, uint32_t* data) {
  if ((pos & 3u) != 0 || static_cast<uint64_t>(pos) + 4u > size) return false;
  const uint32_t n = LoadU32(base + pos);
  const uint64_t end = static_cast<uint64_t>(pos) + 4u + static_cast<uint64_t>(n) * elem_size;
  if (end > size) return false;
  const uint32_t first = pos + 4u;
  // FlatBuffers aligns element data to its size; 32-bit vectors (shapes, scales)
  // are read in place, so misalignment there is malformed. Wider elements are
  // only ever copied out.
  if (elem_size > 1 && (first % (elem_size < 4 ? elem_size : 4u)) != 0) return false;
  *count = n;
  *data = first;
  return true;
}

}  // namespace fb
}  // namespace microml
