#include <ctype.h>
#include <stdio.h>

#include <map>
#include <string>

#include "commands.h"
#include "model_file.h"

namespace microml_cli {

namespace {

std::string Lower(const char* s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string JsonString(const char* s) {
  std::string out = "\"";
  for (const char* p = s; *p != '\0'; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char esc[8];
      snprintf(esc, sizeof(esc), "\\u%04x", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string Number(double v) {
  char buf[40];
  snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

std::string TensorJson(const microml::TensorRef& t) {
  std::string shape = "[";
  const microml::VectorRef<int32_t> dims = t.shape();
  for (uint32_t i = 0; i < dims.size(); ++i) shape += (i ? ", " : "") + std::to_string(dims[i]);
  shape += "]";
  const microml::QuantizationRef q = t.quantization();
  std::string scale = q.scale.size() == 1 ? Number(q.scale[0]) : "null";
  std::string zero = q.zero_point.size() == 1 ? std::to_string(q.zero_point[0]) : "null";
  if (q.scale.size() > 1) {
    scale = "[";
    for (uint32_t i = 0; i < q.scale.size(); ++i) scale += (i ? ", " : "") + Number(q.scale[i]);
    scale += "]";
  }
  return "{\"name\": " + JsonString(t.name().data) + ", \"shape\": " + shape +
         ", \"dtype\": " + JsonString(Lower(microml::TensorTypeName(t.type())).c_str()) +
         ", \"scale\": " + scale + ", \"zero_point\": " + zero + "}";
}

std::string TensorText(const microml::TensorRef& t) {
  std::string shape;
  const microml::VectorRef<int32_t> dims = t.shape();
  for (uint32_t i = 0; i < dims.size(); ++i) shape += (i ? "x" : "") + std::to_string(dims[i]);
  std::string text = "  " + std::string(t.name().data) + "  " +
                     Lower(microml::TensorTypeName(t.type())) + "[" + shape + "]";
  const microml::QuantizationRef q = t.quantization();
  if (q.scale.size() == 1 && q.zero_point.size() == 1) {
    text += "  scale " + Number(q.scale[0]) + " zero_point " + std::to_string(q.zero_point[0]);
  }
  return text;
}

}  // namespace

int Inspect(int argc, char** argv) {
  ModelArgs args;
  args.load.find_smallest = true;
  if (!ParseModelArgs("inspect", argc, argv, false, &args)) return 2;
  const char* path = args.path;
  const bool json = args.json;
  LoadedModel loaded;
  std::string error;
  const bool ready = LoadModel(path, &loaded, &error, args.load);
  const microml::ArenaTradeoff tradeoff = loaded.interpreter.arena_tradeoff();
  if (!loaded.model.initialized()) {
    fprintf(stderr, "microml: error: %s\n", error.c_str());
    return 1;
  }
  const microml::Model& model = loaded.model;
  const microml::SubgraphRef graph = model.subgraph(0);
  std::map<std::string, int> ops;
  for (uint32_t s = 0; s < model.num_subgraphs(); ++s) {
    const microml::SubgraphRef g = model.subgraph(s);
    for (uint32_t i = 0; i < g.num_operators(); ++i) {
      const microml::OperatorCodeRef code = model.operator_code(g.op(i).opcode_index());
      const bool custom = code.builtin_code == static_cast<int32_t>(microml::BuiltinOp::kCUSTOM);
      ++ops[custom ? code.custom_code.data : microml::BuiltinOpName(code.builtin_code)];
    }
  }
  const microml::VectorRef<int32_t> inputs = graph.inputs();
  const microml::VectorRef<int32_t> outputs = graph.outputs();
  if (json) {
    std::string out = "{\"model_bytes\": " + std::to_string(model.size()) +
                      ", \"arena_bytes\": " + (ready ? std::to_string(loaded.arena_bytes) : "null");
    if (ready) {
      out +=
          ", \"arena_plan_bytes\": " + std::to_string(loaded.interpreter.plan_bytes()) +
          ", \"arena_plan_floor_bytes\": " + std::to_string(loaded.interpreter.plan_floor_bytes()) +
          ", \"smallest_arena_bytes\": " + std::to_string(loaded.smallest_arena_bytes) +
          ", \"fastest_arena_bytes\": " + std::to_string(loaded.fastest_arena_bytes) +
          ", \"recomputes_scales\": " + (microml::RecomputesScales(tradeoff) ? "true" : "false") +
          ", \"arena_tradeoff\": \"" + TradeoffName(tradeoff) + "\"" +
          ", \"band_pairs\": " + std::to_string(loaded.interpreter.band_pairs());
    }
    out += ", \"inputs\": [";
    for (uint32_t i = 0; i < inputs.size(); ++i) {
      out += (i ? ", " : "") + TensorJson(graph.tensor(static_cast<uint32_t>(inputs[i])));
    }
    out += "], \"outputs\": [";
    for (uint32_t i = 0; i < outputs.size(); ++i) {
      out += (i ? ", " : "") + TensorJson(graph.tensor(static_cast<uint32_t>(outputs[i])));
    }
    out += "], \"ops\": {";
    bool first = true;
    for (const auto& [name, count] : ops) {
      out += (first ? "" : ", ") + JsonString(name.c_str()) + ": " + std::to_string(count);
      first = false;
    }
    out += "}, \"subgraphs\": " + std::to_string(model.num_subgraphs());
    if (!ready) out += ", \"error\": " + JsonString(error.c_str());
    out += "}";
    printf("%s\n", out.c_str());
  } else {
    printf("model: %s (%zu bytes, %u subgraph%s)\n", path, model.size(), model.num_subgraphs(),
           model.num_subgraphs() == 1 ? "" : "s");
    printf("inputs:\n");
    for (uint32_t i = 0; i < inputs.size(); ++i) {
      printf("%s\n", TensorText(graph.tensor(static_cast<uint32_t>(inputs[i]))).c_str());
    }
    printf("outputs:\n");
    for (uint32_t i = 0; i < outputs.size(); ++i) {
      printf("%s\n", TensorText(graph.tensor(static_cast<uint32_t>(outputs[i]))).c_str());
    }
    printf("operators:\n");
    for (const auto& [name, count] : ops) printf("  %-28s %d\n", name.c_str(), count);
    if (ready) {
      printf("arena: %zu bytes", loaded.arena_bytes);
      if (tradeoff != microml::ArenaTradeoff::kNone) {
        printf(" (trading speed for memory:");
        if (microml::RunsRowBands(tradeoff)) {
          printf(" %u operator pairs run in row bands", loaded.interpreter.band_pairs());
        }
        if (microml::RecomputesScales(tradeoff)) {
          printf("%s per-channel scales recomputed at each inference",
                 microml::RunsRowBands(tradeoff) ? "," : "");
        }
        printf(")");
      }
      printf("\n");
      if (loaded.smallest_arena_bytes < loaded.arena_bytes) {
        printf("smallest arena: %zu bytes, trading speed for memory (--arena-limit)\n",
               loaded.smallest_arena_bytes);
      }
      if (loaded.fastest_arena_bytes > loaded.arena_bytes) {
        printf("fastest plan: %zu bytes, per-channel scales computed once (--arena-limit)\n",
               loaded.fastest_arena_bytes);
      }
    }
  }
  if (!ready) {
    fprintf(stderr, "microml: error: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace microml_cli
