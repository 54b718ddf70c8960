#include "microml/interpreter.h"

#include <gtest/gtest.h>
#include <string.h>

#include <string>
#include <vector>

#include "microml/kernels.h"
#include "test_files.h"

namespace {

using microml::ErrorMessage;
using microml::Interpreter;
using microml::Model;
using microml::Status;

struct Loaded {
  microml_test::AlignedBytes bytes;
  Model model;
};

void Load(const char* name, Loaded* out) {
  out->bytes = microml_test::ReadModel(name);
  ErrorMessage error;
  ASSERT_EQ(out->model.Init(out->bytes.data(), out->bytes.size, &error), Status::kOk)
      << error.text();
}

size_t Measure(const Model& model) {
  std::vector<uint8_t> work(Interpreter::WorkBytesEstimate(model));
  size_t bytes = 0;
  ErrorMessage error;
  EXPECT_EQ(Interpreter::MeasureArena(model, microml::AllOpsResolver(), work.data(), work.size(),
                                      &bytes, &error),
            Status::kOk)
      << error.text();
  return bytes;
}

// The smallest arena setup can take: a limit of 0 bytes is below every plan.
size_t MeasureSmallest(const Model& model) {
  std::vector<uint8_t> work(Interpreter::WorkBytesEstimate(model));
  size_t bytes = 0;
  ErrorMessage error;
  EXPECT_EQ(Interpreter::MeasureArena(model, microml::AllOpsResolver(), work.data(), work.size(),
                                      &bytes, &error, 0),
            Status::kArenaTooSmall);
  EXPECT_NE(std::string(error.text()).find("arena limit of 0 bytes"), std::string::npos)
      << error.text();
  return bytes;
}

std::vector<int8_t> OutputOf(Interpreter& interpreter) {
  std::vector<int8_t> input(interpreter.input(0)->bytes);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int8_t>((i * 37) % 251 - 125);
  memcpy(interpreter.input(0)->data, input.data(), input.size());
  EXPECT_EQ(interpreter.Invoke(), Status::kOk) << interpreter.error();
  const int8_t* out = interpreter.output(0)->data_as<int8_t>();
  return std::vector<int8_t>(out, out + interpreter.output(0)->bytes);
}

TEST(Interpreter, MeasuredArenaIsEnoughAndOneByteLessIsNot) {
  for (const char* name : {"hello_world_int8.tflite", "hello_world_float.tflite",
                           "micro_speech.tflite", "person_detect.tflite"}) {
    Loaded m;
    Load(name, &m);
    const size_t need = Measure(m.model);
    ASSERT_GT(need, 0u) << name;
    std::vector<microml_test::AlignedBytes::Block> arena(need / 16 + 2);
    Interpreter ok;
    EXPECT_EQ(ok.Setup(m.model, microml::AllOpsResolver(), arena.data(), need), Status::kOk)
        << name << ": " << ok.error();
    EXPECT_LE(ok.arena_used_bytes(), need) << name;
    EXPECT_EQ(ok.Invoke(), Status::kOk) << ok.error();

    // An arena of odd size: setup temporaries stack down from its end and
    // must stay aligned (UBSan checks the accesses).
    Interpreter odd;
    EXPECT_EQ(odd.Setup(m.model, microml::AllOpsResolver(), arena.data(), need + 5), Status::kOk)
        << name << ": " << odd.error();
    EXPECT_EQ(odd.arena_used_bytes(), need) << name;

    // Below the fastest plan setup trades speed for memory, down to the
    // smallest plan; below that it fails.
    const size_t smallest = MeasureSmallest(m.model);
    ASSERT_GT(smallest, 0u) << name;
    ASSERT_LE(smallest, need) << name;
    if (smallest < need) {
      Interpreter traded;
      EXPECT_EQ(traded.Setup(m.model, microml::AllOpsResolver(), arena.data(), need - 16),
                Status::kOk)
          << name << ": " << traded.error();
      EXPECT_NE(traded.arena_tradeoff(), microml::ArenaTradeoff::kNone) << name;
      EXPECT_LE(traded.arena_used_bytes(), need - 16) << name;
    }
    Interpreter small;
    const size_t given = smallest - 16;
    const Status status = small.Setup(m.model, microml::AllOpsResolver(), arena.data(), given);
    EXPECT_EQ(status, Status::kArenaTooSmall) << name;
    EXPECT_NE(std::string(small.error()).find(std::to_string(given)), std::string::npos)
        << small.error();
    EXPECT_FALSE(small.ready());
    EXPECT_EQ(small.Invoke(), Status::kInvalidState);
  }
}

TEST(Interpreter, TooSmallArenaAfterPlanningNamesBothFigures) {
  Loaded m;
  Load("person_detect.tflite", &m);
  const size_t need = Measure(m.model);
  // Enough for setup bookkeeping, not for the activations.
  const size_t given = need / 2;
  std::vector<microml_test::AlignedBytes::Block> arena(given / 16 + 1);
  Interpreter interpreter;
  EXPECT_EQ(interpreter.Setup(m.model, microml::AllOpsResolver(), arena.data(), given),
            Status::kArenaTooSmall);
  const std::string message = interpreter.error();
  EXPECT_NE(message.find(std::to_string(given)), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(need)), std::string::npos) << message;
}

// person_detect's per-channel convolutions fit a smaller arena when their
// scales are recomputed before each eval: the measured (default) arena runs
// that plan, a larger one the fastest, the smallest one bands too; the output
// stays the same.
TEST(Interpreter, SmallestArenaRecomputesScalesWithTheSameOutput) {
  Loaded m;
  Load("person_detect.tflite", &m);
  const size_t need = Measure(m.model);
  const size_t smallest = MeasureSmallest(m.model);
  ASSERT_LT(smallest, need);
  std::vector<microml_test::AlignedBytes::Block> large(2 * need / 16 + 2);
  Interpreter fastest;
  ASSERT_EQ(fastest.Setup(m.model, microml::AllOpsResolver(), large.data(), 2 * need), Status::kOk)
      << fastest.error();
  EXPECT_EQ(fastest.arena_tradeoff(), microml::ArenaTradeoff::kNone);
  EXPECT_GT(fastest.arena_used_bytes(), need);
  const std::vector<int8_t> want = OutputOf(fastest);

  std::vector<microml_test::AlignedBytes::Block> arena(need / 16 + 2);
  Interpreter standard;
  ASSERT_EQ(standard.Setup(m.model, microml::AllOpsResolver(), arena.data(), need), Status::kOk)
      << standard.error();
  EXPECT_EQ(standard.arena_tradeoff(), microml::ArenaTradeoff::kRecomputedScales);
  EXPECT_EQ(standard.arena_used_bytes(), need);
  EXPECT_EQ(OutputOf(standard), want);

  std::vector<microml_test::AlignedBytes::Block> small_arena(smallest / 16 + 2);
  Interpreter small;
  ASSERT_EQ(small.Setup(m.model, microml::AllOpsResolver(), small_arena.data(), smallest),
            Status::kOk)
      << small.error();
  EXPECT_NE(small.arena_tradeoff(), microml::ArenaTradeoff::kNone);
  EXPECT_EQ(small.arena_used_bytes(), smallest);
  EXPECT_EQ(OutputOf(small), want);
  EXPECT_EQ(OutputOf(small), want);
}

// micro_speech's one per-channel convolution has 8 channels: their records
// cost more than keeping the scales, so the plain plan is the smallest and an
// arena below it is refused with its figure.
TEST(Interpreter, SmallestArenaIsThePlainOneWhenRecomputingCostsMore) {
  Loaded m;
  Load("micro_speech.tflite", &m);
  const size_t need = Measure(m.model);
  EXPECT_EQ(MeasureSmallest(m.model), need);
  const size_t given = need - 8;
  std::vector<microml_test::AlignedBytes::Block> arena(need / 16 + 2);
  Interpreter interpreter;
  EXPECT_EQ(interpreter.Setup(m.model, microml::AllOpsResolver(), arena.data(), given),
            Status::kArenaTooSmall);
  const std::string message = interpreter.error();
  EXPECT_NE(message.find(std::to_string(need)), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(given)), std::string::npos) << message;
}

TEST(Interpreter, UnknownOperatorIsReportedAtSetup) {
  Loaded m;
  Load("person_detect.tflite", &m);
  // A resolver without DEPTHWISE_CONV_2D.
  const microml::KernelRegistration* const kernels[] = {
      &microml::kRegisterConv2D, &microml::kRegisterAveragePool2D, &microml::kRegisterReshape,
      &microml::kRegisterSoftmax};
  const microml::OpResolver resolver = {kernels, 4};
  std::vector<microml_test::AlignedBytes::Block> arena(200000 / 16);
  Interpreter interpreter;
  EXPECT_EQ(interpreter.Setup(m.model, resolver, arena.data(), 200000), Status::kUnsupported);
  const std::string message = interpreter.error();
  EXPECT_NE(message.find("DEPTHWISE_CONV_2D"), std::string::npos) << message;
  EXPECT_NE(message.find("INT8"), std::string::npos) << message;
}

TEST(Interpreter, InputsAndOutputsDescribeTheModel) {
  Loaded m;
  Load("person_detect.tflite", &m);
  const size_t need = Measure(m.model);
  std::vector<microml_test::AlignedBytes::Block> arena(need / 16 + 2);
  Interpreter interpreter;
  ASSERT_EQ(interpreter.Setup(m.model, microml::AllOpsResolver(), arena.data(), need), Status::kOk);
  ASSERT_EQ(interpreter.num_inputs(), 1u);
  ASSERT_EQ(interpreter.num_outputs(), 1u);
  EXPECT_EQ(interpreter.input(0)->bytes, 96u * 96u);
  EXPECT_EQ(interpreter.output(0)->bytes, 2u);
  EXPECT_EQ(interpreter.input(1), nullptr);
  const uint8_t* lo = reinterpret_cast<const uint8_t*>(arena.data());
  const uint8_t* p = static_cast<const uint8_t*>(interpreter.input(0)->data);
  EXPECT_TRUE(p >= lo && p + 96 * 96 <= lo + need);
}

// The same input gives the same output on every invocation: no state leaks
// between runs of a stateless model even though activations share memory.
TEST(Interpreter, RepeatedInvocationsAgree) {
  Loaded m;
  Load("micro_speech.tflite", &m);
  const size_t need = Measure(m.model);
  std::vector<microml_test::AlignedBytes::Block> arena(need / 16 + 2);
  Interpreter interpreter;
  ASSERT_EQ(interpreter.Setup(m.model, microml::AllOpsResolver(), arena.data(), need), Status::kOk);
  std::vector<int8_t> input(interpreter.input(0)->bytes);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int8_t>((i * 37) % 251 - 125);
  std::vector<int8_t> first;
  for (int run = 0; run < 3; ++run) {
    memcpy(interpreter.input(0)->data, input.data(), input.size());
    ASSERT_EQ(interpreter.Invoke(), Status::kOk) << interpreter.error();
    const int8_t* out = interpreter.output(0)->data_as<int8_t>();
    std::vector<int8_t> now(out, out + interpreter.output(0)->bytes);
    if (run == 0) {
      first = now;
    } else {
      EXPECT_EQ(now, first);
    }
  }
}

}  // namespace

namespace {

std::vector<int8_t> RunOnce(const Model& model, microml::ArenaTradeoff least, size_t* arena_used,
                            uint32_t* band_pairs) {
  std::vector<microml_test::AlignedBytes::Block> arena(200000 / 16);
  Interpreter interpreter;
  EXPECT_EQ(interpreter.Setup(model, microml::AllOpsResolver(), arena.data(), 200000, least),
            Status::kOk)
      << interpreter.error();
  EXPECT_EQ(interpreter.arena_tradeoff(), least);
  *arena_used = interpreter.arena_used_bytes();
  *band_pairs = interpreter.band_pairs();
  std::vector<int8_t> input(interpreter.input(0)->bytes);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int8_t>((i * 29) % 253 - 126);
  std::vector<int8_t> out;
  for (int run = 0; run < 2; ++run) {
    memcpy(interpreter.input(0)->data, input.data(), input.size());
    EXPECT_EQ(interpreter.Invoke(), Status::kOk) << interpreter.error();
    const int8_t* data = interpreter.output(0)->data_as<int8_t>();
    std::vector<int8_t> now(data, data + interpreter.output(0)->bytes);
    if (run == 1) {
      EXPECT_EQ(now, out);
    }
    out = now;
  }
  return out;
}

// Each tradeoff, forced, computes what the fastest plan computes, in less.
TEST(Interpreter, TradeoffsComputeTheSameInLess) {
  Loaded m;
  Load("person_detect.tflite", &m);
  size_t fastest = 0, recomputed = 0, banded = 0, both = 0;
  uint32_t pairs = 0;
  const std::vector<int8_t> want =
      RunOnce(m.model, microml::ArenaTradeoff::kNone, &fastest, &pairs);
  EXPECT_EQ(pairs, 0u);
  EXPECT_EQ(RunOnce(m.model, microml::ArenaTradeoff::kRowBands, &banded, &pairs), want);
  EXPECT_GT(pairs, 0u);
  EXPECT_EQ(RunOnce(m.model, microml::ArenaTradeoff::kRecomputedScales, &recomputed, &pairs), want);
  EXPECT_EQ(pairs, 0u);
  EXPECT_EQ(RunOnce(m.model, microml::ArenaTradeoff::kAll, &both, &pairs), want);
  EXPECT_GT(pairs, 0u);
  EXPECT_LT(banded, fastest);
  EXPECT_LT(recomputed, fastest);
  EXPECT_LT(both, banded);
  EXPECT_LT(both, recomputed);
}

}  // namespace
