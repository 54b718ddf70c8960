// The model, golden data and kernels a model_test image embeds; defined by the
// source the build generates for each model (see CMakeLists.txt).
#ifndef MICROML_CORTEX_M_MODEL_TEST_DATA_H_
#define MICROML_CORTEX_M_MODEL_TEST_DATA_H_

#include <stddef.h>

#include "microml/kernel.h"

namespace microml_cortex_m {

struct TestBlob {
  const unsigned char* data;
  size_t size;
};

extern const char* const kTestModelName;
extern const TestBlob kTestModel;  // 16-byte aligned
extern const TestBlob kTestInputs[];
extern const size_t kNumTestInputs;
extern const TestBlob kTestOutputs[];  // golden, from one Invoke() of TFLM
extern const size_t kNumTestOutputs;

// The operators the model uses (MICROML_CORTEX_M_RESOLVER=model), or all.
const microml::OpResolver& TestResolver();

}  // namespace microml_cortex_m

#endif  // MICROML_CORTEX_M_MODEL_TEST_DATA_H_
