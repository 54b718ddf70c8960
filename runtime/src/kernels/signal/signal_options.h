// Options of TFLM's signal operators come as a FlexBuffers map that TFLM reads
// by position (the entries are sorted by key), not by key: these helpers read
// the same way and fail with the entry's name when it is absent or not an
// integer.
#ifndef MICROML_KERNELS_SIGNAL_SIGNAL_OPTIONS_H_
#define MICROML_KERNELS_SIGNAL_SIGNAL_OPTIONS_H_

#include <stddef.h>
#include <stdint.h>

#include "format/flexbuffer.h"
#include "microml/kernel.h"

namespace microml {
namespace signal {

inline flex::Value OptionsRoot(const OpContext& ctx) {
  const VectorRef<uint8_t> raw = ctx.op().custom_options();
  return flex::Value::Root(raw.bytes(), raw.size());
}

inline Status ReadIntOption(OpContext& ctx, size_t index, const char* name, int32_t* out) {
  const flex::Value v = OptionsRoot(ctx).At(index);
  if (!v.IsIntegral()) {
    return ctx.Fail(Status::kInvalidModel,
                    "option '%s' (entry %u of the options map) is missing or not an integer", name,
                    static_cast<unsigned>(index));
  }
  *out = v.AsInt32();
  return Status::kOk;
}

inline Status ReadBoolOption(OpContext& ctx, size_t index, const char* name, bool* out) {
  const flex::Value v = OptionsRoot(ctx).At(index);
  if (!v.IsIntegral()) {
    return ctx.Fail(Status::kInvalidModel,
                    "option '%s' (entry %u of the options map) is missing or not a bool", name,
                    static_cast<unsigned>(index));
  }
  *out = v.AsBool();
  return Status::kOk;
}

// The element type 'T' (a TensorType value) of the typed signal operators
// (RFFT, IRFFT, overlap add), which TFLM looks up by key.
inline Status ReadTypeOption(OpContext& ctx, int32_t* out) {
  const flex::Value v = OptionsRoot(ctx)["T"];
  if (!v.IsIntegral()) {
    return ctx.Fail(Status::kInvalidModel, "option 'T' (the element type) is missing");
  }
  *out = v.AsInt32();
  return Status::kOk;
}

}  // namespace signal
}  // namespace microml

#endif  // MICROML_KERNELS_SIGNAL_SIGNAL_OPTIONS_H_
