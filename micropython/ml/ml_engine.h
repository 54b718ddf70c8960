// Plain-C view of the microml runtime for the MicroPython glue.
//
// An engine (model reader + interpreter) is placed by the caller in storage it
// owns - here the body of the Python Model object - so nothing outside the GC
// heap holds model state. The engine never allocates: the caller hands it the
// work memory for measuring and the arena.
#ifndef MICROPY_ML_ENGINE_H
#define MICROPY_ML_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ML_OK = 0,
  ML_INVALID_MODEL,
  ML_UNSUPPORTED,
  ML_ARENA_TOO_SMALL,
  ML_INVALID_ARGUMENT,
  ML_INVALID_STATE,
} ml_status_t;

// Bytes and alignment of engine storage.
extern const size_t ml_engine_size;
#define ML_ENGINE_ALIGN (8)

// One model input or output as the glue sees it.
typedef struct {
  void* data;           // NULL before setup
  const int32_t* dims;  // in the model buffer
  uint32_t rank;
  uint32_t count;  // elements
  uint32_t bytes;
  char dtype;          // 'b' 'B' 'h' 'H' 'i' 'f', or 0 for a type the module does not exchange
  char type_name[12];  // "int8", "float32", ...
  float scale;         // 1.0 when the tensor is not quantized
  int32_t zero_point;
} ml_tensor_t;

// Constructs an engine in `storage` and verifies the model bytes, which must
// outlive it. On failure ml_engine_error() says why.
ml_status_t ml_engine_init(void* storage, const void* model, size_t model_len);
const char* ml_engine_error(const void* engine);

size_t ml_engine_num_inputs(const void* engine);
size_t ml_engine_num_outputs(const void* engine);
// Static description (data stays NULL until setup). False for a bad index.
bool ml_engine_input(const void* engine, size_t index, ml_tensor_t* out);
bool ml_engine_output(const void* engine, size_t index, ml_tensor_t* out);

// Temporary memory measuring needs, and the exact arena size Setup will use:
// that of the fastest plan within `arena_limit` bytes (SIZE_MAX: no limit,
// the default plan; see Interpreter::MeasureArena).
// ML_ARENA_TOO_SMALL with *arena_bytes untouched means `work` was too small;
// with *arena_bytes set, that even the smallest plan (*arena_bytes) is above
// the limit, and the error names the limit and both plans.
size_t ml_engine_work_bytes(const void* engine);
ml_status_t ml_engine_measure(void* engine, void* work, size_t work_len, size_t arena_limit,
                              size_t* arena_bytes);
ml_status_t ml_engine_setup(void* engine, void* arena, size_t arena_len);
ml_status_t ml_engine_invoke(void* engine);
void ml_engine_reset(void* engine);

// Bytes per element for a dtype character (0 if unknown).
size_t ml_dtype_size(char dtype);

#ifdef __cplusplus
}
#endif

#endif  // MICROPY_ML_ENGINE_H
