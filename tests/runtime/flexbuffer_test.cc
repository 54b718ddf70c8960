// The FlexBuffers reader on a map built by the flatbuffers Python package,
// and on every truncation and single-byte corruption of it: values read as
// FlexBuffers defines them, and nothing is read outside the buffer (the
// sanitizer build checks the latter).
#include "format/flexbuffer.h"

#include <gtest/gtest.h>
#include <string.h>

#include <vector>

namespace {

using microml::flex::Value;

// flexbuffers.Builder: count=7 (int8), big=-100000 (int64), ratio=0.25,
// scale=2.5 (indirect float64), indirect=300 (indirect int), unsigned=200
// (uint), flag=true, nothing=null, vec=[1, 2, 3], text="hello".
const uint8_t kMap[] = {
    99,  111, 117, 110, 116, 0,   98,  105, 103, 0,   114, 97,  116, 105, 111, 0,   115, 99,  97,
    108, 101, 0,   0,   0,   0,   0,   0,   0,   0,   0,   4,   64,  105, 110, 100, 105, 114, 101,
    99,  116, 0,   0,   44,  1,   117, 110, 115, 105, 103, 110, 101, 100, 0,   102, 108, 97,  103,
    0,   110, 111, 116, 104, 105, 110, 103, 0,   118, 101, 99,  0,   3,   1,   2,   3,   4,   4,
    4,   116, 101, 120, 116, 0,   5,   104, 101, 108, 108, 111, 0,   10,  84,  91,  39,  61,  36,
    85,  80,  20,  54,  33,  0,   0,   0,   0,   14,  0,   0,   0,   0,   0,   0,   0,   1,   0,
    0,   0,   0,   0,   0,   0,   10,  0,   0,   0,   0,   0,   0,   0,   96,  121, 254, 255, 255,
    255, 255, 255, 7,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0,   0,   0,   0,   0,   0,
    110, 0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   208, 63,  152, 0,   0,   0,   0,   0,   0,   0,   101, 0,   0,   0,   0,   0,
    0,   0,   200, 0,   0,   0,   0,   0,   0,   0,   129, 0,   0,   0,   0,   0,   0,   0,   7,
    7,   107, 25,  3,   15,  35,  20,  11,  40,  90,  39,  1};

void ReadAll(const Value& root) {
  for (const char* key : {"count", "big", "ratio", "scale", "indirect", "unsigned", "flag",
                          "nothing", "vec", "text", "missing", ""}) {
    const Value v = root[key];
    (void)v.AsInt64();
    (void)v.AsDouble();
    (void)v.AsBool();
    (void)v.IsNull();
  }
  for (size_t i = 0; i < 12; ++i) {
    const Value v = root.At(i);
    (void)v.AsInt64();
    (void)v.AsDouble();
    (void)v["vec"].At(0).AsInt64();
  }
  (void)root["vec"].At(2).AsInt64();
}

TEST(FlexBuffer, ReadsEveryScalarKind) {
  const Value root = Value::Root(kMap, sizeof(kMap));
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root["count"].AsInt32(), 7);
  EXPECT_EQ(root["big"].AsInt64(), -100000);
  EXPECT_EQ(root["ratio"].AsFloat(), 0.25f);
  EXPECT_EQ(root["scale"].AsDouble(), 2.5);
  EXPECT_EQ(root["scale"].AsInt32(), 2);
  EXPECT_EQ(root["indirect"].AsInt32(), 300);
  EXPECT_EQ(root["indirect"].AsFloat(), 300.0f);
  EXPECT_EQ(root["unsigned"].AsInt32(), 200);
  EXPECT_TRUE(root["flag"].AsBool());
  EXPECT_EQ(root["flag"].AsInt32(), 1);
  EXPECT_TRUE(root["nothing"].IsNull());
  EXPECT_EQ(root["vec"].AsInt32(), 3);
  EXPECT_TRUE(root["missing"].IsNull());
  EXPECT_EQ(root["missing"].AsInt32(), 0);
  EXPECT_FALSE(root["ratio"].AsBool());
  EXPECT_EQ(root["vec"].At(2).AsInt32(), 3);
}

TEST(FlexBuffer, NonMapsAndEmptyInputReadAsNull) {
  EXPECT_TRUE(Value::Root(nullptr, 0).IsNull());
  EXPECT_TRUE(Value::Root(kMap, 1).IsNull());
  const Value v = Value();
  EXPECT_TRUE(v["count"].IsNull());
  EXPECT_EQ(v.AsInt64(), 0);
}

TEST(FlexBuffer, HostileBytesStayInBounds) {
  // Every suffix-truncated copy lives in its own exact-size heap block, so an
  // out-of-bounds read is a sanitizer error.
  for (size_t n = 0; n <= sizeof(kMap); ++n) {
    std::vector<uint8_t> copy(kMap, kMap + n);
    ReadAll(Value::Root(copy.data(), copy.size()));
  }
  for (size_t at = 0; at < sizeof(kMap); ++at) {
    for (int value : {0x00, 0x01, 0x07, 0x24, 0x7F, 0x80, 0xFF}) {
      std::vector<uint8_t> copy(kMap, kMap + sizeof(kMap));
      copy[at] = static_cast<uint8_t>(value);
      ReadAll(Value::Root(copy.data(), copy.size()));
    }
  }
}

}  // namespace
