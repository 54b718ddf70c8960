// The reference kernel table, shared by AllOpsResolver() and the optimized
// resolver, which falls back to it.
#ifndef MICROML_KERNELS_REGISTRY_H_
#define MICROML_KERNELS_REGISTRY_H_

#include "microml/kernel.h"

namespace microml {

extern const OpResolver kReferenceOps;

}  // namespace microml

#endif  // MICROML_KERNELS_REGISTRY_H_
