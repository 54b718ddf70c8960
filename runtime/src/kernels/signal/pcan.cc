// SignalPCAN (TFLM signal library): per-channel energy normalization. Each
// uint32 channel is multiplied by a gain looked up (piecewise quadratic
// interpolation in an int16 table indexed by the bit length of the noise
// estimate), shifted by snr_shift and compressed by x^2/4 below 2 and x - 1
// above (12 fraction bits in, 6 out).
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "kernels/signal/signal_math.h"
#include "kernels/signal/signal_options.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kSnrBits = 12;
constexpr int kOutputBits = 6;
// The lookup reads entries up to 4 * 32 - 6 + 2.
constexpr int32_t kGainTableSize = 125;

struct PcanData {
  int32_t snr_shift;
};

int16_t Gain(uint32_t noise, const int16_t* table) {
  if (noise <= 2) return table[noise];
  const int32_t interval = static_cast<int32_t>(signal::BitLength32(noise));
  const int16_t* segment = table + 4 * interval - 6;
  const uint32_t shifted = interval < 11 ? noise << (11 - interval) : noise >> (interval - 11);
  const int32_t frac = static_cast<int16_t>(shifted & 0x3FF);
  int32_t result = (static_cast<int32_t>(segment[2]) * frac) >> 5;
  result += static_cast<int32_t>(static_cast<uint32_t>(static_cast<int32_t>(segment[1])) << 5);
  result *= frac;
  result = (result + (1 << 14)) >> 15;
  result += segment[0];
  return static_cast<int16_t>(result);
}

uint32_t Shrink(uint32_t x) {
  if (x < (2u << kSnrBits)) return (x * x) >> (2 + 2 * kSnrBits - kOutputBits);
  return (x >> (kSnrBits - kOutputBits)) - (1u << kOutputBits);
}

Status PcanPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 3, 3, 1));
  Tensor *in, *noise, *table, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &noise));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 2, &table));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->type != TensorType::kUINT32 || noise->type != TensorType::kUINT32 ||
      table->type != TensorType::kINT16 || out->type != TensorType::kUINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank != 1 || noise->rank != 1 || table->rank != 1 || out->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "all tensors must be rank 1 (ranks %d, %d, %d, %d)",
                    in->rank, noise->rank, table->rank, out->rank);
  }
  if (in->dims[0] < 1 || noise->dims[0] != in->dims[0] || out->dims[0] != in->dims[0]) {
    return ctx.Fail(Status::kInvalidModel, "input has %d channels, noise estimate %d, output %d",
                    static_cast<int>(in->dims[0]), static_cast<int>(noise->dims[0]),
                    static_cast<int>(out->dims[0]));
  }
  if (table->dims[0] < kGainTableSize) {
    return ctx.Fail(Status::kInvalidModel, "gain table has %d entries, needs %d",
                    static_cast<int>(table->dims[0]), static_cast<int>(kGainTableSize));
  }
  PcanData* data = ctx.AllocatePersistent<PcanData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(signal::ReadIntOption(ctx, 0, "snr_shift", &data->snr_shift));
  if (data->snr_shift < 0 || data->snr_shift > 63) {
    return ctx.Fail(Status::kInvalidModel, "snr_shift %d is outside [0, 63]",
                    static_cast<int>(data->snr_shift));
  }
  return Status::kOk;
}

Status PcanEval(OpContext& ctx) {
  const int32_t snr_shift = ctx.op_data_as<PcanData>()->snr_shift;
  const Tensor& in = *ctx.input(0);
  const uint32_t* x = in.data_as<const uint32_t>();
  const uint32_t* noise = ctx.input(1)->data_as<const uint32_t>();
  const int16_t* table = ctx.input(2)->data_as<const int16_t>();
  uint32_t* y = ctx.output(0)->data_as<uint32_t>();
  for (int32_t i = 0; i < in.dims[0]; ++i) {
    const uint32_t gain = static_cast<uint32_t>(static_cast<int32_t>(Gain(noise[i], table)));
    const uint32_t snr = static_cast<uint32_t>((static_cast<uint64_t>(x[i]) * gain) >> snr_shift);
    y[i] = Shrink(snr);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSignalPcan = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                "SignalPCAN",
                                                1,
                                                PcanPrepare,
                                                PcanEval,
                                                nullptr,
                                                "uint32"};

}  // namespace microml
