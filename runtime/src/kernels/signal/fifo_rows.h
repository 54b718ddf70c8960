// One SampleFifo per outer row of a streaming signal kernel's input (delay,
// framer), back to back in persistent memory.
#ifndef MICROML_KERNELS_SIGNAL_FIFO_ROWS_H_
#define MICROML_KERNELS_SIGNAL_FIFO_ROWS_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/signal/sample_fifo.h"
#include "microml/kernel.h"

namespace microml {
namespace signal {

struct FifoRows {
  uint32_t rows;
  uint32_t capacity;  // samples per FIFO
  uint8_t* memory;

  SampleFifo* row(uint32_t r) const {
    return reinterpret_cast<SampleFifo*>(memory +
                                         static_cast<size_t>(r * SampleFifo::BytesFor(capacity)));
  }
  // Empties every FIFO, then fills each with `zeros` zero samples.
  void Reset(uint32_t zeros) const {
    for (uint32_t r = 0; r < rows; ++r) {
      SampleFifo* fifo = row(r);
      fifo->capacity = capacity;
      fifo->Clear();
      fifo->PushZeros(zeros);
    }
  }
};

// Allocates `rows` and `capacity` already set in `fifos`, refusing more than
// 1 GiB of state.
inline Status AllocateFifoRows(OpContext& ctx, FifoRows* fifos) {
  const uint64_t bytes = fifos->rows * SampleFifo::BytesFor(fifos->capacity);
  if (bytes > (1u << 30)) {
    return ctx.Fail(Status::kUnsupported, "%u rows of %u buffered samples need too much state",
                    fifos->rows, fifos->capacity);
  }
  fifos->memory = static_cast<uint8_t*>(ctx.AllocatePersistent(static_cast<size_t>(bytes)));
  return fifos->memory == nullptr ? Status::kArenaTooSmall : Status::kOk;
}

}  // namespace signal
}  // namespace microml

#endif  // MICROML_KERNELS_SIGNAL_FIFO_ROWS_H_
