// Table of models compiled into the firmware, generated from the models
// index by micropython/models/gen_models.py. Plain C: the generated file does
// not depend on MicroPython's headers.
#ifndef MICROPY_ML_BUILTIN_MODELS_H
#define MICROPY_ML_BUILTIN_MODELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  const char* name;
  const uint8_t* data;
  size_t len;
  const char* const* labels;
  size_t n_labels;
} ml_builtin_model_t;

extern const ml_builtin_model_t ml_builtin_models[];
extern const size_t ml_builtin_models_count;

#endif  // MICROPY_ML_BUILTIN_MODELS_H
