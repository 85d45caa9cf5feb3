// Tests of nnp::Network: activation values and derivatives against finite
// differences, a hand-computed small network, normalize_nodes, and shape errors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/network.hpp"

using namespace slhmc;
using namespace slhmc::nnp;

namespace {

const std::vector<Activation> kAll = {
    Activation::linear,   Activation::tanh,     Activation::sigmoid,  Activation::mtanh,
    Activation::twist,    Activation::logistic, Activation::softplus, Activation::relu,
    Activation::gaussian, Activation::cosine,   Activation::reverse_logistic,
    Activation::exponential, Activation::harmonic};

// A one-input, one-output network y = f(w·x + b) exposes the activation itself.
Network single(Activation a, double w = 1.0, double b = 0.0) {
  DenseLayer layer;
  layer.n_in = 1;
  layer.n_out = 1;
  layer.weights = {w};
  layer.bias = {b};
  layer.activation = a;
  return Network({layer});
}

// A 3-4-3-1 network with deterministic pseudo-random weights.
Network mlp(Activation hidden1, Activation hidden2, Activation out, bool normalize) {
  std::vector<DenseLayer> layers;
  const int sizes[] = {3, 4, 3, 1};
  const Activation acts[] = {hidden1, hidden2, out};
  double seed = 0.3;
  for (int l = 0; l < 3; ++l) {
    DenseLayer layer;
    layer.n_in = sizes[l];
    layer.n_out = sizes[l + 1];
    layer.activation = acts[l];
    for (int k = 0; k < layer.n_in * layer.n_out; ++k) {
      seed = std::fmod(seed * 7.31 + 0.17, 1.0);
      layer.weights.push_back(seed - 0.5);
    }
    for (int k = 0; k < layer.n_out; ++k) {
      seed = std::fmod(seed * 5.77 + 0.41, 1.0);
      layer.bias.push_back(0.4 * (seed - 0.5));
    }
    layers.push_back(layer);
  }
  return Network(layers, normalize);
}

}  // namespace

TEST(NnpNetwork, ActivationValues) {
  const double z = 0.7;
  EXPECT_DOUBLE_EQ(single(Activation::linear).evaluate(std::vector<double>{z}), z);
  EXPECT_DOUBLE_EQ(single(Activation::tanh).evaluate(std::vector<double>{z}), std::tanh(z));
  EXPECT_DOUBLE_EQ(single(Activation::sigmoid).evaluate(std::vector<double>{z}), 1.0 / (1.0 + std::exp(-z)));
  EXPECT_DOUBLE_EQ(single(Activation::mtanh).evaluate(std::vector<double>{z}),
                   1.7159 * std::tanh(0.666666666666667 * z));
  EXPECT_DOUBLE_EQ(single(Activation::twist).evaluate(std::vector<double>{z}),
                   1.7159 * std::tanh(0.666666666666667 * z) + 0.1 * z);
  EXPECT_DOUBLE_EQ(single(Activation::softplus).evaluate(std::vector<double>{z}), std::log(1.0 + std::exp(z)));
  EXPECT_DOUBLE_EQ(single(Activation::gaussian).evaluate(std::vector<double>{z}), std::exp(-0.5 * z * z));
  EXPECT_DOUBLE_EQ(single(Activation::cosine).evaluate(std::vector<double>{z}), std::cos(z));
  EXPECT_DOUBLE_EQ(single(Activation::reverse_logistic).evaluate(std::vector<double>{z}),
                   1.0 - 1.0 / (1.0 + std::exp(-z)));
  EXPECT_DOUBLE_EQ(single(Activation::exponential).evaluate(std::vector<double>{z}), std::exp(-z));
  EXPECT_DOUBLE_EQ(single(Activation::harmonic).evaluate(std::vector<double>{z}), z * z);
  EXPECT_DOUBLE_EQ(single(Activation::relu).evaluate(std::vector<double>{-z}), 0.0);
  EXPECT_DOUBLE_EQ(single(Activation::relu).evaluate(std::vector<double>{z}), z);
}

TEST(NnpNetwork, SaturationBranches) {
  std::vector<double> g(1);
  // n2p2 logistic and softplus saturate beyond |x| = 35; aenet's sigmoid does not.
  EXPECT_EQ(single(Activation::logistic).evaluate(std::vector<double>{36.0}, g), 1.0);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(single(Activation::logistic).evaluate(std::vector<double>{-36.0}, g), 0.0);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(single(Activation::softplus).evaluate(std::vector<double>{40.0}, g), 40.0);
  EXPECT_EQ(g[0], 1.0);
  EXPECT_EQ(single(Activation::softplus).evaluate(std::vector<double>{-40.0}, g), 0.0);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_GT(single(Activation::sigmoid).evaluate(std::vector<double>{-36.0}, g), 0.0);
  EXPECT_GT(g[0], 0.0);
  EXPECT_GT(single(Activation::reverse_logistic).evaluate(std::vector<double>{36.0}, g), 0.0);
}

TEST(NnpNetwork, ActivationDerivativesMatchFiniteDifferences) {
  const double h = 1e-6;
  for (Activation a : kAll) {
    const Network net = single(a, 1.3, -0.2);
    for (double x : {-2.1, -0.4, 0.35, 1.7}) {
      std::vector<double> g(1);
      net.evaluate(std::vector<double>{x}, g);
      const double fd = (net.evaluate(std::vector<double>{x + h}) - net.evaluate(std::vector<double>{x - h})) / (2 * h);
      EXPECT_NEAR(g[0], fd, 1e-8 * std::max(1.0, std::abs(fd))) << activation_name(a) << " at x=" << x;
    }
  }
}

TEST(NnpNetwork, HandComputedTwoLayerNetwork) {
  // 2 inputs → 2 tanh nodes → 1 linear output.
  DenseLayer l1;
  l1.n_in = 2;
  l1.n_out = 2;
  l1.weights = {0.5, -1.0, 2.0, 0.25};  // row-major: node 0 = (0.5, -1), node 1 = (2, 0.25)
  l1.bias = {0.1, -0.3};
  l1.activation = Activation::tanh;
  DenseLayer l2;
  l2.n_in = 2;
  l2.n_out = 1;
  l2.weights = {1.5, -0.7};
  l2.bias = {0.05};
  const Network net({l1, l2});
  const double x0 = 0.4, x1 = -0.2;
  const double h0 = std::tanh(0.5 * x0 - 1.0 * x1 + 0.1);
  const double h1 = std::tanh(2.0 * x0 + 0.25 * x1 - 0.3);
  const double y = 1.5 * h0 - 0.7 * h1 + 0.05;
  std::vector<double> g(2);
  EXPECT_NEAR(net.evaluate(std::vector<double>{x0, x1}, g), y, 1e-15);
  EXPECT_NEAR(g[0], 1.5 * (1 - h0 * h0) * 0.5 - 0.7 * (1 - h1 * h1) * 2.0, 1e-15);
  EXPECT_NEAR(g[1], 1.5 * (1 - h0 * h0) * -1.0 - 0.7 * (1 - h1 * h1) * 0.25, 1e-15);
  EXPECT_EQ(net.num_inputs(), 2);
  EXPECT_EQ(net.num_parameters(), 9u);

  // normalize_nodes divides each weighted sum (bias included) by the fan-in (2 here).
  const Network norm({l1, l2}, true);
  const double n0 = std::tanh((0.5 * x0 - 1.0 * x1 + 0.1) / 2);
  const double n1 = std::tanh((2.0 * x0 + 0.25 * x1 - 0.3) / 2);
  EXPECT_NEAR(norm.evaluate(std::vector<double>{x0, x1}), (1.5 * n0 - 0.7 * n1 + 0.05) / 2, 1e-15);
}

TEST(NnpNetwork, DeepGradientMatchesFiniteDifferences) {
  const double h = 1e-6;
  for (bool normalize : {false, true}) {
    for (Activation a : kAll) {
      const Network net = mlp(a, Activation::tanh, Activation::linear, normalize);
      const Network net2 = mlp(Activation::twist, a, Activation::linear, normalize);
      for (const Network* n : {&net, &net2}) {
        std::vector<double> x = {0.3, -0.8, 0.55};
        std::vector<double> g(3);
        n->evaluate(x, g);
        for (int i = 0; i < 3; ++i) {
          std::vector<double> xp = x, xm = x;
          xp[i] += h;
          xm[i] -= h;
          const double fd = (n->evaluate(xp) - n->evaluate(xm)) / (2 * h);
          EXPECT_NEAR(g[i], fd, 1e-8) << activation_name(a) << " input " << i << " normalize " << normalize;
        }
      }
    }
  }
}

TEST(NnpNetwork, ActivationCodesAndLetters) {
  for (int code = 0; code <= 4; ++code) EXPECT_EQ(aenet_code(activation_from_aenet_code(code)), code);
  EXPECT_THROW(activation_from_aenet_code(5), Error);
  EXPECT_THROW(activation_from_aenet_code(-1), Error);
  for (char c : std::string("ltsprgcSeh")) EXPECT_EQ(n2p2_letter(activation_from_n2p2_letter(c)), c);
  EXPECT_THROW(activation_from_n2p2_letter('x'), Error);
  EXPECT_THROW(aenet_code(Activation::relu), Error);
  EXPECT_THROW(n2p2_letter(Activation::mtanh), Error);
}

TEST(NnpNetwork, RejectsInconsistentShapes) {
  DenseLayer a;
  a.n_in = 2;
  a.n_out = 2;
  a.weights = {1, 2, 3, 4};
  a.bias = {0, 0};
  DenseLayer b;
  b.n_in = 3;
  b.n_out = 1;
  b.weights = {1, 2, 3};
  b.bias = {0};
  EXPECT_THROW(Network({a, b}), Error);  // 2 outputs feed 3 inputs
  EXPECT_THROW(Network({a}), Error);     // output layer must have one node
  DenseLayer c = b;
  c.n_in = 2;
  c.weights = {1};
  EXPECT_THROW(Network({a, c}), Error);  // weight count
  c.weights = {1, 2};
  const Network ok({a, c});
  EXPECT_THROW(ok.evaluate(std::vector<double>{1.0}), Error);
}
