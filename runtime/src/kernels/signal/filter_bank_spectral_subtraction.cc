// SignalFilterBankSpectralSubtraction (TFLM signal library): per channel, a
// low-pass noise estimate (even and odd channels may use different
// smoothing) is updated and subtracted from the uint32 signal, keeping at
// least min_signal_remaining of it. Outputs the result and a copy of the
// noise estimate, which persists across invocations until reset.
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct SpectralSubtractionData {
  int32_t num_channels;
  uint32_t smoothing;
  uint32_t one_minus_smoothing;
  uint32_t alternate_smoothing;
  uint32_t alternate_one_minus_smoothing;
  uint32_t min_signal_remaining;
  uint32_t smoothing_bits;
  uint32_t spectral_subtraction_bits;
  bool clamping;
  uint32_t* noise_estimate;  // num_channels entries
};

Status ReadUnsignedOption(OpContext& ctx, size_t index, const char* name, uint32_t* out) {
  int32_t value = 0;
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, index, name, &value));
  *out = static_cast<uint32_t>(value);
  return Status::kOk;
}

// The entries in key order, the positions TFLM reads them from.
Status ReadOptions(OpContext& ctx, SpectralSubtractionData* d) {
  MICROML_RETURN_IF_ERROR(ReadUnsignedOption(ctx, 0, "alternate_one_minus_smoothing",
                                             &d->alternate_one_minus_smoothing));
  MICROML_RETURN_IF_ERROR(
      ReadUnsignedOption(ctx, 1, "alternate_smoothing", &d->alternate_smoothing));
  MICROML_RETURN_IF_ERROR(signal::ReadBoolOption(ctx, 2, "clamping", &d->clamping));
  MICROML_RETURN_IF_ERROR(
      ReadUnsignedOption(ctx, 3, "min_signal_remaining", &d->min_signal_remaining));
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 4, "num_channels", &d->num_channels));
  MICROML_RETURN_IF_ERROR(
      ReadUnsignedOption(ctx, 5, "one_minus_smoothing", &d->one_minus_smoothing));
  MICROML_RETURN_IF_ERROR(ReadUnsignedOption(ctx, 6, "smoothing", &d->smoothing));
  MICROML_RETURN_IF_ERROR(ReadUnsignedOption(ctx, 7, "smoothing_bits", &d->smoothing_bits));
  MICROML_RETURN_IF_ERROR(
      ReadUnsignedOption(ctx, 8, "spectral_subtraction_bits", &d->spectral_subtraction_bits));
  if (d->smoothing_bits > 31 || d->spectral_subtraction_bits > 63) {
    return ctx.Fail(
        Status::kInvalidModel,
        "smoothing_bits %d (0..31) or spectral_subtraction_bits %d (0..63) out of range",
        static_cast<int>(d->smoothing_bits), static_cast<int>(d->spectral_subtraction_bits));
  }
  return Status::kOk;
}

void Reset(OpContext& ctx) {
  SpectralSubtractionData* d = ctx.op_data_as<SpectralSubtractionData>();
  if (d->num_channels > 0) {
    memset(d->noise_estimate, 0, static_cast<size_t>(d->num_channels) * sizeof(uint32_t));
  }
}

Status SpectralSubtractionPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 2));
  Tensor *in, *out, *noise;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 1, &noise));
  if (in->type != TensorType::kUINT32 || out->type != TensorType::kUINT32 ||
      noise->type != TensorType::kUINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 1 || out->rank != 1 || noise->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "input and outputs must be rank 1 (ranks %d, %d, %d)",
                    in->rank, out->rank, noise->rank);
  }
  SpectralSubtractionData* d = ctx.AllocatePersistent<SpectralSubtractionData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  MICROML_RETURN_IF_ERROR(ReadOptions(ctx, d));
  const int32_t n = d->num_channels;
  if (n < 0 || in->dims[0] != n || out->dims[0] != n || noise->dims[0] != n) {
    return ctx.Fail(Status::kInvalidModel,
                    "num_channels %d, input has %d, output %d, noise estimate %d",
                    static_cast<int>(n), static_cast<int>(in->dims[0]),
                    static_cast<int>(out->dims[0]), static_cast<int>(noise->dims[0]));
  }
  d->noise_estimate =
      static_cast<uint32_t*>(ctx.AllocatePersistent(static_cast<size_t>(n) * sizeof(uint32_t)));
  if (d->noise_estimate == nullptr && n > 0) return Status::kArenaTooSmall;
  return Status::kOk;
}

Status SpectralSubtractionEval(OpContext& ctx) {
  const SpectralSubtractionData& d = *ctx.op_data_as<SpectralSubtractionData>();
  const uint32_t* x = ctx.input(0)->data_as<const uint32_t>();
  uint32_t* y = ctx.output(0)->data_as<uint32_t>();
  uint32_t* noise = d.noise_estimate;
  for (int32_t i = 0; i < d.num_channels; ++i) {
    const bool odd = (i & 1) != 0;
    const uint32_t smoothing = odd ? d.alternate_smoothing : d.smoothing;
    const uint32_t one_minus = odd ? d.alternate_one_minus_smoothing : d.one_minus_smoothing;
    const uint32_t signal = x[i] << d.smoothing_bits;
    noise[i] = static_cast<uint32_t>(
        (static_cast<uint64_t>(signal) * smoothing + static_cast<uint64_t>(noise[i]) * one_minus) >>
        d.spectral_subtraction_bits);
    uint32_t estimate = noise[i];
    if (estimate > signal) {
      estimate = signal;
      if (d.clamping) noise[i] = estimate;
    }
    const uint32_t floor = static_cast<uint32_t>(
        (static_cast<uint64_t>(x[i]) * d.min_signal_remaining) >> d.spectral_subtraction_bits);
    const uint32_t subtracted = (signal - estimate) >> d.smoothing_bits;
    y[i] = subtracted > floor ? subtracted : floor;
  }
  if (d.num_channels > 0) {
    memcpy(ctx.output(1)->data, noise, static_cast<size_t>(d.num_channels) * sizeof(uint32_t));
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalFilterBankSpectralSubtraction = {
    static_cast<int32_t>(BuiltinOp::kCUSTOM),
    "SignalFilterBankSpectralSubtraction",
    1,
    SpectralSubtractionPrepare,
    SpectralSubtractionEval,
    Reset,
    "uint32"};

}  // namespace microml
