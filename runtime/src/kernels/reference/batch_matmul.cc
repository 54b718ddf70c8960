// BATCH_MATMUL of float32, int8 or int16 operands of rank 2 to 5 with
// broadcast batch dimensions and adj_x / adj_y.
//
// TFLM copies a transposed RHS (and, with adj_x, a transposed LHS) into
// persistent buffers and multiplies RHS x LHS column-major; each output
// element is still the sum over k in increasing order of lhs * rhs, which is
// what this kernel computes, reading both operands in place through strides.
// Quantized: (lhs - lhs_zp) * (rhs - rhs_zp) accumulated in int32 (int8) or
// int64 (int16, zero points 0), rescaled by lhs_scale * rhs_scale /
// output_scale with TFLM's 32- or 64-bit MultiplyByQuantizedMultiplier.
#include "kernels/quantization.h"
#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 5;
constexpr int kMaxBatchRank = kMaxRank - 2;

// BatchMatMulOptions field positions in the schema.
constexpr int kAdjXField = 0;
constexpr int kAdjYField = 1;

struct MatMulData {
  int32_t rows, cols, depth;  // M, N, K
  // Element strides of the operands: L(i, k) = lhs[i * lhs_i + k * lhs_k].
  int32_t lhs_i, lhs_k, rhs_k, rhs_j;
  int32_t batch_rank;
  int32_t batch[kMaxBatchRank];
  int32_t lhs_batch_stride[kMaxBatchRank];  // 0 where broadcast
  int32_t rhs_batch_stride[kMaxBatchRank];
  int32_t lhs_zero_point, rhs_zero_point, output_zero_point;
  int32_t multiplier;
  int32_t shift;
};

// Dimension d of t counted in an `out_rank`-dimensional frame (1 before its
// first dimension).
int32_t DimIn(const Tensor& t, int out_rank, int d) {
  const int lead = out_rank - t.rank;
  return d < lead ? 1 : t.dims[d - lead];
}

// Element stride of each batch dimension of t in that frame.
void BatchStrides(const Tensor& t, int out_rank, int32_t* strides) {
  int32_t s = t.dims[t.rank - 1] * t.dims[t.rank - 2];
  for (int d = out_rank - 3; d >= 0; --d) {
    const int32_t size = DimIn(t, out_rank, d);
    strides[d] = size == 1 ? 0 : s;
    s *= size;
  }
}

Status PrepareQuantization(OpContext& ctx, TensorType type, MatMulData* data) {
  QuantParams ql, qr, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), type, "lhs", &ql));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(1), type, "rhs", &qr));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), type, "output", &qo));
  if (type == TensorType::kINT16 &&
      (ql.zero_point != 0 || qr.zero_point != 0 || qo.zero_point != 0)) {
    return ctx.Fail(Status::kUnsupported, "int16 zero points %d, %d, %d must all be 0",
                    static_cast<int>(ql.zero_point), static_cast<int>(qr.zero_point),
                    static_cast<int>(qo.zero_point));
  }
  const double real =
      static_cast<double>(ql.scale) * static_cast<double>(qr.scale) / static_cast<double>(qo.scale);
  int shift = 0;
  QuantizeMultiplier(real, &data->multiplier, &shift);
  // Beyond these the fixed-point rescale itself would overflow.
  const int max_shift = type == TensorType::kINT8 ? 31 : 14;
  if (shift > max_shift) {
    return ctx.Fail(Status::kUnsupported, "rescale exponent %d, at most %d", shift, max_shift);
  }
  data->shift = shift;
  data->lhs_zero_point = ql.zero_point;
  data->rhs_zero_point = qr.zero_point;
  data->output_zero_point = qo.zero_point;
  return Status::kOk;
}

Status BatchMatMulPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *lhs, *rhs, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &lhs));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &rhs));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = lhs->type;
  const bool type_ok =
      type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT16;
  if (!type_ok || rhs->type != type || out->type != type) return ctx.FailUnsupportedTypes();
  if (lhs->rank < 2 || lhs->rank > kMaxRank || rhs->rank < 2 || rhs->rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "operand ranks %d and %d, supported 2 to %d", lhs->rank,
                    rhs->rank, kMaxRank);
  }
  const TableRef opts = OptionsAs(ctx, OptionsType::kBatchMatMulOptions);
  const bool adj_x = opts.GetBool(kAdjXField, false);
  const bool adj_y = opts.GetBool(kAdjYField, false);
  const int rank = lhs->rank > rhs->rank ? lhs->rank : rhs->rank;
  MatMulData* data = ctx.AllocatePersistent<MatMulData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  const int32_t l0 = lhs->dims[lhs->rank - 2], l1 = lhs->dims[lhs->rank - 1];
  const int32_t r0 = rhs->dims[rhs->rank - 2], r1 = rhs->dims[rhs->rank - 1];
  data->rows = adj_x ? l1 : l0;
  data->depth = adj_x ? l0 : l1;
  data->cols = adj_y ? r0 : r1;
  const int32_t rhs_depth = adj_y ? r1 : r0;
  if (rhs_depth != data->depth) {
    return ctx.Fail(Status::kInvalidModel, "lhs contracts over %d values, rhs over %d",
                    static_cast<int>(data->depth), static_cast<int>(rhs_depth));
  }
  data->lhs_i = adj_x ? 1 : l1;
  data->lhs_k = adj_x ? l1 : 1;
  data->rhs_k = adj_y ? 1 : r1;
  data->rhs_j = adj_y ? r1 : 1;
  int32_t dims[kMaxRank];
  data->batch_rank = rank - 2;
  for (int d = 0; d < rank - 2; ++d) {
    const int32_t a = DimIn(*lhs, rank, d);
    const int32_t b = DimIn(*rhs, rank, d);
    if (a != b && a != 1 && b != 1) {
      return ctx.Fail(Status::kInvalidModel, "batch dimension %d: %d and %d do not broadcast", d,
                      static_cast<int>(a), static_cast<int>(b));
    }
    dims[d] = a == 1 ? b : a;
    data->batch[d] = dims[d];
  }
  BatchStrides(*lhs, rank, data->lhs_batch_stride);
  BatchStrides(*rhs, rank, data->rhs_batch_stride);
  dims[rank - 2] = data->rows;
  dims[rank - 1] = data->cols;
  // TFLM also accepts an output with extra leading dimensions of size 1.
  const int extra = out->rank - rank;
  bool shape_ok = extra >= 0;
  for (int d = 0; shape_ok && d < out->rank; ++d) {
    shape_ok = out->dims[d] == (d < extra ? 1 : dims[d - extra]);
  }
  if (!shape_ok) return ExpectShape(ctx, *out, "output", dims, rank);
  if (type != TensorType::kFLOAT32) {
    MICROML_RETURN_IF_ERROR(PrepareQuantization(ctx, type, data));
  }
  return Status::kOk;
}

template <typename T, typename Acc, typename Finish>
void MatMul(const MatMulData& d, const T* lhs, const T* rhs, T* out, Acc lhs_offset, Acc rhs_offset,
            Finish finish) {
  int32_t batches = 1;
  for (int b = 0; b < d.batch_rank; ++b) batches *= d.batch[b];
  int32_t index[kMaxBatchRank] = {};
  for (int32_t n = 0; n < batches; ++n) {
    size_t lb = 0, rb = 0;
    for (int b = 0; b < d.batch_rank; ++b) {
      lb += static_cast<size_t>(index[b]) * static_cast<size_t>(d.lhs_batch_stride[b]);
      rb += static_cast<size_t>(index[b]) * static_cast<size_t>(d.rhs_batch_stride[b]);
    }
    const T* l = lhs + lb;
    const T* r = rhs + rb;
    for (int32_t i = 0; i < d.rows; ++i) {
      for (int32_t j = 0; j < d.cols; ++j) {
        Acc total = 0;
        const T* lp = l + static_cast<size_t>(i) * d.lhs_i;
        const T* rp = r + static_cast<size_t>(j) * d.rhs_j;
        for (int32_t k = 0; k < d.depth; ++k, lp += d.lhs_k, rp += d.rhs_k) {
          total += (static_cast<Acc>(*lp) + lhs_offset) * (static_cast<Acc>(*rp) + rhs_offset);
        }
        *out++ = finish(total);
      }
    }
    for (int b = d.batch_rank - 1; b >= 0; --b) {
      if (++index[b] < d.batch[b]) break;
      index[b] = 0;
    }
  }
}

Status BatchMatMulEval(OpContext& ctx) {
  const MatMulData& d = *ctx.op_data_as<MatMulData>();
  const Tensor& lhs = *ctx.input(0);
  const Tensor& rhs = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (lhs.type) {
    case TensorType::kFLOAT32:
      MatMul(d, lhs.data_as<const float>(), rhs.data_as<const float>(), out.data_as<float>(), 0.0f,
             0.0f, [](float v) { return v; });
      break;
    case TensorType::kINT8:
      // int64 sums wrapped to int32 give TFLM's int32 accumulator exactly.
      MatMul(d, lhs.data_as<const int8_t>(), rhs.data_as<const int8_t>(), out.data_as<int8_t>(),
             static_cast<int64_t>(-d.lhs_zero_point), static_cast<int64_t>(-d.rhs_zero_point),
             [&d](int64_t total) {
               const int32_t scaled = MultiplyByQuantizedMultiplier(
                   static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(total))),
                   d.multiplier, d.shift);
               return Clamp<int8_t>(WrapAdd(scaled, d.output_zero_point), -128, 127);
             });
      break;
    default:
      MatMul(d, lhs.data_as<const int16_t>(), rhs.data_as<const int16_t>(), out.data_as<int16_t>(),
             int64_t{0}, int64_t{0}, [&d](int64_t total) {
               const int32_t scaled = MultiplyByQuantizedMultiplier(total, d.multiplier, d.shift);
               return Clamp<int16_t>(scaled, -32768, 32767);
             });
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterBatchMatMul = {static_cast<int32_t>(BuiltinOp::kBATCH_MATMUL),
                                                 nullptr,
                                                 4,
                                                 BatchMatMulPrepare,
                                                 BatchMatMulEval,
                                                 nullptr,
                                                 "float32 int8 int16"};

}  // namespace microml
