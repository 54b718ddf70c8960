// Alias of op_checks.h, which some kernels include under this name.
#ifndef MICROML_KERNELS_REFERENCE_OP_UTIL_H_
#define MICROML_KERNELS_REFERENCE_OP_UTIL_H_

#include "kernels/reference/op_checks.h"

#endif  // MICROML_KERNELS_REFERENCE_OP_UTIL_H_
