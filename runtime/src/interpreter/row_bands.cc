#include "interpreter/row_bands.h"

#include <string.h>

#include "interpreter/tensor_use.h"

namespace microml {

namespace {

bool Batch1Image(const Tensor& t) {
  return t.rank == 4 && t.dims[0] == 1;
}

size_t RowBytes(const Tensor& t) {
  return static_cast<size_t>(t.bytes) / static_cast<size_t>(t.dims[1]);
}

bool FitsPair(const RowWindow& w) {
  return w.extent > 0 && w.extent <= 0xFFFF && w.stride > 0 && w.stride <= 0xFFFF && w.pad == 0;
}

// Whether any operator but `producer` and the next one names `tensor`, or the
// next one names it other than as its input 0.
bool UsedElsewhere(const SubgraphRef& graph, uint32_t producer, int32_t tensor) {
  for (uint32_t j = 0; j < graph.num_operators(); ++j) {
    const OperatorRef op = graph.op(j);
    const VectorRef<int32_t> lists[] = {op.inputs(), op.outputs(), op.intermediates()};
    for (uint32_t l = 0; l < 3; ++l) {
      for (uint32_t k = 0; k < lists[l].size(); ++k) {
        if (lists[l][k] != tensor) continue;
        const bool expected =
            (j == producer && l == 1 && k == 0) || (j == producer + 1 && l == 0 && k == 0);
        if (!expected) return true;
      }
    }
  }
  return false;
}

}  // namespace

uint32_t FindBandPairs(const detail::Session& s, uint32_t g, const RowWindow* rows,
                       detail::BandPair* pairs) {
  const detail::SubgraphState& state = s.subgraphs[g];
  const SubgraphRef graph = s.model->subgraph(g);
  uint32_t count = 0;
  for (uint32_t i = 0; i + 1 < state.num_ops; ++i) {
    if (!FitsPair(rows[i]) || !FitsPair(rows[i + 1])) continue;
    const OperatorRef producer = graph.op(i);
    const OperatorRef consumer = graph.op(i + 1);
    if (producer.inputs().size() == 0 || producer.outputs().size() != 1 ||
        consumer.inputs().size() == 0 || consumer.outputs().size() == 0) {
      continue;
    }
    const int32_t in = producer.inputs()[0];
    const int32_t middle = producer.outputs()[0];
    const int32_t out = consumer.outputs()[0];
    if (in < 0 || middle < 0 || out < 0 || consumer.inputs()[0] != middle) continue;
    const Tensor& m = state.tensors[middle];
    if (!Batch1Image(state.tensors[in]) || !Batch1Image(m) || !Batch1Image(state.tensors[out]) ||
        !Planned(m) || KeptAfter(graph, g == 0, middle) || Contains(graph.inputs(), middle) ||
        UsedElsewhere(graph, i, middle) || rows[i + 1].extent >= m.dims[1]) {
      continue;
    }
    // Every band starts on a row that exists: each output row's window
    // begins inside its input (the prepares check the shapes; this keeps the
    // band loop's arithmetic safe whatever they accept).
    const int64_t last_middle_row = static_cast<int64_t>(m.dims[1] - 1) * rows[i].stride;
    const int64_t last_out_row =
        static_cast<int64_t>(state.tensors[out].dims[1] - 1) * rows[i + 1].stride;
    if (last_middle_row >= state.tensors[in].dims[1] || last_out_row >= m.dims[1]) continue;
    pairs[count++] = {static_cast<uint16_t>(g),
                      static_cast<uint16_t>(i),
                      static_cast<uint16_t>(rows[i].extent),
                      static_cast<uint16_t>(rows[i].stride),
                      static_cast<uint16_t>(rows[i + 1].extent),
                      static_cast<uint16_t>(rows[i + 1].stride)};
    ++i;  // an operator belongs to one pair at most
  }
  return count;
}

size_t BandBytes(const Tensor& middle, const detail::BandPair& pair) {
  return RowBytes(middle) * pair.consumer_extent;
}

const detail::BandPair* BandPairOf(const detail::Session& s, uint32_t g, uint32_t op) {
  for (uint32_t k = 0; k < s.num_bands; ++k) {
    const detail::BandPair& p = s.bands[k];
    if (p.subgraph == g && (p.op == op || p.op + 1u == op)) return &p;
  }
  return nullptr;
}

namespace detail {

// Output row y of the consumer reads middle rows [y * stride, + extent); the
// band holds exactly those, kept from the previous row where they overlap, and
// the producer computes the rest. Each kernel runs on views: its tensors'
// records point at the rows of the band for the call, then are restored.
Status Session::RunBands(uint32_t subgraph, const BandPair& pair) {
  const SubgraphRef graph = model->subgraph(subgraph);
  const SubgraphState& state = subgraphs[subgraph];
  const uint32_t p = pair.op;
  OpContext producer(this, subgraph, p, graph.op(p), &state.ops[p], state.tensors);
  OpContext consumer(this, subgraph, p + 1, graph.op(p + 1), &state.ops[p + 1], state.tensors);
  Tensor& in = *producer.input(0);
  Tensor& middle = *producer.output(0);
  Tensor& out = *consumer.output(0);
  const Tensor in_whole = in, middle_whole = middle, out_whole = out;
  const size_t in_row = RowBytes(in), middle_row = RowBytes(middle), out_row = RowBytes(out);
  int32_t in_dims[4] = {1, 0, in.dims[2], in.dims[3]};
  int32_t middle_dims[4] = {1, 0, middle.dims[2], middle.dims[3]};
  int32_t out_dims[4] = {1, 1, out.dims[2], out.dims[3]};
  in.dims = in_dims;
  middle.dims = middle_dims;
  out.dims = out_dims;
  out.bytes = static_cast<uint32_t>(out_row);
  uint8_t* band = static_cast<uint8_t*>(middle_whole.data);
  const int32_t in_h = in_whole.dims[1], middle_h = middle_whole.dims[1];
  const int32_t out_h = out_whole.dims[1];
  int32_t held_lo = 0, held_hi = 0;
  Status status = Status::kOk;
  for (int32_t y = 0; y < out_h && status == Status::kOk; ++y) {
    const int32_t lo = y * pair.consumer_stride;
    const int32_t hi = lo + pair.consumer_extent < middle_h ? lo + pair.consumer_extent : middle_h;
    int32_t fresh = lo;
    if (held_hi > lo) {
      memmove(band, band + static_cast<size_t>(lo - held_lo) * middle_row,
              static_cast<size_t>(held_hi - lo) * middle_row);
      fresh = held_hi;
    }
    if (fresh < hi) {
      const int32_t in_lo = fresh * pair.producer_stride;
      const int32_t in_end = (hi - 1) * pair.producer_stride + pair.producer_extent;
      const int32_t in_hi = in_end < in_h ? in_end : in_h;
      in.data = static_cast<uint8_t*>(in_whole.data) + static_cast<size_t>(in_lo) * in_row;
      in_dims[1] = in_hi - in_lo;
      in.bytes = static_cast<uint32_t>(static_cast<size_t>(in_dims[1]) * in_row);
      middle.data = band + static_cast<size_t>(fresh - lo) * middle_row;
      middle_dims[1] = hi - fresh;
      middle.bytes = static_cast<uint32_t>(static_cast<size_t>(middle_dims[1]) * middle_row);
      status = state.ops[p].kernel->eval(producer);
    }
    middle.data = band;
    middle_dims[1] = hi - lo;
    middle.bytes = static_cast<uint32_t>(static_cast<size_t>(middle_dims[1]) * middle_row);
    out.data = static_cast<uint8_t*>(out_whole.data) + static_cast<size_t>(y) * out_row;
    if (status == Status::kOk) status = state.ops[p + 1].kernel->eval(consumer);
    held_lo = lo;
    held_hi = hi;
  }
  in = in_whole;
  middle = middle_whole;
  out = out_whole;
  return status;
}

}  // namespace detail
}  // namespace microml
