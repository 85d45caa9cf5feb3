#include <gtest/gtest.h>

#include <cmath>

#include "slhmc/analysis/chain_statistics.hpp"
#include "slhmc/analysis/rdf.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"

using namespace slhmc;
using namespace slhmc::analysis;

namespace {
// AR(1): x_t = φ x_{t−1} + ε_t, unit-variance noise; τ_int = (1+φ)/(1−φ), Var x = 1/(1−φ²).
std::vector<double> ar1(double phi, std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> x(n);
  double v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v = phi * v + rng.normal();
    x[i] = v;
  }
  return x;
}
}  // namespace

TEST(ChainStatistics, AutocorrelationTimeOfAr1) {
  for (double phi : {0.0, 0.5, 0.8}) {
    const auto x = ar1(phi, 400000, 3);
    const auto est = integrated_autocorrelation_time(x);
    const double exact = (1 + phi) / (1 - phi);
    EXPECT_NEAR(est.tau, exact, 0.08 * exact) << "phi " << phi;
    EXPECT_TRUE(est.reliable);
    EXPECT_NEAR(effective_sample_size(x), x.size() / exact, 0.1 * x.size() / exact);
  }
}

TEST(ChainStatistics, BlockingErrorOfCorrelatedMean) {
  const double phi = 0.9;
  const std::size_t n = 1 << 19;
  const auto x = ar1(phi, n, 11);
  const double exact = std::sqrt(1.0 / (1 - phi * phi) * (1 + phi) / (1 - phi) / n);
  const auto m = blocking_mean(x);
  EXPECT_NEAR(m.error, exact, 0.2 * exact);
  EXPECT_GT(m.block_size, 8u);
  // Naive error (ignoring correlation) would be sqrt(19) ≈ 4.4× too small.
  EXPECT_GT(m.error, 3.0 * std::sqrt(1.0 / (1 - phi * phi) / n));
}

TEST(ChainStatistics, ConstantSeriesAndErrors) {
  std::vector<double> c(100, 2.5);
  EXPECT_DOUBLE_EQ(integrated_autocorrelation_time(c).tau, 1.0);
  EXPECT_DOUBLE_EQ(blocking_mean(c).mean, 2.5);
  EXPECT_DOUBLE_EQ(blocking_mean(c).error, 0.0);
  EXPECT_THROW(integrated_autocorrelation_time(std::vector<double>{1.0}), Error);
  EXPECT_THROW(blocking_mean(std::vector<double>{}), Error);
}

TEST(RadialDistribution, IdealGasIsOne) {
  RadialDistribution rdf(4.0, 8);
  Rng rng(5);
  for (int f = 0; f < 40; ++f) {
    Frame frame;
    frame.cell = Cell(Mat3{Vec3{10, 0, 0}, Vec3{2, 9, 0}, Vec3{1, 1, 11}}, {true, true, true});
    for (int i = 0; i < 200; ++i) frame.add_atom(18, frame.cell.to_cartesian({rng.uniform(), rng.uniform(), rng.uniform()}));
    rdf.add(frame);
  }
  const auto g = rdf.mean();
  const auto e = rdf.error();
  for (int b = 2; b < rdf.bins(); ++b) EXPECT_NEAR(g[b], 1.0, 5 * e[b] + 0.02) << "bin " << b;
}

TEST(RadialDistribution, FccFirstShellHoldsTwelveNeighbours) {
  const double a = 4.0;
  Frame frame;
  frame.cell = Cell::orthorhombic(3 * a, 3 * a, 3 * a);
  const Vec3 basis[4] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        for (const auto& b : basis) frame.add_atom(29, {a * (i + b[0]), a * (j + b[1]), a * (k + b[2])});
  RadialDistribution rdf(3.5, 70);
  rdf.add(frame);
  const auto g = rdf.mean();
  const double rho = frame.size() / frame.cell.volume();
  double coordination = 0;
  const double width = rdf.r_max() / rdf.bins();
  for (int b = 0; b < rdf.bins(); ++b) {
    const double r0 = b * width, r1 = r0 + width;
    coordination += rho * g[b] * 4.0 / 3.0 * M_PI * (r1 * r1 * r1 - r0 * r0 * r0);
  }
  EXPECT_NEAR(coordination, 12.0, 1e-9);  // only the first shell (a/√2 ≈ 2.83 Å) is below 3.5 Å
  const int peak = static_cast<int>(a / std::sqrt(2.0) / width);
  EXPECT_GT(g[peak], 10.0);
}
