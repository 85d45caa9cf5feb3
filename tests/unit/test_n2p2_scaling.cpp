// scaling.data reader, scaling modes, extrapolation test, weight files, and
// the cutoff functions (values, continuity and derivatives by finite differences).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/n2p2_cutoff.hpp"
#include "slhmc/nnp/n2p2_scaling.hpp"
#include "slhmc/nnp/n2p2_weights.hpp"

using namespace slhmc;
using namespace slhmc::nnp::n2p2;

TEST(N2p2Scaling, ReadsLinesSkippingCommentsAndBlankLines) {
  const std::string text =
      "# header\n"
      "1 1 0.0 2.0 1.0 0.5\n"
      "\n"
      "1 2 -1.0 3.0 0.5 0.25   \n"
      "  # comment\n"
      "2 1 1.0 4.0 2.0 1.0\n";
  const auto st = parse_scaling_data(text, "scaling.data", {2, 1});
  ASSERT_EQ(st.size(), 2u);
  EXPECT_DOUBLE_EQ(st[0][1].min, -1.0);
  EXPECT_DOUBLE_EQ(st[0][1].sigma, 0.25);
  EXPECT_EQ(st[0][1].line, 4u);
  EXPECT_DOUBLE_EQ(st[1][0].max, 4.0);
}

TEST(N2p2Scaling, ChecksBothIndicesAndCount) {
  auto err = [](const std::string& text, const std::string& what, std::size_t line) {
    try {
      parse_scaling_data(text, "scaling.data", {2, 1});
      FAIL() << what;
    } catch (const ParseError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
      EXPECT_EQ(e.line(), line) << e.what();
    }
  };
  err("1 1 0 1 0 1\n1 3 0 1 0 1\n2 1 0 1 0 1\n", "symmetry function index 2", 2);
  err("1 1 0 1 0 1\n2 2 0 1 0 1\n2 1 0 1 0 1\n", "element index 1", 2);
  err("1 1 0 1 0 1\n1 2 0 1 0 1\n", "expected 3 lines", 2);
  err("1 1 0 1 0 1\n1 2 0 1 0 1\n2 1 0 1 0 1\n2 2 0 1 0 1\n", "extra line", 4);
  err("1 1 0 1\n", "columns", 1);
  err("1 1 0 1 0 nan\n", "Gsigma", 1);
  err("1 1 2 1 0 1\n", "Gmin <= Gmax", 1);
}

TEST(N2p2Scaling, ModesAndDegenerateStatistics) {
  ScalingStats st;
  st.min = 1.0;
  st.max = 5.0;
  st.mean = 2.0;
  st.sigma = 0.5;
  st.has_sigma = true;
  EXPECT_DOUBLE_EQ(make_scaling(ScalingMode::none, 0, 1, st, "x").apply(3.0), 3.0);
  EXPECT_DOUBLE_EQ(make_scaling(ScalingMode::center, 0, 1, st, "x").apply(3.0), 1.0);
  EXPECT_DOUBLE_EQ(make_scaling(ScalingMode::scale, -1, 1, st, "x").apply(3.0), 0.0);
  EXPECT_DOUBLE_EQ(make_scaling(ScalingMode::scale_center, 0, 1, st, "x").apply(3.0), 0.25);
  EXPECT_DOUBLE_EQ(make_scaling(ScalingMode::scale_sigma, 0, 1, st, "x").apply(3.0), 2.0);
  EXPECT_DOUBLE_EQ(make_scaling(ScalingMode::scale_sigma, 0, 1, st, "x").factor, 2.0);
  ScalingStats flat = st;
  flat.max = flat.min;
  EXPECT_THROW(make_scaling(ScalingMode::scale, 0, 1, flat, "x"), Error);
  EXPECT_THROW(make_scaling(ScalingMode::scale_center, 0, 1, flat, "x"), Error);
  EXPECT_NO_THROW(make_scaling(ScalingMode::center, 0, 1, flat, "x"));
  ScalingStats nosig = st;
  nosig.sigma = 0.0;
  EXPECT_THROW(make_scaling(ScalingMode::scale_sigma, 0, 1, nosig, "x"), Error);
  nosig.has_sigma = false;
  nosig.sigma = 1.0;
  EXPECT_THROW(make_scaling(ScalingMode::scale_sigma, 0, 1, nosig, "x"), Error);
}

TEST(N2p2Scaling, ExtrapolationUsesAbsoluteTolerance) {
  ScalingStats st;
  st.min = 1.0;
  st.max = 2.0;
  const SfScaling sc = make_scaling(ScalingMode::none, 0, 1, st, "x");
  EXPECT_FALSE(sc.extrapolates(1.5));
  EXPECT_FALSE(sc.extrapolates(2.0 + 500 * DBL_EPSILON));
  EXPECT_TRUE(sc.extrapolates(2.0 + 2000 * DBL_EPSILON));
  EXPECT_TRUE(sc.extrapolates(0.99));
}

TEST(N2p2Weights, LayoutSourceOuterTargetInnerThenBiases) {
  ElementTopology topo{{2}, "tl"};
  // 3 inputs → 2 hidden → 1: weights w(j→k) line (j−1)·2 + k, then 2 biases, then 2 + 1.
  const std::string text = "# c\n1 a\n2 a\n3 a\n4 a\n5 a\n6 a\n7 b\n8 b\n\n9 a\n10 a\n11 b\n";
  const auto layers = parse_weights(text, "w.data", 3, topo, "input.nn:9");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].weights, (std::vector<double>{1, 3, 5, 2, 4, 6}));  // row = target
  EXPECT_EQ(layers[0].bias, (std::vector<double>{7, 8}));
  EXPECT_EQ(layers[1].weights, (std::vector<double>{9, 10}));
  EXPECT_EQ(layers[1].bias, (std::vector<double>{11}));
  EXPECT_EQ(layers[0].activation, nnp::Activation::tanh);
  EXPECT_EQ(layers[1].activation, nnp::Activation::linear);
  EXPECT_THROW(parse_weights(text + "12\n", "w.data", 3, topo, "input.nn:9"), ParseError);
  EXPECT_THROW(parse_weights("1\n2\n", "w.data", 3, topo, "input.nn:9"), ParseError);
  EXPECT_THROW(parse_weights(text, "w.data", 3, ElementTopology{{2}, "tq"}, "input.nn:9"), Error);
}

TEST(N2p2Cutoff, ValuesContinuityAndDerivatives) {
  const double rc = 5.0;
  for (int t = 0; t <= 8; ++t) {
    for (double alpha : {0.0, 0.3}) {
      const CutoffFunction fc(static_cast<CutoffType>(t), rc, alpha);
      double f, df;
      fc.evaluate(rc, f, df);
      EXPECT_EQ(f, 0.0);
      fc.evaluate(rc + 1.0, f, df);
      EXPECT_EQ(f, 0.0);
      EXPECT_EQ(df, 0.0);
      fc.evaluate(0.0, f, df);
      const double f0 = t == 2 ? std::pow(std::tanh(1.0), 3) : 1.0;
      EXPECT_NEAR(f, f0, 1e-14) << "type " << t;
      if (t == 0) continue;
      // Smooth types go to 0 at rc (the hard cutoff does not).
      fc.evaluate(rc - 1e-7, f, df);
      EXPECT_LT(f, 1e-5) << "type " << t;
      const double h = 1e-6;
      for (double r = 0.05; r < rc - 2 * h; r += 0.0731) {
        double fp, dfp, fm, dfm;
        fc.evaluate(r, f, df);
        fc.evaluate(r + h, fp, dfp);
        fc.evaluate(r - h, fm, dfm);
        EXPECT_NEAR(df, (fp - fm) / (2 * h), 1e-7) << "type " << t << " alpha " << alpha << " r " << r;
      }
      // Inner cutoff: 1 below α·rc for the types that use it.
      if (alpha > 0 && t != 2 && t != 3) {
        fc.evaluate(0.99 * alpha * rc, f, df);
        EXPECT_EQ(f, 1.0);
        EXPECT_EQ(df, 0.0);
        fc.evaluate(1.0001 * alpha * rc, f, df);
        EXPECT_NEAR(f, 1.0, 1e-5);
      }
    }
  }
}
