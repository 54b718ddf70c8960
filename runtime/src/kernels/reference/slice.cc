// SLICE (begin and size vectors, int32 or int64, size -1 meaning "to the
// end") on tensors of up to 5 dimensions: float32, int8, int16, int32, bool.
//
// TFLM reads begin and size at every invocation and only requires the slice
// to hold as many elements as the output; so do we. Constant vectors are
// checked once in prepare, others at each eval, where a slice that leaves the
// input fails the invocation instead of reading out of bounds.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 5;

struct SliceWindow {
  int32_t start[kMaxRank];
  int32_t count[kMaxRank];
};

struct SliceData {
  bool constant;
  SliceWindow window;  // valid when `constant`
};

Status ResolveWindow(OpContext& ctx, const Tensor& in, const Tensor& begin, const Tensor& size,
                     const Tensor& out, SliceWindow* w) {
  const int rank = in.rank;
  int64_t elements = 1;
  for (int d = 0; d < rank; ++d) {
    const int64_t b = IndexAt(begin, static_cast<uint32_t>(d));
    const int64_t s = IndexAt(size, static_cast<uint32_t>(d));
    const int64_t dim = in.dims[d];
    const int64_t count = s == -1 ? dim - b : s;
    if (b < 0 || b > dim || count < 0 || count > dim - b) {
      return ctx.Fail(Status::kInvalidArgument,
                      "dimension %d of size %lld: begin %lld, size %lld leave the input", d,
                      static_cast<long long>(dim), static_cast<long long>(b),
                      static_cast<long long>(s));
    }
    w->start[d] = static_cast<int32_t>(b);
    w->count[d] = static_cast<int32_t>(count);
    elements *= count;
  }
  if (elements != static_cast<int64_t>(out.element_count())) {
    return ctx.Fail(Status::kInvalidArgument, "slice has %lld elements, output %u",
                    static_cast<long long>(elements), static_cast<unsigned>(out.element_count()));
  }
  return Status::kOk;
}

Status SlicePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 3, 3, 1));
  Tensor *in, *begin, *size, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &begin));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 2, &size));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = in->type;
  const bool type_ok = type == TensorType::kFLOAT32 || type == TensorType::kINT8 ||
                       type == TensorType::kINT16 || type == TensorType::kINT32 ||
                       type == TensorType::kBOOL;
  if (!type_ok || out->type != type || !IsIndexType(begin->type) || size->type != begin->type) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, at most %d", in->rank, kMaxRank);
  }
  const uint32_t rank = static_cast<uint32_t>(in->rank);
  if (begin->rank != 1 || size->rank != 1 || begin->element_count() != rank ||
      size->element_count() != rank) {
    return ctx.Fail(Status::kInvalidModel, "begin and size must be vectors of %u elements",
                    static_cast<unsigned>(rank));
  }
  SliceData* data = ctx.AllocatePersistent<SliceData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->constant = begin->is_constant() && size->is_constant();
  if (data->constant) {
    const Status status = ResolveWindow(ctx, *in, *begin, *size, *out, &data->window);
    return status == Status::kOk ? status : Status::kInvalidModel;
  }
  return Status::kOk;
}

template <typename T>
void SliceCopy(const SliceWindow& w, const Tensor& in, T* dst) {
  // Left-pad to five dimensions so one loop nest serves every rank.
  int32_t start[kMaxRank], count[kMaxRank];
  size_t stride[kMaxRank];
  const int pad = kMaxRank - in.rank;
  size_t s = 1;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    const bool real = d >= pad;
    start[d] = real ? w.start[d - pad] : 0;
    count[d] = real ? w.count[d - pad] : 1;
    stride[d] = s;
    s *= real ? static_cast<size_t>(in.dims[d - pad]) : 1;
  }
  for (int d = 0; d < kMaxRank; ++d) {
    if (count[d] == 0) return;
  }
  const T* src = in.data_as<const T>();
  for (int32_t i0 = start[0]; i0 < start[0] + count[0]; ++i0) {
    for (int32_t i1 = start[1]; i1 < start[1] + count[1]; ++i1) {
      for (int32_t i2 = start[2]; i2 < start[2] + count[2]; ++i2) {
        for (int32_t i3 = start[3]; i3 < start[3] + count[3]; ++i3) {
          const T* row = src + i0 * stride[0] + i1 * stride[1] + i2 * stride[2] + i3 * stride[3] +
                         static_cast<size_t>(start[4]);
          memcpy(dst, row, static_cast<size_t>(count[4]) * sizeof(T));
          dst += count[4];
        }
      }
    }
  }
}

Status SliceEval(OpContext& ctx) {
  const SliceData& data = *ctx.op_data_as<SliceData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  SliceWindow window;
  const SliceWindow* w = &data.window;
  if (!data.constant) {
    MICROML_RETURN_IF_ERROR(ResolveWindow(ctx, in, *ctx.input(1), *ctx.input(2), out, &window));
    w = &window;
  }
  switch (TensorTypeSize(in.type)) {
    case 1:
      SliceCopy(*w, in, out.data_as<uint8_t>());
      break;
    case 2:
      SliceCopy(*w, in, out.data_as<uint16_t>());
      break;
    default:
      SliceCopy(*w, in, out.data_as<uint32_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSlice = {
    static_cast<int32_t>(BuiltinOp::kSLICE), nullptr, 6, SlicePrepare, SliceEval, nullptr,
    "float32 int8 int16 int32 bool"};

}  // namespace microml
