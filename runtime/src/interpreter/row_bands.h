// Row bands (ArenaTradeoff::kRowBands): which operator pairs may run a band
// of rows at a time, and the buffer that then stands for the tensor between
// them. The pairs' execution is Session::RunBands.
#ifndef MICROML_INTERPRETER_ROW_BANDS_H_
#define MICROML_INTERPRETER_ROW_BANDS_H_

#include <stddef.h>
#include <stdint.h>

#include "microml/interpreter.h"

namespace microml {

// Subgraph g's pairs, in operator order, written to `out` (room for half its
// operators); returns how many. `rows` holds each operator's RowWindow.
uint32_t FindBandPairs(const detail::Session& s, uint32_t g, const RowWindow* rows,
                       detail::BandPair* out);

// Bytes of the band buffer of a pair whose middle tensor is `middle`.
size_t BandBytes(const Tensor& middle, const detail::BandPair& pair);

// The pair subgraph g's operator `op` belongs to (as producer or consumer),
// nullptr when none.
const detail::BandPair* BandPairOf(const detail::Session& s, uint32_t g, uint32_t op);

}  // namespace microml

#endif  // MICROML_INTERPRETER_ROW_BANDS_H_
