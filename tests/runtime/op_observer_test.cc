#include <gtest/gtest.h>

#include <vector>

#include "microml/interpreter.h"
#include "microml/kernels.h"
#include "test_files.h"

namespace {

using microml::ErrorMessage;
using microml::Interpreter;
using microml::Model;
using microml::Status;

struct Event {
  uint32_t subgraph;
  uint32_t op;
  bool after;
};

void Record(void* user, uint32_t subgraph, uint32_t op, bool after) {
  static_cast<std::vector<Event>*>(user)->push_back({subgraph, op, after});
}

TEST(OpObserver, BracketsEveryOperatorInOrderAndSurvivesSetup) {
  microml_test::AlignedBytes bytes = microml_test::ReadModel("person_detect.tflite");
  Model model;
  ErrorMessage error;
  ASSERT_EQ(model.Init(bytes.data(), bytes.size, &error), Status::kOk) << error.text();
  std::vector<microml_test::AlignedBytes::Block> arena(256 * 1024 / 16);
  std::vector<Event> events;
  Interpreter interpreter;
  // Installed before Setup() on purpose: it must be kept.
  interpreter.set_op_observer(Record, &events);
  ASSERT_EQ(interpreter.Setup(model, microml::AllOpsResolver(), arena.data(), arena.size() * 16),
            Status::kOk)
      << interpreter.error();
  EXPECT_TRUE(events.empty());
  ASSERT_EQ(interpreter.Invoke(), Status::kOk) << interpreter.error();

  const uint32_t ops = model.subgraph(0).num_operators();
  ASSERT_EQ(events.size(), 2u * ops);
  for (uint32_t i = 0; i < ops; ++i) {
    EXPECT_EQ(events[2 * i].op, i);
    EXPECT_FALSE(events[2 * i].after);
    EXPECT_EQ(events[2 * i + 1].op, i);
    EXPECT_TRUE(events[2 * i + 1].after);
    EXPECT_EQ(events[2 * i].subgraph, 0u);
  }

  events.clear();
  interpreter.set_op_observer(nullptr, nullptr);
  ASSERT_EQ(interpreter.Invoke(), Status::kOk) << interpreter.error();
  EXPECT_TRUE(events.empty());
}

}  // namespace
