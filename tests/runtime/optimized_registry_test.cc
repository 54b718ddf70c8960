// Every optimized registration is a twin of a reference one: the same operator,
// versions and type variants, and the same prepare-time checks (the error
// messages are compared on the refusal fixtures by
// tests/conformance/test_kernel_twins.py).
#include <gtest/gtest.h>
#include <string.h>

#include "microml/kernels.h"

namespace {

TEST(OptimizedRegistry, EveryOptimizedKernelHasAReferenceTwin) {
  const microml::OpResolver& optimized = microml::OptimizedOpsResolver();
  ASSERT_GT(optimized.count, 0u);
  ASSERT_EQ(optimized.fallback, &microml::AllOpsResolver());
  for (size_t i = 0; i < optimized.count; ++i) {
    const microml::KernelRegistration* opt = optimized.kernels[i];
    const microml::KernelRegistration* ref =
        microml::AllOpsResolver().Find(opt->builtin_code, opt->custom_name);
    ASSERT_NE(ref, nullptr) << "builtin " << opt->builtin_code;
    EXPECT_NE(ref, opt) << "builtin " << opt->builtin_code;
    EXPECT_EQ(ref->max_version, opt->max_version) << "builtin " << opt->builtin_code;
    ASSERT_NE(opt->variants, nullptr);
    EXPECT_STREQ(ref->variants, opt->variants) << "builtin " << opt->builtin_code;
    EXPECT_EQ(ref->reset, opt->reset) << "builtin " << opt->builtin_code;
  }
}

TEST(OptimizedRegistry, OperatorsWithoutAnOptimizedKernelFallBackToReference) {
  const int32_t code = static_cast<int32_t>(microml::BuiltinOp::kRESHAPE);
  EXPECT_EQ(microml::OptimizedOpsResolver().Find(code, nullptr), &microml::kRegisterReshape);
  const int32_t conv = static_cast<int32_t>(microml::BuiltinOp::kCONV_2D);
#if defined(__x86_64__)
  // x86-64 hosts take the x86 twin (runtime/src/kernels/x86/).
  EXPECT_EQ(microml::OptimizedOpsResolver().Find(conv, nullptr), &microml::kRegisterConv2DX86);
#else
  EXPECT_EQ(microml::OptimizedOpsResolver().Find(conv, nullptr), &microml::kRegisterConv2DOpt);
#endif
  EXPECT_EQ(microml::AllOpsResolver().Find(conv, nullptr), &microml::kRegisterConv2D);
}

}  // namespace
