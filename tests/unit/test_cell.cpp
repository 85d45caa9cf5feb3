#include <gtest/gtest.h>

#include "slhmc/core/cell.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"

using namespace slhmc;

TEST(Cell, FractionalRoundTripTriclinic) {
  Cell cell(Mat3{Vec3{4.0, 0.0, 0.0}, Vec3{1.5, 3.8, 0.0}, Vec3{-0.7, 0.9, 5.1}}, {true, true, true});
  const Vec3 r{1.234, -2.5, 7.75};
  const Vec3 back = cell.to_cartesian(cell.to_fractional(r));
  for (int d = 0; d < 3; ++d) EXPECT_NEAR(back[d], r[d], 1e-12);
  EXPECT_NEAR(cell.volume(), 4.0 * 3.8 * 5.1, 1e-12);
}

TEST(Cell, WrapPutsFractionalInUnitInterval) {
  Cell cell(Mat3{Vec3{3.0, 0.0, 0.0}, Vec3{2.9, 3.0, 0.0}, Vec3{0.0, 0.0, 3.0}}, {true, true, false});
  Rng rng(3);
  for (int k = 0; k < 100; ++k) {
    const Vec3 r{rng.uniform(-20, 20), rng.uniform(-20, 20), rng.uniform(-20, 20)};
    const Vec3 s = cell.to_fractional(cell.wrap(r));
    EXPECT_GE(s[0], 0.0);
    EXPECT_LT(s[0], 1.0);
    EXPECT_GE(s[1], 0.0);
    EXPECT_LT(s[1], 1.0);
    EXPECT_NEAR(cell.wrap(r)[2], r[2], 1e-9);  // non-periodic direction untouched
  }
}

TEST(Cell, MinimumImageIsShortestInSkewedCell) {
  // Strongly skewed cell: naive rounding of fractional coordinates fails here.
  Cell cell(Mat3{Vec3{3.0, 0.0, 0.0}, Vec3{8.7, 1.0, 0.0}, Vec3{0.3, 0.2, 3.0}}, {true, true, true});
  const Vec3 h = cell.heights();
  Rng rng(7);
  for (int k = 0; k < 200; ++k) {
    const Vec3 d{rng.uniform(-10, 10), rng.uniform(-10, 10), rng.uniform(-10, 10)};
    const Vec3 mi = cell.minimum_image(d);
    // It is an image of d: they differ by a lattice vector.
    const Vec3 n = cell.to_fractional(mi - d);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(n[a], std::round(n[a]), 1e-9) << "trial " << k;
    // Brute force over every image not longer than |d|: an image d + n·A with fractional
    // coordinates s + n is at least h_a |s_a + n_a| long along each cell height h_a.
    const Vec3 s = cell.to_fractional(d);
    const double longest = norm(d);
    std::array<int, 3> lo{}, hi{};
    for (int a = 0; a < 3; ++a) {
      lo[a] = static_cast<int>(std::floor(-s[a] - longest / h[a]));
      hi[a] = static_cast<int>(std::ceil(-s[a] + longest / h[a]));
    }
    double best = 1e300;
    for (int a = lo[0]; a <= hi[0]; ++a)
      for (int b = lo[1]; b <= hi[1]; ++b)
        for (int c = lo[2]; c <= hi[2]; ++c) best = std::min(best, norm(d + cell.image_shift({a, b, c})));
    EXPECT_NEAR(norm(mi), best, 1e-12) << "trial " << k;
  }
}

TEST(Cell, RejectsDegeneratePeriodicCell) {
  EXPECT_THROW(Cell(Mat3{Vec3{1, 0, 0}, Vec3{2, 0, 0}, Vec3{0, 0, 1}}, {true, true, true}), Error);
  EXPECT_THROW(Cell(Mat3{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 0}}, {true, true, true}), Error);
  EXPECT_NO_THROW(Cell());
}

TEST(Cell, HeightsOfOrthorhombicCell) {
  const Vec3 h = Cell::orthorhombic(2, 3, 4).heights();
  EXPECT_DOUBLE_EQ(h[0], 2);
  EXPECT_DOUBLE_EQ(h[1], 3);
  EXPECT_DOUBLE_EQ(h[2], 4);
}

TEST(Cell, DeformedMapsPointsLikePositions) {
  Cell cell(Mat3{Vec3{4.0, 0.0, 0.0}, Vec3{1.0, 3.0, 0.0}, Vec3{0.5, 0.5, 5.0}}, {true, true, true});
  Mat3 eps{Vec3{0.01, 0.02, 0.0}, Vec3{0.0, -0.01, 0.03}, Vec3{0.005, 0.0, 0.02}};
  const Cell d = cell.deformed(eps);
  const Vec3 s{0.3, 0.6, 0.2};
  const Vec3 expected = (identity_mat3() + eps) * cell.to_cartesian(s);
  const Vec3 got = d.to_cartesian(s);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(got[k], expected[k], 1e-14);
}
