// microml plan: where each activation tensor of the main subgraph lives in the
// arena and when, as JSON or as an SVG picture (tensors as boxes of operator
// range x offset, the operator with the most live bytes marked): the picture
// people draw by hand when a model does not fit. Time is the position in the
// execution order (the operator index unless setup chose another order; the
// JSON gives each position's "op_index").
#include <stdio.h>

#include <string>
#include <vector>

#include "commands.h"
#include "model_file.h"

namespace microml_cli {

namespace {

struct Box {
  uint32_t tensor;
  size_t offset;
  size_t bytes;
  uint32_t first;
  uint32_t last;
};

std::string Escaped(const char* s) {
  std::string out;
  for (const char* p = s; *p != '\0'; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '<' || c == '>' || c == '&' || c < 0x20 || c >= 0x7f) {
      out += '_';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Activation tensors of subgraph 0 with their arena offsets (from the tensors'
// addresses) and lifetimes: from the operator that writes them (0 for graph
// inputs) to the last that reads them (the last operator for graph outputs).
std::vector<Box> Boxes(LoadedModel& loaded) {
  const microml::SubgraphRef graph = loaded.model.subgraph(0);
  const uint32_t num_ops = graph.num_operators();
  const uint8_t* base = loaded.interpreter.plan_region();
  std::vector<Box> boxes;
  std::vector<int32_t> box_of(graph.num_tensors(), -1);
  const microml::Tensor* tensors = loaded.interpreter.tensors(0);
  for (uint32_t i = 0; i < graph.num_tensors(); ++i) {
    const microml::Tensor& t = tensors[i];
    if ((t.flags & (microml::kTensorConstant | microml::kTensorVariable)) || t.bytes == 0 ||
        t.data == nullptr) {
      continue;
    }
    box_of[i] = static_cast<int32_t>(boxes.size());
    boxes.push_back({i, static_cast<size_t>(static_cast<const uint8_t*>(t.data) - base),
                     loaded.interpreter.planned_bytes(i), num_ops, 0});
  }
  const auto touch = [&](int32_t tensor, uint32_t op) {
    if (tensor < 0 || box_of[tensor] < 0) return;
    Box& b = boxes[box_of[tensor]];
    if (op < b.first) b.first = op;
    if (op > b.last) b.last = op;
  };
  const microml::VectorRef<int32_t> inputs = graph.inputs();
  for (uint32_t k = 0; k < inputs.size(); ++k) touch(inputs[k], 0);
  const microml::VectorRef<int32_t> outputs = graph.outputs();
  for (uint32_t k = 0; k < outputs.size(); ++k) touch(outputs[k], num_ops == 0 ? 0 : num_ops - 1);
  for (uint32_t at = 0; at < num_ops; ++at) {
    const microml::OperatorRef op = graph.op(loaded.interpreter.op_at(at));
    const microml::VectorRef<int32_t> lists[] = {op.inputs(), op.outputs(), op.intermediates()};
    for (const microml::VectorRef<int32_t>& list : lists) {
      for (uint32_t k = 0; k < list.size(); ++k) touch(list[k], at);
    }
  }
  for (Box& b : boxes) {
    if (b.first > b.last) b.first = b.last;
  }
  return boxes;
}

// Bytes of distinct buffers alive during each operator (tensors sharing a
// buffer in place count once).
std::vector<size_t> LiveBytes(const std::vector<Box>& boxes, uint32_t num_ops) {
  std::vector<size_t> live(num_ops, 0);
  for (uint32_t op = 0; op < num_ops; ++op) {
    std::vector<size_t> seen;
    for (const Box& b : boxes) {
      if (b.first > op || op > b.last) continue;
      bool counted = false;
      for (size_t offset : seen) counted = counted || offset == b.offset;
      if (counted) continue;
      seen.push_back(b.offset);
      live[op] += b.bytes;
    }
  }
  return live;
}

std::string OpName(const microml::Model& model, const microml::OperatorRef& op) {
  const microml::OperatorCodeRef code = model.operator_code(op.opcode_index());
  return code.builtin_code == static_cast<int32_t>(microml::BuiltinOp::kCUSTOM)
             ? code.custom_code.data
             : microml::BuiltinOpName(code.builtin_code);
}

std::string Json(LoadedModel& loaded, const std::vector<Box>& boxes,
                 const std::vector<size_t>& live, uint32_t peak) {
  const microml::SubgraphRef graph = loaded.model.subgraph(0);
  std::string out =
      "{\"arena_bytes\": " + std::to_string(loaded.arena_bytes) +
      ", \"plan_bytes\": " + std::to_string(loaded.interpreter.plan_bytes()) +
      ", \"plan_floor_bytes\": " + std::to_string(loaded.interpreter.plan_floor_bytes()) +
      ", \"peak_operator\": " + std::to_string(peak) + ", \"operators\": [";
  for (uint32_t i = 0; i < live.size(); ++i) {
    const uint32_t op = loaded.interpreter.op_at(i);
    out += std::string(i ? ", " : "") + "{\"index\": " + std::to_string(i) +
           ", \"op_index\": " + std::to_string(op) + ", \"op\": \"" +
           OpName(loaded.model, graph.op(op)) + "\", \"live_bytes\": " + std::to_string(live[i]) +
           "}";
  }
  out += "], \"tensors\": [";
  for (size_t i = 0; i < boxes.size(); ++i) {
    const Box& b = boxes[i];
    out += std::string(i ? ", " : "") + "{\"index\": " + std::to_string(b.tensor) +
           ", \"name\": \"" + Escaped(graph.tensor(b.tensor).name().data) +
           "\", \"offset\": " + std::to_string(b.offset) +
           ", \"bytes\": " + std::to_string(b.bytes) +
           ", \"first_op\": " + std::to_string(b.first) +
           ", \"last_op\": " + std::to_string(b.last) + "}";
  }
  return out + "]}\n";
}

std::string Svg(LoadedModel& loaded, const std::vector<Box>& boxes, const std::vector<size_t>& live,
                uint32_t peak) {
  const microml::SubgraphRef graph = loaded.model.subgraph(0);
  const double column = 28.0, height = 480.0, left = 70.0, top = 30.0;
  const size_t plan = loaded.interpreter.plan_bytes() > 0 ? loaded.interpreter.plan_bytes() : 1;
  const double scale = height / static_cast<double>(plan);
  const double width = left + column * static_cast<double>(live.size()) + 20.0;
  char buf[512];
  std::string out;
  snprintf(buf, sizeof(buf),
           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
           "font-family=\"sans-serif\" font-size=\"11\">\n",
           width, height + top + 60.0);
  out += buf;
  snprintf(buf, sizeof(buf),
           "<text x=\"%.0f\" y=\"18\">arena %zu bytes: plan %zu (floor %zu), peak at operator "
           "%u (%zu live tensor bytes)</text>\n",
           left, loaded.arena_bytes, loaded.interpreter.plan_bytes(),
           loaded.interpreter.plan_floor_bytes(), peak, live.empty() ? 0 : live[peak]);
  out += buf;
  if (!live.empty()) {
    snprintf(buf, sizeof(buf),
             "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fde2e2\"/>\n",
             left + column * peak, top, column, height);
    out += buf;
  }
  snprintf(buf, sizeof(buf),
           "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
           "stroke=\"#888\"/>\n<text x=\"4\" y=\"%.1f\">0</text>\n<text x=\"4\" "
           "y=\"%.1f\">%zu</text>\n",
           left, top, column * static_cast<double>(live.size()), height, top + 10.0, top + height,
           plan);
  out += buf;
  for (const Box& b : boxes) {
    const unsigned hue = (b.tensor * 47u) % 360u;
    snprintf(buf, sizeof(buf),
             "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
             "fill=\"hsl(%u,60%%,70%%)\" stroke=\"#333\" stroke-width=\"0.5\"><title>tensor %u "
             "%s: %zu bytes at %zu, operators %u-%u</title></rect>\n",
             left + column * b.first, top + scale * static_cast<double>(b.offset),
             column * (b.last - b.first + 1), scale * static_cast<double>(b.bytes), hue, b.tensor,
             Escaped(graph.tensor(b.tensor).name().data).c_str(), b.bytes, b.offset, b.first,
             b.last);
    out += buf;
  }
  for (uint32_t i = 0; i < live.size(); ++i) {
    snprintf(buf, sizeof(buf),
             "<text x=\"%.1f\" y=\"%.1f\" transform=\"rotate(60 %.1f %.1f)\">%u %s</text>\n",
             left + column * i + 4.0, top + height + 12.0, left + column * i + 4.0,
             top + height + 12.0, loaded.interpreter.op_at(i),
             OpName(loaded.model, graph.op(loaded.interpreter.op_at(i))).c_str());
    out += buf;
  }
  return out + "</svg>\n";
}

}  // namespace

int Plan(int argc, char** argv) {
  ModelArgs args;
  if (!ParseModelArgs("plan", argc, argv, true, &args)) return 2;
  const char* path = args.path;
  const char* svg = args.svg;
  const bool json = args.json;
  LoadedModel loaded;
  std::string error;
  if (!LoadModel(path, &loaded, &error, args.load)) {
    fprintf(stderr, "microml: error: %s\n", error.c_str());
    return 1;
  }
  const std::vector<Box> boxes = Boxes(loaded);
  const std::vector<size_t> live = LiveBytes(boxes, loaded.model.subgraph(0).num_operators());
  uint32_t peak = 0;
  for (uint32_t i = 0; i < live.size(); ++i) {
    if (live[i] > live[peak]) peak = i;
  }
  if (svg != nullptr) {
    FILE* f = fopen(svg, "w");
    const std::string text = Svg(loaded, boxes, live, peak);
    if (f == nullptr || fwrite(text.data(), 1, text.size(), f) != text.size()) {
      fprintf(stderr, "microml: error: cannot write %s\n", svg);
      if (f != nullptr) fclose(f);
      return 1;
    }
    fclose(f);
  }
  if (json) {
    const std::string text = Json(loaded, boxes, live, peak);
    fputs(text.c_str(), stdout);
  } else if (svg == nullptr) {
    printf("arena %zu bytes, plan %zu (floor %zu), peak at operator %u: %zu live tensor bytes\n",
           loaded.arena_bytes, loaded.interpreter.plan_bytes(),
           loaded.interpreter.plan_floor_bytes(), peak, live.empty() ? 0 : live[peak]);
  }
  return 0;
}

}  // namespace microml_cli
