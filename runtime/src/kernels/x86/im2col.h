// arm::FillIm2colRow for x86-64: the same row, at the VNNI level copied with
// AVX-512 (a window row of a few dozen bytes is one masked load and one
// store, where the portable copy goes four bytes at a time);
// arm::FillIm2colRow below it.
#ifndef MICROML_KERNELS_X86_IM2COL_H_
#define MICROML_KERNELS_X86_IM2COL_H_

#include <stdint.h>

#include "kernels/prepare/conv2d.h"

namespace microml {
namespace x86 {

// `end` is the end of the buffer `row` lies in: bytes of [row + depth, end)
// may be overwritten (the stores are whole vectors where the buffer allows).
void FillIm2colRow(const Conv2DParams& d, const Conv2DShape& s, const int8_t* image, int32_t oy,
                   int32_t ox, int8_t pad_value, int8_t* row, const int8_t* end);

// At the VNNI level only, for rows of at most 64 bytes: the row built in a
// register by masked loads and written with one 64-byte store (the bytes past
// the row are padding), so that the GEMM's 4-byte loads of it forward from
// that one store rather than wait for several overlapping ones to retire.
void FillIm2colRow64(const Conv2DParams& d, const Conv2DShape& s, const int8_t* image, int32_t oy,
                     int32_t ox, int8_t pad_value, int8_t* row);

}  // namespace x86
}  // namespace microml

#endif  // MICROML_KERNELS_X86_IM2COL_H_
