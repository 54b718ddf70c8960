#include <gtest/gtest.h>
#include <string.h>

#include "microml/model.h"
#include "test_files.h"

namespace {

using microml::ErrorMessage;
using microml::Model;
using microml::Status;

TEST(ModelReader, ReadsHelloWorldStructure) {
  const auto bytes = microml_test::ReadModel("hello_world_int8.tflite");
  ASSERT_GT(bytes.size, 0u);
  Model model;
  ErrorMessage error;
  ASSERT_EQ(model.Init(bytes.data(), bytes.size, &error), Status::kOk) << error.text();
  EXPECT_EQ(model.version(), 3u);
  ASSERT_EQ(model.num_subgraphs(), 1u);
  const microml::SubgraphRef graph = model.subgraph(0);
  EXPECT_EQ(graph.num_operators(), 3u);
  ASSERT_EQ(graph.inputs().size(), 1u);
  const microml::TensorRef input = graph.tensor(static_cast<uint32_t>(graph.inputs()[0]));
  EXPECT_EQ(input.type(), microml::TensorType::kINT8);
  ASSERT_EQ(input.shape().size(), 2u);
  EXPECT_EQ(input.shape()[0], 1);
  EXPECT_EQ(input.shape()[1], 1);
  const microml::QuantizationRef q = input.quantization();
  ASSERT_EQ(q.scale.size(), 1u);
  EXPECT_GT(q.scale[0], 0.0f);
  for (uint32_t i = 0; i < graph.num_operators(); ++i) {
    const microml::OperatorCodeRef code = model.operator_code(graph.op(i).opcode_index());
    EXPECT_EQ(code.builtin_code, static_cast<int32_t>(microml::BuiltinOp::kFULLY_CONNECTED));
    EXPECT_EQ(graph.op(i).builtin_options_type(), microml::OptionsType::kFullyConnectedOptions);
    EXPECT_TRUE(graph.op(i).builtin_options().present());
  }
}

TEST(ModelReader, ConstantBuffersPointIntoTheCallersBytes) {
  const auto bytes = microml_test::ReadModel("person_detect.tflite");
  Model model;
  ErrorMessage error;
  ASSERT_EQ(model.Init(bytes.data(), bytes.size, &error), Status::kOk) << error.text();
  size_t constant_bytes = 0;
  for (uint32_t i = 0; i < model.num_buffers(); ++i) {
    const microml::BufferRef b = model.buffer(i);
    if (b.data == nullptr) continue;
    EXPECT_GE(b.data, bytes.data());
    EXPECT_LE(b.data + b.size, bytes.data() + bytes.size);
    constant_bytes += b.size;
  }
  // Weights make up most of the file and none were copied.
  EXPECT_GT(constant_bytes, bytes.size / 2);
}

TEST(ModelReader, RejectsNonModels) {
  Model model;
  ErrorMessage error;
  alignas(16) uint8_t tiny[4] = {0, 0, 0, 0};
  EXPECT_EQ(model.Init(tiny, sizeof(tiny), &error), Status::kInvalidModel);
  EXPECT_NE(strstr(error.text(), "4 bytes"), nullptr) << error.text();
  EXPECT_EQ(model.Init(nullptr, 100, &error), Status::kInvalidModel);
  alignas(16) uint8_t junk[64] = {};
  memcpy(junk + 4, "ABCD", 4);
  EXPECT_EQ(model.Init(junk, sizeof(junk), &error), Status::kInvalidModel);
  EXPECT_NE(strstr(error.text(), "TFL3"), nullptr) << error.text();
  EXPECT_FALSE(model.initialized());
}

TEST(ModelReader, RejectsMisalignedBuffer) {
  const auto bytes = microml_test::ReadModel("hello_world_int8.tflite");
  std::vector<uint8_t> shifted(bytes.size + 32);
  uint8_t* odd = shifted.data() + (16 - reinterpret_cast<uintptr_t>(shifted.data()) % 16) + 1;
  memcpy(odd, bytes.data(), bytes.size);
  Model model;
  ErrorMessage error;
  EXPECT_EQ(model.Init(odd, bytes.size, &error), Status::kInvalidArgument);
  EXPECT_NE(strstr(error.text(), "aligned"), nullptr) << error.text();
}

// Every prefix of a real model must be rejected cleanly (ASan checks the reads).
TEST(ModelReader, EveryTruncationIsRejected) {
  const auto bytes = microml_test::ReadModel("hello_world_int8.tflite");
  for (size_t n = 0; n < bytes.size; ++n) {
    microml_test::AlignedBytes prefix;
    prefix.Assign(bytes.data(), n);
    Model model;
    ErrorMessage error;
    EXPECT_NE(model.Init(prefix.data(), n, &error), Status::kOk) << "prefix of " << n << " bytes";
  }
}

// Walks everything the reader exposes; used after a mutated model verified.
size_t TouchEverything(const Model& model) {
  size_t sum = model.description().size;
  for (uint32_t s = 0; s < model.num_subgraphs(); ++s) {
    const microml::SubgraphRef g = model.subgraph(s);
    sum += g.name().size + g.inputs().size() + g.outputs().size();
    for (uint32_t t = 0; t < g.num_tensors(); ++t) {
      const microml::TensorRef tensor = g.tensor(t);
      const microml::VectorRef<int32_t> shape = tensor.shape();
      for (uint32_t d = 0; d < shape.size(); ++d) sum += static_cast<size_t>(shape[d]);
      const microml::QuantizationRef q = tensor.quantization();
      for (uint32_t k = 0; k < q.scale.size(); ++k) sum += q.scale[k] > 0 ? 1 : 0;
      for (uint32_t k = 0; k < q.zero_point.size(); ++k)
        sum += static_cast<size_t>(q.zero_point[k]);
      sum += strlen(tensor.name().data) + tensor.buffer();
    }
    for (uint32_t o = 0; o < g.num_operators(); ++o) {
      const microml::OperatorRef op = g.op(o);
      for (uint32_t k = 0; k < op.inputs().size(); ++k) sum += static_cast<size_t>(op.inputs()[k]);
      const microml::TableRef options = op.builtin_options();
      for (int f = 0; f < 12; ++f) sum += static_cast<size_t>(options.GetInt32(f, 0));
      bool ok = true;
      sum += options.GetInt32Vector(0, &ok).size();
      const microml::VectorRef<uint8_t> custom = op.custom_options();
      for (uint32_t k = 0; k < custom.size(); ++k) sum += custom[k];
    }
  }
  for (uint32_t b = 0; b < model.num_buffers(); ++b) {
    const microml::BufferRef buffer = model.buffer(b);
    for (size_t k = 0; k < buffer.size; k += 97) sum += buffer.data[k];
  }
  for (uint32_t c = 0; c < model.num_operator_codes(); ++c) {
    sum += strlen(model.operator_code(c).custom_code.data);
  }
  return sum;
}

// Flipping any byte either fails verification or leaves a model whose every
// accessor stays inside the buffer (ASan and UBSan would report otherwise).
TEST(ModelReader, EveryByteFlipIsSafe) {
  const auto bytes = microml_test::ReadModel("hello_world_int8.tflite");
  size_t accepted = 0;
  for (size_t i = 0; i < bytes.size; ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xFF}) {
      microml_test::AlignedBytes copy;
      copy.Assign(bytes.data(), bytes.size);
      copy.data()[i] ^= mask;
      Model model;
      ErrorMessage error;
      if (model.Init(copy.data(), copy.size, &error) == Status::kOk) {
        ++accepted;
        TouchEverything(model);
      } else {
        EXPECT_NE(error.text()[0], '\0');
      }
    }
  }
  // Flips inside weights are legitimate models; flips in structure are not.
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(accepted, bytes.size * 3);
}

TEST(ModelReader, OptionReadsOutsideTheTableFallBack) {
  const auto bytes = microml_test::ReadModel("hello_world_int8.tflite");
  Model model;
  ErrorMessage error;
  ASSERT_EQ(model.Init(bytes.data(), bytes.size, &error), Status::kOk);
  const microml::TableRef options = model.subgraph(0).op(0).builtin_options();
  EXPECT_EQ(options.GetInt32(200, -7), -7);
  EXPECT_EQ(options.GetInt32(-1, 5), 5);
  EXPECT_EQ(microml::TableRef().GetFloat(0, 1.5f), 1.5f);
}

}  // namespace
