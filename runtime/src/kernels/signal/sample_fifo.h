// First-in first-out store of int16 samples for the streaming signal kernels
// (framer, stacker, delay). TFLM keeps these in a ring buffer; the kernels'
// prepare checks guarantee it never overflows, so the order of samples in and
// out is all that matters and a linear buffer reproduces it.
#ifndef MICROML_KERNELS_SIGNAL_SAMPLE_FIFO_H_
#define MICROML_KERNELS_SIGNAL_SAMPLE_FIFO_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace microml {
namespace signal {

// Lives in persistent memory, immediately followed by `capacity` samples.
struct SampleFifo {
  uint32_t capacity;
  uint32_t size;

  // Rounded up to 8 bytes so that records can sit back to back.
  static uint64_t BytesFor(uint32_t capacity) {
    return (sizeof(SampleFifo) + static_cast<uint64_t>(capacity) * sizeof(int16_t) + 7u) & ~7ull;
  }
  int16_t* samples() { return reinterpret_cast<int16_t*>(this + 1); }

  void Clear() {
    size = 0;
    memset(samples(), 0, static_cast<size_t>(capacity) * sizeof(int16_t));
  }
  // Callers keep size + n within capacity.
  void Push(const int16_t* values, uint32_t n) {
    memcpy(samples() + size, values, static_cast<size_t>(n) * sizeof(int16_t));
    size += n;
  }
  void PushZeros(uint32_t n) {
    memset(samples() + size, 0, static_cast<size_t>(n) * sizeof(int16_t));
    size += n;
  }
  // Appends the newest `count` samples `times` more times.
  void RepeatNewest(uint32_t count, uint32_t times) {
    for (uint32_t t = 0; t < times; ++t) {
      memmove(samples() + size, samples() + size - count,
              static_cast<size_t>(count) * sizeof(int16_t));
      size += count;
    }
  }
  // Copies the oldest n samples (n <= size) without removing them.
  void PeekOldest(uint32_t n, int16_t* out) {
    memcpy(out, samples(), static_cast<size_t>(n) * sizeof(int16_t));
  }
  void DropOldest(uint32_t n) {
    size -= n;
    memmove(samples(), samples() + n, static_cast<size_t>(size) * sizeof(int16_t));
  }
};

}  // namespace signal
}  // namespace microml

#endif  // MICROML_KERNELS_SIGNAL_SAMPLE_FIFO_H_
