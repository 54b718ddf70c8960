// REVERSE_V2 along a set of contiguous axes (TFLM supports no other) of a
// tensor of up to 6 dimensions; any element type of 1, 2, 4 or 8 bytes.
// Reversing a run of adjacent axes reverses their flattened index, so one
// middle extent is reversed between an outer and an inner extent. The axes
// are read in prepare when constant, else at every eval.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 6;

struct Extents {
  size_t outer, middle, inner;  // inner in bytes
};

struct ReverseData {
  bool constant;
  Extents extents;  // valid when `constant`
};

Status ReadAxes(OpContext& ctx, const Tensor& in, const Tensor& axes, Status status, Extents* e) {
  const uint32_t n = axes.element_count();
  bool reversed[kMaxRank] = {};
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t raw = axes.data_as<const int32_t>()[i];
    int axis = 0;
    if (!NormalizeAxis(raw, in.rank, &axis) || reversed[axis]) {
      return ctx.Fail(status, "axis %d is out of range or repeated for a rank-%d input",
                      static_cast<int>(raw), in.rank);
    }
    reversed[axis] = true;
  }
  int first = 0;
  while (!reversed[first]) ++first;
  const int last = first + static_cast<int>(n) - 1;
  for (int d = first; d <= last; ++d) {
    if (!reversed[d]) return ctx.Fail(status, "axes are not contiguous");
  }
  e->outer = 1;
  e->middle = 1;
  e->inner = TensorTypeSize(in.type);
  for (int d = 0; d < in.rank; ++d) {
    const size_t size = static_cast<size_t>(in.dims[d]);
    if (d < first) {
      e->outer *= size;
    } else if (d <= last) {
      e->middle *= size;
    } else {
      e->inner *= size;
    }
  }
  return Status::kOk;
}

Status ReverseV2Prepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *axes, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &axes));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = in->type;
  const bool type_ok = type == TensorType::kFLOAT32 || type == TensorType::kINT8 ||
                       type == TensorType::kUINT8 || type == TensorType::kINT16 ||
                       type == TensorType::kINT32 || type == TensorType::kINT64 ||
                       type == TensorType::kBOOL;
  if (!type_ok || out->type != type || axes->type != TensorType::kINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, at most %d", in->rank, kMaxRank);
  }
  if (axes->rank != 1 || axes->dims[0] < 1 || axes->dims[0] > in->rank) {
    return ctx.Fail(Status::kInvalidModel, "axis must be a vector of 1 to %d elements", in->rank);
  }
  if (!SameShape(*in, *out)) {
    return ctx.Fail(Status::kInvalidModel, "output shape differs from the input's");
  }
  ReverseData* data = ctx.AllocatePersistent<ReverseData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->constant = axes->is_constant();
  if (data->constant) return ReadAxes(ctx, *in, *axes, Status::kInvalidModel, &data->extents);
  return Status::kOk;
}

Status ReverseV2Eval(OpContext& ctx) {
  const ReverseData& data = *ctx.op_data_as<ReverseData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  Extents e = data.extents;
  if (!data.constant) {
    MICROML_RETURN_IF_ERROR(ReadAxes(ctx, in, *ctx.input(1), Status::kInvalidArgument, &e));
  }
  if (e.inner == 0 || e.middle == 0) return Status::kOk;
  const uint8_t* src = in.data_as<const uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  for (size_t o = 0; o < e.outer; ++o) {
    const uint8_t* block = src + o * e.middle * e.inner;
    for (size_t m = 0; m < e.middle; ++m, dst += e.inner) {
      const uint8_t* from = block + (e.middle - 1 - m) * e.inner;
      memcpy(dst, from, e.inner);
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterReverseV2 = {static_cast<int32_t>(BuiltinOp::kREVERSE_V2),
                                               nullptr,
                                               3,
                                               ReverseV2Prepare,
                                               ReverseV2Eval,
                                               nullptr,
                                               "float32 int8 uint8 int16 int32 int64 bool"};

}  // namespace microml
