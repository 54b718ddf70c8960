// STRIDED_SLICE with constant begin/end/strides (int32 or int64) on tensors of
// up to 5 dimensions, any element type of 1, 2, 4 or 8 bytes.
//
// Prepare turns the sparse slice spec (begin/end/shrink masks plus ellipsis,
// new_axis and offset, as TensorFlow defines them) into a dense per-input-axis
// (start, stride, count) triple. For specs without ellipsis or new axes the
// index arithmetic is TFLM's (which applies begin_mask even to shrunk axes);
// TFLM itself rejects ellipsis and new axes and ignores `offset`. Slices that
// TFLM would leave partly unwritten (a shrunk axis indexed out of range or
// walked backwards) are rejected.
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxSliceRank = 5;
constexpr int kMaxSpecLength = 16;

// StridedSliceOptions field positions in the schema.
constexpr int kBeginMaskField = 0;
constexpr int kEndMaskField = 1;
constexpr int kEllipsisMaskField = 2;
constexpr int kNewAxisMaskField = 3;
constexpr int kShrinkAxisMaskField = 4;
constexpr int kOffsetField = 5;

struct SliceData {
  int32_t rank;
  int32_t start[kMaxSliceRank];
  int32_t stride[kMaxSliceRank];
  int32_t count[kMaxSliceRank];
};

// One entry of the dense spec: the slice along one input axis.
struct DenseAxis {
  int64_t begin, end, stride;
  bool begin_masked, end_masked, shrink;
};

int64_t IndexAt(const Tensor& t, int i) {
  if (t.type == TensorType::kINT64) {
    const int64_t v = t.data_as<const int64_t>()[i];
    // Values beyond int32 only ever act as "past the end" markers.
    return v < INT32_MIN ? INT32_MIN : (v > INT32_MAX ? INT32_MAX : v);
  }
  return t.data_as<const int32_t>()[i];
}

int64_t Clamp64(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

// TFLM's StridedSliceStartForAxis.
int64_t StartForAxis(const DenseAxis& a, int64_t size) {
  int64_t start = a.begin < 0 ? a.begin + size : a.begin;
  start = a.stride > 0 ? Clamp64(start, 0, size) : Clamp64(start, -1, size - 1);
  if (a.begin_masked) start = a.stride > 0 ? 0 : size - 1;
  return start;
}

// TFLite's StridedSliceEndForAxis for a non-shrunk axis.
int64_t EndForAxis(const DenseAxis& a, int64_t size, int64_t start, bool offset) {
  int64_t end = offset ? a.end + start : a.end;
  if (end < 0) end += size;
  end = a.stride > 0 ? Clamp64(end, 0, size) : Clamp64(end, -1, size - 1);
  if (a.end_masked) end = a.stride > 0 ? size : -1;
  return end;
}

Status StridedSlicePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 4, 4, 1));
  Tensor *in, *begin, *end, *strides, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &begin));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 2, &end));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 3, &strides));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const size_t width = TensorTypeSize(in->type);
  const bool index_ok = IsOneOf(begin->type, TensorType::kINT32, TensorType::kINT64) &&
                        end->type == begin->type && strides->type == begin->type;
  if (out->type != in->type || !(width == 1 || width == 2 || width == 4 || width == 8) ||
      in->type == TensorType::kINT4 || !index_ok) {
    return ctx.FailUnsupportedTypes();
  }
  if (!begin->is_constant() || !end->is_constant() || !strides->is_constant()) {
    return ctx.Fail(Status::kUnsupported, "begin, end and strides must be constant tensors");
  }
  const int n = static_cast<int>(begin->element_count());
  if (begin->rank != 1 || end->rank != 1 || strides->rank != 1 ||
      end->element_count() != begin->element_count() ||
      strides->element_count() != begin->element_count() || n > kMaxSpecLength) {
    return ctx.Fail(Status::kInvalidModel,
                    "begin, end and strides must be vectors of one length <= %d (have %u, %u, %u)",
                    kMaxSpecLength, static_cast<unsigned>(begin->element_count()),
                    static_cast<unsigned>(end->element_count()),
                    static_cast<unsigned>(strides->element_count()));
  }
  if (in->rank > kMaxSliceRank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, at most %d", in->rank, kMaxSliceRank);
  }
  const TableRef opts = OptionsAs(ctx, OptionsType::kStridedSliceOptions);
  const uint32_t begin_mask = static_cast<uint32_t>(opts.GetInt32(kBeginMaskField, 0));
  const uint32_t end_mask = static_cast<uint32_t>(opts.GetInt32(kEndMaskField, 0));
  uint32_t ellipsis_mask = static_cast<uint32_t>(opts.GetInt32(kEllipsisMaskField, 0));
  const uint32_t new_axis_mask = static_cast<uint32_t>(opts.GetInt32(kNewAxisMaskField, 0));
  const uint32_t shrink_mask = static_cast<uint32_t>(opts.GetInt32(kShrinkAxisMaskField, 0));
  const bool offset = opts.GetBool(kOffsetField, false);

  // Sparse -> dense, as TensorFlow's BuildDenseSpec: the (single) ellipsis
  // stands for as many full axes as the other entries leave over; without one,
  // an implicit ellipsis at the end covers the trailing axes.
  int ellipsis_at = -1;
  int new_axes_after_ellipsis = 0;
  for (int i = 0; i < n; ++i) {
    const uint32_t bit = 1u << i;
    if (ellipsis_mask & bit) {
      if (ellipsis_at >= 0) {
        return ctx.Fail(Status::kInvalidModel, "ellipsis at spec entries %d and %d", ellipsis_at,
                        i);
      }
      ellipsis_at = i;
    } else if (ellipsis_at >= 0 && (new_axis_mask & bit)) {
      ++new_axes_after_ellipsis;
    }
  }
  int spec_length = n;
  if (ellipsis_at < 0) {
    ellipsis_mask = 1u << n;
    ++spec_length;
  }
  DenseAxis dense[kMaxSliceRank];
  int out_rank = 0;
  int dense_of_output[kMaxSpecLength + kMaxSliceRank];  // -1 for a new axis
  int axis = 0;
  const int rank = in->rank;
  for (int i = 0; i < spec_length; ++i) {
    const uint32_t bit = 1u << i;
    if (ellipsis_mask & bit) {
      int next = rank - (spec_length - i) + 1 + new_axes_after_ellipsis;
      next = next < rank ? next : rank;
      for (; axis < next; ++axis) {
        dense[axis] = DenseAxis{0, 0, 1, true, true, false};
        dense_of_output[out_rank++] = axis;
      }
    } else if (new_axis_mask & bit) {
      dense_of_output[out_rank++] = -1;
    } else {
      if (axis >= rank) {
        return ctx.Fail(Status::kInvalidModel, "slice spec addresses axis %d of a rank-%d input",
                        axis, rank);
      }
      dense[axis] =
          DenseAxis{IndexAt(*begin, i),      IndexAt(*end, i),      IndexAt(*strides, i),
                    (begin_mask & bit) != 0, (end_mask & bit) != 0, (shrink_mask & bit) != 0};
      if (!dense[axis].shrink) dense_of_output[out_rank++] = axis;
      ++axis;
    }
  }
  for (; axis < rank; ++axis) {
    dense[axis] = DenseAxis{0, 0, 1, true, true, false};
    dense_of_output[out_rank++] = axis;
  }

  SliceData* d = ctx.AllocatePersistent<SliceData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  d->rank = rank;
  for (int a = 0; a < rank; ++a) {
    const DenseAxis& s = dense[a];
    const int64_t size = in->dims[a];
    if (s.stride == 0) return ctx.Fail(Status::kInvalidModel, "axis %d: stride is 0", a);
    const int64_t start = StartForAxis(s, size);
    int64_t count = 0;
    if (s.shrink) {
      if (s.stride < 0 || start < 0 || start >= size) {
        return ctx.Fail(Status::kInvalidModel,
                        "axis %d (size %lld): shrink index %lld with stride %lld is out of range",
                        a, static_cast<long long>(size), static_cast<long long>(s.begin),
                        static_cast<long long>(s.stride));
      }
      count = 1;
    } else if (size > 0) {
      const int64_t stop = EndForAxis(s, size, start, offset);
      const int64_t span = s.stride > 0 ? stop - start : start - stop;
      const int64_t step = s.stride > 0 ? s.stride : -s.stride;
      count = span > 0 ? (span + step - 1) / step : 0;
    }
    // Every index the loop visits must lie inside the axis.
    const int64_t last = start + (count - 1) * s.stride;
    if (count > 0 && (start < 0 || start >= size || last < 0 || last >= size)) {
      return ctx.Fail(Status::kInvalidModel, "axis %d: slice leaves the input", a);
    }
    d->start[a] = static_cast<int32_t>(start);
    d->stride[a] = static_cast<int32_t>(s.stride);
    d->count[a] = static_cast<int32_t>(count);
  }
  bool shape_ok = out->rank == out_rank;
  for (int i = 0; shape_ok && i < out_rank; ++i) {
    const int32_t want = dense_of_output[i] < 0 ? 1 : d->count[dense_of_output[i]];
    shape_ok = out->dims[i] == want;
  }
  if (!shape_ok) {
    return ctx.Fail(Status::kInvalidModel, "output has rank %d, the slice gives rank %d%s",
                    out->rank, out_rank, out->rank == out_rank ? " with other sizes" : "");
  }
  return Status::kOk;
}

template <typename T>
void SliceCopy(const SliceData& d, const Tensor& in, T* dst) {
  const T* src = in.data_as<const T>();
  int64_t step[kMaxSliceRank];
  int64_t pos[kMaxSliceRank];
  int32_t index[kMaxSliceRank] = {};
  int64_t stride = 1;
  int64_t origin = 0;
  for (int a = d.rank - 1; a >= 0; --a) {
    if (d.count[a] == 0) return;
    step[a] = stride * d.stride[a];
    origin += stride * d.start[a];
    stride *= in.dims[a];
  }
  if (d.rank == 0) {
    *dst = *src;
    return;
  }
  for (int a = 0; a < d.rank; ++a) pos[a] = origin;
  const int inner = d.rank - 1;
  for (;;) {
    int64_t p = pos[inner];
    for (int32_t i = 0; i < d.count[inner]; ++i, p += step[inner]) *dst++ = src[p];
    int a = inner - 1;
    for (; a >= 0; --a) {
      if (++index[a] < d.count[a]) break;
      index[a] = 0;
    }
    if (a < 0) return;
    pos[a] += step[a];
    for (int b = a + 1; b < d.rank; ++b) pos[b] = pos[a];
  }
}

Status StridedSliceEval(OpContext& ctx) {
  const SliceData& d = *ctx.op_data_as<SliceData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  switch (TensorTypeSize(in.type)) {
    case 1:
      SliceCopy(d, in, out.data_as<uint8_t>());
      break;
    case 2:
      SliceCopy(d, in, out.data_as<uint16_t>());
      break;
    case 4:
      SliceCopy(d, in, out.data_as<uint32_t>());
      break;
    default:
      SliceCopy(d, in, out.data_as<uint64_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterStridedSlice = {static_cast<int32_t>(BuiltinOp::kSTRIDED_SLICE),
                                                  nullptr,
                                                  8,
                                                  StridedSlicePrepare,
                                                  StridedSliceEval,
                                                  nullptr,
                                                  "float32 int8 int16 int32 bool"};

}  // namespace microml
