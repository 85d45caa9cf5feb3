#include <gtest/gtest.h>

#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"

using namespace slhmc;

TEST(Rng, SameSeedSameStream) {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  Rng c(43);
  EXPECT_NE(Rng(42).next_u64(), c.next_u64());
}

TEST(Rng, SerializationContinuesStreamExactly) {
  Rng a(7);
  a.normal();  // leaves a cached normal in the state
  Rng b = Rng::from_string(a.to_string());
  EXPECT_TRUE(a == b);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(a.normal(), b.normal());
}

TEST(Rng, RejectsGarbageState) {
  EXPECT_THROW(Rng::from_string("nonsense"), Error);
  EXPECT_THROW(Rng::from_string("xoshiro256ss 0 0 0 0 0 0"), Error);
}

TEST(Rng, NormalMomentsAndUniformRange) {
  Rng rng(1);
  const int n = 200000;
  double m1 = 0, m2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    m1 += x;
    m2 += x * x;
  }
  m1 /= n;
  m2 /= n;
  EXPECT_NEAR(m1, 0.0, 5.0 / std::sqrt(n));
  EXPECT_NEAR(m2, 1.0, 5.0 * std::sqrt(2.0 / n));
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(Rng, StreamsDiffer) {
  Rng a(5, 0), b(5, 1);
  EXPECT_NE(a.next_u64(), b.next_u64());
}
