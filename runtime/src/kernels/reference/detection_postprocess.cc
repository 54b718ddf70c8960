// TFLite_Detection_PostProcess (custom operator): decodes SSD box encodings
// against anchors and runs non-max suppression, either per class ("regular")
// or once over each anchor's best class ("fast"). Float32 only, like TFLM's
// kernel; options come from a FlexBuffers map in the custom options.
//
// Outputs: boxes [1, N, 4] (ymin, xmin, ymax, xmax), classes [1, N], scores
// [1, N], number of detections [1], all float32. The fast path runs with one
// class per detection only: with more, TFLM's kernel writes detection k's
// class c to slot (k * C + c) * C + c, leaving gaps of stale memory and
// running past its outputs, so no result exists to match.
#include <string.h>

#include <cmath>

#include "format/flexbuffer.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kDefaultDetectionsPerClass = 100;
// Below this many values TFLM's merge sort switches to insertion sort.
constexpr int kInsertionSortLimit = 20;

struct Box {
  float ymin, xmin, ymax, xmax;
};

struct DetectionData {
  int32_t max_detections;
  int32_t detections_per_class;
  int32_t num_classes;
  float score_threshold;
  float iou_threshold;
  float y_scale, x_scale, h_scale, w_scale;
  bool regular;
  int32_t num_boxes;
  int32_t box_stride;  // floats per box encoding (4 or more)
  int32_t classes_with_background;
  int32_t label_offset;
  int scratch;
  // Word offsets of the work arrays inside the scratch buffer.
  uint32_t decoded, keep_scores, keep_indices, sorted_indices, gate_scores, selected;
  uint32_t merged_indices, merged_scores, sorted_values, best_class, active;
};

Status ReadOptions(OpContext& ctx, DetectionData* d) {
  const VectorRef<uint8_t> raw = ctx.op().custom_options();
  const flex::Value map = flex::Value::Root(raw.bytes(), raw.size());
  d->max_detections = map["max_detections"].AsInt32();
  const int32_t max_classes_per_detection = map["max_classes_per_detection"].AsInt32();
  const flex::Value per_class = map["detections_per_class"];
  d->detections_per_class = per_class.IsNull() ? kDefaultDetectionsPerClass : per_class.AsInt32();
  const flex::Value regular = map["use_regular_nms"];
  d->regular = regular.IsNull() ? false : regular.AsBool();
  d->score_threshold = map["nms_score_threshold"].AsFloat();
  d->iou_threshold = map["nms_iou_threshold"].AsFloat();
  d->num_classes = map["num_classes"].AsInt32();
  d->y_scale = map["y_scale"].AsFloat();
  d->x_scale = map["x_scale"].AsFloat();
  d->h_scale = map["h_scale"].AsFloat();
  d->w_scale = map["w_scale"].AsFloat();
  if (d->num_classes < 1 || d->max_detections < 0) {
    return ctx.Fail(Status::kInvalidModel, "num_classes %d and max_detections %d are invalid",
                    static_cast<int>(d->num_classes), static_cast<int>(d->max_detections));
  }
  if (!(d->iou_threshold > 0.0f && d->iou_threshold <= 1.0f)) {
    return ctx.Fail(Status::kInvalidModel, "nms_iou_threshold must lie in (0, 1]");
  }
  if (d->regular && d->detections_per_class <= 0) {
    return ctx.Fail(Status::kInvalidModel, "detections_per_class %d must be positive",
                    static_cast<int>(d->detections_per_class));
  }
  if (!d->regular && max_classes_per_detection <= 0) {
    return ctx.Fail(Status::kInvalidModel, "max_classes_per_detection %d must be positive",
                    static_cast<int>(max_classes_per_detection));
  }
  if (!d->regular && max_classes_per_detection > 1 && d->num_classes > 1) {
    return ctx.Fail(Status::kUnsupported,
                    "fast NMS with max_classes_per_detection %d is not supported (1 only)",
                    static_cast<int>(max_classes_per_detection));
  }
  return Status::kOk;
}

Status CheckShapes(OpContext& ctx, DetectionData* d) {
  Tensor *boxes, *scores, *anchors;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &boxes));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &scores));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 2, &anchors));
  Tensor* out[4];
  for (int i = 0; i < 4; ++i) MICROML_RETURN_IF_ERROR(RequireOutput(ctx, i, &out[i]));
  bool all_float = boxes->type == TensorType::kFLOAT32 && scores->type == TensorType::kFLOAT32 &&
                   anchors->type == TensorType::kFLOAT32;
  for (int i = 0; i < 4; ++i) all_float = all_float && out[i]->type == TensorType::kFLOAT32;
  if (!all_float) return ctx.FailUnsupportedTypes();
  if (boxes->rank != 3 || scores->rank != 3 || anchors->rank != 2) {
    return ctx.Fail(Status::kInvalidModel,
                    "box encodings, scores and anchors have ranks %d, %d, "
                    "%d; expected 3, 3 and 2",
                    boxes->rank, scores->rank, anchors->rank);
  }
  d->num_boxes = boxes->dims[1];
  d->box_stride = boxes->dims[2];
  d->classes_with_background = scores->dims[2];
  d->label_offset = d->classes_with_background - d->num_classes;
  if (boxes->dims[0] != 1 || scores->dims[0] != 1 || scores->dims[1] != d->num_boxes ||
      d->box_stride < 4) {
    return ctx.Fail(Status::kInvalidModel,
                    "box encodings [%d, %d, %d] and scores [%d, %d, %d] must be [1, boxes, >=4] "
                    "and [1, boxes, classes]",
                    static_cast<int>(boxes->dims[0]), static_cast<int>(boxes->dims[1]),
                    static_cast<int>(boxes->dims[2]), static_cast<int>(scores->dims[0]),
                    static_cast<int>(scores->dims[1]), static_cast<int>(scores->dims[2]));
  }
  if (d->label_offset != 0 && d->label_offset != 1) {
    return ctx.Fail(Status::kInvalidModel, "scores have %d classes for num_classes %d",
                    static_cast<int>(d->classes_with_background), static_cast<int>(d->num_classes));
  }
  if (anchors->element_count() < 4u * static_cast<uint32_t>(d->num_boxes)) {
    return ctx.Fail(Status::kInvalidModel, "anchors hold %u values, %d boxes need %d",
                    static_cast<unsigned>(anchors->element_count()), static_cast<int>(d->num_boxes),
                    static_cast<int>(4 * d->num_boxes));
  }
  const uint64_t slots = static_cast<uint64_t>(d->max_detections);
  if (out[0]->element_count() < 4 * slots || out[1]->element_count() < slots ||
      out[2]->element_count() < slots || out[3]->element_count() < 1) {
    return ctx.Fail(Status::kInvalidModel,
                    "outputs hold %u boxes, %u classes, %u scores and %u counts; %llu detections "
                    "need more",
                    static_cast<unsigned>(out[0]->element_count() / 4),
                    static_cast<unsigned>(out[1]->element_count()),
                    static_cast<unsigned>(out[2]->element_count()),
                    static_cast<unsigned>(out[3]->element_count()),
                    static_cast<unsigned long long>(slots));
  }
  return Status::kOk;
}

// Lays out the work arrays in one scratch buffer (4-byte words).
Status PlanScratch(OpContext& ctx, DetectionData* d) {
  const uint64_t boxes = static_cast<uint64_t>(d->num_boxes);
  // Regular NMS keeps up to max_detections earlier picks plus one class's.
  const uint64_t merged = boxes + static_cast<uint64_t>(d->max_detections);
  uint64_t words = 0;
  const auto take = [&words](uint64_t n) {
    const uint64_t at = words;
    words += n;
    return at;
  };
  const uint64_t decoded = take(4 * boxes);
  const uint64_t keep_scores = take(boxes);
  const uint64_t keep_indices = take(boxes);
  const uint64_t sorted_indices = take(merged);
  const uint64_t gate_scores = take(boxes);
  const uint64_t selected = take(boxes);
  uint64_t merged_indices = 0, merged_scores = 0, sorted_values = 0, best_class = 0;
  if (d->regular) {
    merged_indices = take(merged);
    merged_scores = take(merged);
    sorted_values = take(merged);
  } else {
    best_class = take(boxes);
  }
  const uint64_t active = take((boxes + 3) / 4);
  if (words > 0x1FFFFFFFu) {
    return ctx.Fail(Status::kUnsupported, "work memory of %llu bytes for %d boxes",
                    static_cast<unsigned long long>(4 * words), static_cast<int>(d->num_boxes));
  }
  d->decoded = static_cast<uint32_t>(decoded);
  d->keep_scores = static_cast<uint32_t>(keep_scores);
  d->keep_indices = static_cast<uint32_t>(keep_indices);
  d->sorted_indices = static_cast<uint32_t>(sorted_indices);
  d->gate_scores = static_cast<uint32_t>(gate_scores);
  d->selected = static_cast<uint32_t>(selected);
  d->merged_indices = static_cast<uint32_t>(merged_indices);
  d->merged_scores = static_cast<uint32_t>(merged_scores);
  d->sorted_values = static_cast<uint32_t>(sorted_values);
  d->best_class = static_cast<uint32_t>(best_class);
  d->active = static_cast<uint32_t>(active);
  return ctx.RequestScratch(static_cast<size_t>(4 * words + 4), &d->scratch);
}

Status DetectionPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 3, 3, 4));
  DetectionData* d = ctx.AllocatePersistent<DetectionData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  MICROML_RETURN_IF_ERROR(ReadOptions(ctx, d));
  MICROML_RETURN_IF_ERROR(CheckShapes(ctx, d));
  return PlanScratch(ctx, d);
}

// --- sorting, with TFLM's algorithms so ties and NaNs order as there ---

// Stable sort of indices by decreasing value: insertion sort (binary search
// for the insertion point, like std::upper_bound) below kInsertionSortLimit,
// top-down merge sort above.
void InsertionSortDecreasing(int32_t* idx, int32_t n, const float* v) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t x = idx[i];
    int32_t first = 0;
    int32_t len = i;
    while (len > 0) {
      const int32_t half = len >> 1;
      if (v[x] > v[idx[first + half]]) {
        len = half;
      } else {
        first += half + 1;
        len -= half + 1;
      }
    }
    for (int32_t k = i; k > first; --k) idx[k] = idx[k - 1];
    idx[first] = x;
  }
}

void MergeSortDecreasing(int32_t* idx, int32_t* scratch, int32_t n, const float* v) {
  if (n < kInsertionSortLimit) {
    InsertionSortDecreasing(idx, n, v);
    return;
  }
  const int32_t half = n / 2;
  MergeSortDecreasing(idx, scratch, half, v);
  MergeSortDecreasing(idx + half, scratch, n - half, v);
  int32_t left = 0, right = half;
  for (int32_t i = 0; i < n; ++i) {
    if (left >= half || (right < n && v[idx[right]] > v[idx[left]])) {
      scratch[i] = idx[right++];
    } else {
      scratch[i] = idx[left++];
    }
  }
  memcpy(idx, scratch, static_cast<size_t>(n) * sizeof(int32_t));
}

// The `k` largest of `n` values, ties broken by lower index (TFLM's
// std::partial_sort comparator); indices[0..k) receives their indices.
void TopK(const float* v, int32_t n, int32_t k, int32_t* indices) {
  for (int32_t i = 0; i < n; ++i) indices[i] = i;
  for (int32_t r = 0; r < k; ++r) {
    int32_t best = r;
    for (int32_t i = r + 1; i < n; ++i) {
      const int32_t a = indices[i], b = indices[best];
      if (v[a] > v[b] || (!(v[b] > v[a]) && a < b)) best = i;
    }
    const int32_t t = indices[r];
    indices[r] = indices[best];
    indices[best] = t;
  }
}

// --- decoding and NMS ---

struct Work {
  Box* decoded;
  float* keep_scores;
  int32_t* keep_indices;
  int32_t* sorted_indices;
  float* gate_scores;
  int32_t* selected;
  int32_t* merged_indices;
  float* merged_scores;
  float* sorted_values;
  int32_t* best_class;
  uint8_t* active;
};

void DecodeBoxes(const DetectionData& d, const float* encodings, const float* anchors,
                 Box* decoded) {
  for (int32_t i = 0; i < d.num_boxes; ++i) {
    const float* e = encodings + static_cast<size_t>(i) * static_cast<size_t>(d.box_stride);
    const float* a = anchors + 4 * static_cast<size_t>(i);
    // Encodings and anchors are (y, x, h, w); TFLM decodes in double.
    const float ycenter = static_cast<float>(
        static_cast<double>(e[0]) / static_cast<double>(d.y_scale) * static_cast<double>(a[2]) +
        static_cast<double>(a[0]));
    const float xcenter = static_cast<float>(
        static_cast<double>(e[1]) / static_cast<double>(d.x_scale) * static_cast<double>(a[3]) +
        static_cast<double>(a[1]));
    const float half_h = static_cast<float>(
        0.5 * std::exp(static_cast<double>(e[2]) / static_cast<double>(d.h_scale)) *
        static_cast<double>(a[2]));
    const float half_w = static_cast<float>(
        0.5 * std::exp(static_cast<double>(e[3]) / static_cast<double>(d.w_scale)) *
        static_cast<double>(a[3]));
    decoded[i] = {ycenter - half_h, xcenter - half_w, ycenter + half_h, xcenter + half_w};
  }
}

// std::max / std::min argument order, so NaNs propagate as in TFLM.
inline float MaxF(float a, float b) {
  return a < b ? b : a;
}
inline float MinF(float a, float b) {
  return b < a ? b : a;
}

float IntersectionOverUnion(const Box& a, const Box& b) {
  const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const float area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float ymin = MaxF(a.ymin, b.ymin);
  const float xmin = MaxF(a.xmin, b.xmin);
  const float ymax = MinF(a.ymax, b.ymax);
  const float xmax = MinF(a.xmax, b.xmax);
  const float intersection = MaxF(ymax - ymin, 0.0f) * MaxF(xmax - xmin, 0.0f);
  return intersection / (area_a + area_b - intersection);
}

// Greedy NMS over one score per box: returns in `selected` up to `limit` box
// indices, best first, none overlapping an earlier one by more than the IoU
// threshold.
int32_t SuppressSingleClass(const DetectionData& d, const Work& w, const float* scores,
                            int32_t limit) {
  int32_t kept = 0;
  for (int32_t i = 0; i < d.num_boxes; ++i) {
    if (scores[i] >= d.score_threshold) {
      w.keep_scores[kept] = scores[i];
      w.keep_indices[kept] = i;
      ++kept;
    }
  }
  // TFLM sorts with keep_indices as merge scratch, then rebuilds them.
  for (int32_t i = 0; i < kept; ++i) w.sorted_indices[i] = i;
  MergeSortDecreasing(w.sorted_indices, w.keep_indices, kept, w.keep_scores);
  int32_t counter = 0;
  for (int32_t i = 0; i < d.num_boxes; ++i) {
    if (scores[i] >= d.score_threshold) w.keep_indices[counter++] = i;
  }
  const int32_t output_size = kept < limit ? kept : limit;
  int32_t count = 0;
  int32_t active = kept;
  for (int32_t i = 0; i < kept; ++i) w.active[i] = 1;
  for (int32_t i = 0; i < kept; ++i) {
    if (active == 0 || count >= output_size) break;
    if (w.active[i] == 0) continue;
    const int32_t box_i = w.keep_indices[w.sorted_indices[i]];
    w.selected[count++] = box_i;
    w.active[i] = 0;
    --active;
    for (int32_t j = i + 1; j < kept; ++j) {
      if (w.active[j] == 0) continue;
      const int32_t box_j = w.keep_indices[w.sorted_indices[j]];
      if (IntersectionOverUnion(w.decoded[box_i], w.decoded[box_j]) > d.iou_threshold) {
        w.active[j] = 0;
        --active;
      }
    }
  }
  return count;
}

void SuppressRegular(const DetectionData& d, const Work& w, const float* scores, Box* out_boxes,
                     float* out_classes, float* out_scores, float* out_count) {
  const int32_t stride = d.classes_with_background;
  int32_t picked = 0;
  for (int32_t c = 0; c < d.num_classes; ++c) {
    for (int32_t b = 0; b < d.num_boxes; ++b) {
      w.gate_scores[b] = scores[static_cast<size_t>(b) * stride + c + d.label_offset];
    }
    const int32_t selected = SuppressSingleClass(d, w, w.gate_scores, d.detections_per_class);
    int32_t n = picked;
    for (int32_t i = 0; i < selected; ++i) {
      const int32_t box = w.selected[i];
      w.merged_indices[n] = box * stride + c + d.label_offset;
      w.merged_scores[n] = w.gate_scores[box];
      ++n;
    }
    const int32_t keep = n < d.max_detections ? n : d.max_detections;
    TopK(w.merged_scores, n, keep, w.sorted_indices);
    for (int32_t r = 0; r < keep; ++r) {
      const int32_t from = w.sorted_indices[r];
      w.sorted_indices[r] = w.merged_indices[from];
      w.sorted_values[r] = w.merged_scores[from];
    }
    for (int32_t r = 0; r < keep; ++r) {
      w.merged_indices[r] = w.sorted_indices[r];
      w.merged_scores[r] = w.sorted_values[r];
    }
    picked = keep;
  }
  for (int32_t i = 0; i < d.max_detections; ++i) {
    if (i < picked) {
      const int32_t anchor = w.merged_indices[i] / stride;
      out_boxes[i] = w.decoded[anchor];
      out_classes[i] = static_cast<float>(w.merged_indices[i] - anchor * stride - d.label_offset);
      out_scores[i] = w.merged_scores[i];
    } else {
      out_boxes[i] = {0.0f, 0.0f, 0.0f, 0.0f};
      out_classes[i] = 0.0f;
      out_scores[i] = 0.0f;
    }
  }
  out_count[0] = static_cast<float>(picked);
}

// Each anchor competes with its best class score; survivors report that class.
void SuppressFast(const DetectionData& d, const Work& w, const float* scores, Box* out_boxes,
                  float* out_classes, float* out_scores, float* out_count) {
  const int32_t stride = d.classes_with_background;
  for (int32_t b = 0; b < d.num_boxes; ++b) {
    // The first class of the highest score (TFLM's partial sort with k = 1).
    const float* box_scores = scores + static_cast<size_t>(b) * stride + d.label_offset;
    int32_t best = 0;
    for (int32_t c = 1; c < d.num_classes; ++c) {
      if (box_scores[c] > box_scores[best]) best = c;
    }
    w.best_class[b] = best;
    w.gate_scores[b] = box_scores[best];
  }
  const int32_t selected = SuppressSingleClass(d, w, w.gate_scores, d.max_detections);
  for (int32_t i = 0; i < selected; ++i) {
    const int32_t box = w.selected[i];
    const int32_t best = w.best_class[box];
    out_boxes[i] = w.decoded[box];
    out_classes[i] = static_cast<float>(best);
    out_scores[i] = scores[static_cast<size_t>(box) * stride + d.label_offset + best];
  }
  out_count[0] = static_cast<float>(selected);
}

Status DetectionEval(OpContext& ctx) {
  const DetectionData& d = *ctx.op_data_as<DetectionData>();
  uint32_t* base = static_cast<uint32_t*>(ctx.scratch(d.scratch));
  Work w;
  w.decoded = reinterpret_cast<Box*>(base + d.decoded);
  w.keep_scores = reinterpret_cast<float*>(base + d.keep_scores);
  w.keep_indices = reinterpret_cast<int32_t*>(base + d.keep_indices);
  w.sorted_indices = reinterpret_cast<int32_t*>(base + d.sorted_indices);
  w.gate_scores = reinterpret_cast<float*>(base + d.gate_scores);
  w.selected = reinterpret_cast<int32_t*>(base + d.selected);
  w.merged_indices = reinterpret_cast<int32_t*>(base + d.merged_indices);
  w.merged_scores = reinterpret_cast<float*>(base + d.merged_scores);
  w.sorted_values = reinterpret_cast<float*>(base + d.sorted_values);
  w.best_class = reinterpret_cast<int32_t*>(base + d.best_class);
  w.active = reinterpret_cast<uint8_t*>(base + d.active);

  DecodeBoxes(d, ctx.input(0)->data_as<const float>(), ctx.input(2)->data_as<const float>(),
              w.decoded);
  // TFLM's NMS refuses any decoded box with no extent.
  for (int32_t i = 0; i < d.num_boxes; ++i) {
    const Box& b = w.decoded[i];
    if (b.ymin >= b.ymax || b.xmin >= b.xmax) {
      return ctx.Fail(Status::kInvalidArgument, "decoded box %d is empty", static_cast<int>(i));
    }
  }
  const float* scores = ctx.input(1)->data_as<const float>();
  Box* boxes = ctx.output(0)->data_as<Box>();
  float* classes = ctx.output(1)->data_as<float>();
  float* out_scores = ctx.output(2)->data_as<float>();
  float* count = ctx.output(3)->data_as<float>();
  if (d.regular) {
    SuppressRegular(d, w, scores, boxes, classes, out_scores, count);
  } else {
    SuppressFast(d, w, scores, boxes, classes, out_scores, count);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterDetectionPostprocess = {static_cast<int32_t>(BuiltinOp::kCUSTOM),
                                                          "TFLite_Detection_PostProcess",
                                                          1,
                                                          DetectionPrepare,
                                                          DetectionEval,
                                                          nullptr,
                                                          "float32"};

}  // namespace microml
