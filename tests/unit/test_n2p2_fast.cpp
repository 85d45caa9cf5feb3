// The fast n2p2 evaluator's own pieces. Its comparison with the plain reference
// evaluator lives in tests/consistency/test_descriptor_consistency.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnp/n2p2/fast_descriptor.hpp"

using namespace slhmc::nnp::n2p2;

TEST(N2p2Fast, BranchFreeExponentialMatchesStdExp) {
  double worst = 0.0;
  for (double x = -708.0; x <= 0.0; x += 0.0137) {
    const double ref = std::exp(x);
    worst = std::max(worst, std::fabs(exp_in_range(x) - ref) / ref);
  }
  for (double x : {-1e-300, -1e-17, -1e-9, -0.5 * std::log(2.0), -1.0, -2.0, -708.0}) {
    const double ref = std::exp(x);
    worst = std::max(worst, std::fabs(exp_in_range(x) - ref) / ref);
  }
  EXPECT_LT(worst, 4.5e-16);
  EXPECT_EQ(exp_in_range(0.0), 1.0);
}
