// SignalFilterBank (TFLM signal library): mel-style filterbank over a uint32
// power spectrum. Channel i (0..num_channels, channel 0 being scratch that is
// dropped) sums channel_widths[i] bins from channel_frequency_starts[i],
// weighted by `weights` from channel_weight_starts[i]; the same bins weighted
// by `unweights` start the next channel's sum. All sums are uint64 with
// int16 weights taken as uint64, as TFLM does.
//
// The five tables are usually constants and are then checked once here;
// otherwise every eval checks them before indexing anything.
#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

enum Input { kSpectrum, kWeights, kUnweights, kFreqStarts, kWeightStarts, kWidths, kNumInputs };

struct FilterBankData {
  int32_t num_channels;
  bool tables_checked;
};

Status CheckTables(OpContext& ctx, int32_t num_channels, Status status) {
  const Tensor& spectrum = *ctx.input(kSpectrum);
  const int64_t bins = spectrum.dims[0];
  const int64_t weights = ctx.input(kWeights)->dims[0];
  const int64_t unweights = ctx.input(kUnweights)->dims[0];
  const int16_t* freq_starts = ctx.input(kFreqStarts)->data_as<const int16_t>();
  const int16_t* weight_starts = ctx.input(kWeightStarts)->data_as<const int16_t>();
  const int16_t* widths = ctx.input(kWidths)->data_as<const int16_t>();
  for (int32_t i = 0; i <= num_channels; ++i) {
    const int64_t width = widths[i];
    if (width <= 0) continue;
    const int64_t f = freq_starts[i];
    const int64_t w = weight_starts[i];
    if (f < 0 || f + width > bins || w < 0 || w + width > weights || w + width > unweights) {
      return ctx.Fail(status, "channel %d reads bins [%d, %d) of %d and weights [%d, %d) of %d",
                      static_cast<int>(i), static_cast<int>(f), static_cast<int>(f + width),
                      static_cast<int>(bins), static_cast<int>(w), static_cast<int>(w + width),
                      static_cast<int>(weights < unweights ? weights : unweights));
    }
  }
  return Status::kOk;
}

Status FilterBankPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, kNumInputs, kNumInputs, 1));
  Tensor* inputs[kNumInputs];
  for (int i = 0; i < kNumInputs; ++i) {
    MICROML_RETURN_IF_ERROR(RequireInput(ctx, i, &inputs[i]));
  }
  Tensor* out;
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (inputs[kSpectrum]->type != TensorType::kUINT32 || out->type != TensorType::kUINT64) {
    return ctx.FailUnsupportedTypes();
  }
  for (int i = kWeights; i < kNumInputs; ++i) {
    if (inputs[i]->type != TensorType::kINT16) return ctx.FailUnsupportedTypes();
  }
  for (int i = 0; i < kNumInputs; ++i) {
    if (inputs[i]->rank != 1) {
      return ctx.Fail(Status::kInvalidModel, "input %d has rank %d, expected 1", i,
                      inputs[i]->rank);
    }
  }
  if (out->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "output has rank %d, expected 1", out->rank);
  }
  FilterBankData* data = ctx.AllocatePersistent<FilterBankData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 0, "num_channels", &data->num_channels));
  const int32_t n = data->num_channels;
  if (n < 0 || out->dims[0] != n) {
    return ctx.Fail(Status::kInvalidModel, "num_channels %d, output has %d channels",
                    static_cast<int>(n), static_cast<int>(out->dims[0]));
  }
  for (int i = kFreqStarts; i < kNumInputs; ++i) {
    if (inputs[i]->dims[0] < n + 1) {
      return ctx.Fail(Status::kInvalidModel, "input %d has %d entries, num_channels %d needs %d", i,
                      static_cast<int>(inputs[i]->dims[0]), static_cast<int>(n),
                      static_cast<int>(n + 1));
    }
  }
  data->tables_checked = inputs[kFreqStarts]->is_constant() &&
                         inputs[kWeightStarts]->is_constant() && inputs[kWidths]->is_constant();
  if (data->tables_checked) return CheckTables(ctx, n, Status::kInvalidModel);
  return Status::kOk;
}

Status FilterBankEval(OpContext& ctx) {
  const FilterBankData& data = *ctx.op_data_as<FilterBankData>();
  if (!data.tables_checked) {
    MICROML_RETURN_IF_ERROR(CheckTables(ctx, data.num_channels, Status::kInvalidArgument));
  }
  const uint32_t* spectrum = ctx.input(kSpectrum)->data_as<const uint32_t>();
  const int16_t* weights = ctx.input(kWeights)->data_as<const int16_t>();
  const int16_t* unweights = ctx.input(kUnweights)->data_as<const int16_t>();
  const int16_t* freq_starts = ctx.input(kFreqStarts)->data_as<const int16_t>();
  const int16_t* weight_starts = ctx.input(kWeightStarts)->data_as<const int16_t>();
  const int16_t* widths = ctx.input(kWidths)->data_as<const int16_t>();
  uint64_t* out = ctx.output(0)->data_as<uint64_t>();
  uint64_t carried = 0;
  for (int32_t i = 0; i <= data.num_channels; ++i) {
    uint64_t weighted = carried;
    uint64_t unweighted = 0;
    const int32_t f = freq_starts[i];
    const int32_t w = weight_starts[i];
    for (int32_t j = 0; j < widths[i]; ++j) {
      const uint64_t power = spectrum[f + j];
      weighted += static_cast<uint64_t>(static_cast<int64_t>(weights[w + j])) * power;
      unweighted += static_cast<uint64_t>(static_cast<int64_t>(unweights[w + j])) * power;
    }
    if (i > 0) out[i - 1] = weighted;
    carried = unweighted;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalFilterBank = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                      "SignalFilterBank",
                                                      1,
                                                      FilterBankPrepare,
                                                      FilterBankEval,
                                                      nullptr,
                                                      "uint32"};

}  // namespace microml
