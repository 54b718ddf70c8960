// The table of embedded models when the native module is built without any
// (ML_MODELS_INDEX unset): ml.Model(name) then opens files only.
#include "ml_builtin_models.h"

const ml_builtin_model_t ml_builtin_models[1];
const size_t ml_builtin_models_count = 0;
