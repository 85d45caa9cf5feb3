// Gamma/chi-square sampling and the gamma CDF that the thermostat (CSVR) and
// the canonical-distribution tests rely on.
#include <gtest/gtest.h>

#include <cmath>

#include "../physical/md_test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/dynamics/gamma_distribution.hpp"

namespace slhmc {
namespace {

TEST(GammaCdf, ClosedForms) {
  for (double x : {0.01, 0.3, 1.0, 2.5, 7.0, 30.0}) {
    EXPECT_NEAR(gamma_cdf(1.0, x), 1 - std::exp(-x), 1e-13) << x;
    EXPECT_NEAR(gamma_cdf(0.5, x), std::erf(std::sqrt(x)), 1e-13) << x;
    EXPECT_NEAR(gamma_cdf(3.0, x), 1 - std::exp(-x) * (1 + x + x * x / 2), 1e-13) << x;
  }
  EXPECT_EQ(gamma_cdf(2.0, 0.0), 0.0);
  EXPECT_EQ(gamma_cdf(2.0, -1.0), 0.0);
  // Median of a large-shape gamma is close to shape − 1/3.
  EXPECT_NEAR(gamma_cdf(300.0, 300.0 - 1.0 / 3.0), 0.5, 1e-3);
  EXPECT_THROW(gamma_cdf(0.0, 1.0), Error);
}

class GammaSampler : public ::testing::TestWithParam<double> {};

TEST_P(GammaSampler, MomentsAndDistribution) {
  const double shape = GetParam();
  Rng rng(1234);
  const int n = 20000;
  std::vector<double> x(n);
  double mean = 0, m2 = 0;
  for (double& v : x) {
    v = sample_gamma(rng, shape);
    mean += v;
  }
  mean /= n;
  for (double v : x) m2 += (v - mean) * (v - mean);
  const double var = m2 / (n - 1);
  // Gamma(a,1): mean a, variance a; standard error of the mean sqrt(a/n).
  EXPECT_NEAR(mean, shape, 5 * std::sqrt(shape / n));
  EXPECT_NEAR(var / shape, 1.0, 0.06);
  const double d = test::ks_statistic(x, [&](double v) { return gamma_cdf(shape, v); });
  EXPECT_GT(test::ks_p_value(d, x.size()), 1e-3) << "D = " << d;
  // The same samples are rejected against a slightly different shape: the test has power.
  const double wrong = test::ks_statistic(x, [&](double v) { return gamma_cdf(shape * 1.1, v); });
  EXPECT_LT(test::ks_p_value(wrong, x.size()), 1e-3) << "D = " << wrong;
}

INSTANTIATE_TEST_SUITE_P(Shapes, GammaSampler, ::testing::Values(0.3, 0.5, 1.0, 2.5, 47.5));

TEST(ChiSquared, MatchesSumOfSquaredNormals) {
  Rng rng(99);
  for (long dof : {1L, 2L, 5L, 93L}) {
    const int n = 20000;
    double mean = 0, m2 = 0;
    std::vector<double> x(n);
    for (double& v : x) {
      v = sample_chi_squared(rng, dof);
      mean += v;
    }
    mean /= n;
    for (double v : x) m2 += (v - mean) * (v - mean);
    EXPECT_NEAR(mean, dof, 5 * std::sqrt(2.0 * dof / n)) << dof;
    EXPECT_NEAR(m2 / (n - 1) / (2.0 * dof), 1.0, 0.06) << dof;
    const double d = test::ks_statistic(x, [&](double v) { return gamma_cdf(0.5 * dof, 0.5 * v); });
    EXPECT_GT(test::ks_p_value(d, x.size()), 1e-3) << dof;
  }
  EXPECT_EQ(sample_chi_squared(rng, 0), 0.0);
  EXPECT_THROW(sample_chi_squared(rng, -1), Error);
  EXPECT_THROW(sample_gamma(rng, 0.0), Error);
}

TEST(KolmogorovSmirnov, PValueOfKnownStatistic) {
  // P(D·√n > 1.358) ≈ 0.05 and P(D·√n > 1.628) ≈ 0.01 for large n.
  EXPECT_NEAR(test::ks_p_value(1.358 / std::sqrt(1e6), 1000000), 0.05, 0.002);
  EXPECT_NEAR(test::ks_p_value(1.628 / std::sqrt(1e6), 1000000), 0.01, 0.001);
}

}  // namespace
}  // namespace slhmc
