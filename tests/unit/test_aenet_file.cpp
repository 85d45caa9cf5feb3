// aenet `.nn` readers: binary record validation (truncation, wrong markers,
// trailing data, unknown activation codes) and ASCII list-directed robustness
// (groups split over lines, D exponents, logical spellings), all checked
// against the reference networks of ../shared.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <sstream>
#include <regex>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_descriptor.hpp"
#include "slhmc/nnp/aenet_file.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::nnp;

TEST(AenetFile, BinaryReaderValidatesEveryRecord) {
  SLHMC_REQUIRE_SHARED(path, "reference/aenet/chebyshev_pytorch/Ti.pytorch.nn");
  const std::string bytes = test::read_text(path);
  const AenetNetFile f = parse_aenet_nn_binary(bytes, path);
  EXPECT_EQ(f.nnodes, (std::vector<int>{56, 5, 5, 1}));
  EXPECT_EQ(f.activation_codes, (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(f.atomtype, "Ti");
  EXPECT_EQ(f.envtypes, (std::vector<std::string>{"Ti", "O"}));
  EXPECT_EQ(f.sftype, "Chebyshev");
  EXPECT_EQ(f.nsf, 56);
  EXPECT_TRUE(f.normalized);
  EXPECT_EQ(f.network().num_inputs(), 56);

  EXPECT_THROW(parse_aenet_nn_binary(bytes.substr(0, bytes.size() - 3), path), ParseError);
  EXPECT_THROW(parse_aenet_nn_binary(bytes + std::string(12, '\0'), path), ParseError);
  std::string bad_marker = bytes;
  bad_marker[48 + 4 + 16] = 9;  // trailing marker of record 5 (nnodes, 4 layers)
  EXPECT_THROW(parse_aenet_nn_binary(bad_marker, path), ParseError);
  std::string bad_code = bytes;
  const std::int32_t code = 7;
  std::memcpy(bad_code.data() + 76, &code, 4);  // first activation code (record 6)
  EXPECT_THROW(parse_aenet_nn_binary(bad_code, path), Error);
  std::string bad_nsf = bytes;
  bad_nsf[0] = 8;  // first record claims 8 bytes
  EXPECT_THROW(parse_aenet_nn_binary(bad_nsf, path), ParseError);
}

TEST(AenetFile, AsciiReaderFollowsListDirectedRules) {
  SLHMC_REQUIRE_SHARED(path, "reference/aenet/behler2011/O.behler.nn.ascii");
  const std::string text = test::read_text(path);
  const AenetNetFile ref = parse_aenet_nn_ascii(text, path);
  EXPECT_EQ(ref.sftype, "Behler2011");
  // Split every line of numbers into one value per line, use D exponents and another logical spelling.
  std::string lines;
  int line_no = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 10 || line_no == 27) {
      lines += line + "\n";
      continue;
    }
    if (line_no == 28) {
      lines += ".TRUE.\n";
      continue;
    }
    std::istringstream ls(line);
    std::string tok;
    while (ls >> tok) lines += std::regex_replace(tok, std::regex("[eE]"), "D") + "\n";
  }
  const AenetNetFile split = parse_aenet_nn_ascii(lines, "split");
  EXPECT_EQ(split.weights, ref.weights);
  EXPECT_EQ(split.sfparam, ref.sfparam);
  EXPECT_EQ(split.sfval_cov, ref.sfval_cov);
  EXPECT_EQ(split.description, ref.description);
  EXPECT_EQ(split.trainset_file, ref.trainset_file);
  EXPECT_EQ(split.normalized, true);
  EXPECT_EQ(split.e_atom, ref.e_atom);
  // Truncation and garbage are reported with the line.
  EXPECT_THROW(parse_aenet_nn_ascii(text.substr(0, text.size() / 2), path), ParseError);
  std::string garbage = text;
  garbage.replace(garbage.find('\n') + 1, 2, "xx");
  EXPECT_THROW(parse_aenet_nn_ascii(garbage, path), ParseError);
}

namespace {

// Σ_k g_k G_k and its gradient with respect to each entry vector, checked by central differences.
void check_descriptor_gradient(const AenetDescriptor& d, AenetEnvironment env) {
  std::vector<double> g(d.size());
  for (int k = 0; k < d.size(); ++k) g[k] = std::sin(1.3 * k + 0.4);
  std::vector<Vec3> h(env.r.size(), Vec3{0, 0, 0});
  d.backprop(env, g, h);
  auto project = [&](const AenetEnvironment& e) {
    std::vector<double> G(d.size());
    d.compute(e, G);
    double s = 0;
    for (int k = 0; k < d.size(); ++k) s += g[k] * G[k];
    return s;
  };
  double largest = 0;
  for (std::size_t e = 0; e < env.r.size(); ++e)
    for (int a = 0; a < 3; ++a) {
      const double step = 1e-6;
      AenetEnvironment p = env, m = env;
      p.r[e][a] += step;
      m.r[e][a] -= step;
      p.d[e] = norm(p.r[e]);
      m.d[e] = norm(m.r[e]);
      const double fd = (project(p) - project(m)) / (2 * step);
      EXPECT_NEAR(h[e][a], fd, 1e-7 * std::max(1.0, std::abs(fd))) << d.summary() << " entry " << e << " axis " << a;
      largest = std::max(largest, std::abs(fd));
    }
  EXPECT_GT(largest, 1e-3) << d.summary();  // not a vacuous check

  // The fused fast path gives the same descriptor and gradients as compute() + backprop().
  std::vector<double> G_plain(d.size()), G_fast(d.size()), g_fast(d.size());
  d.compute(env, G_plain);
  std::vector<Vec3> h_fast(env.r.size(), Vec3{0, 0, 0});
  d.evaluate(env, G_fast, g_fast,
             [&](std::span<const double>, std::span<double> out) {
               for (int k = 0; k < d.size(); ++k) out[k] = g[k];
             },
             h_fast);
  for (int k = 0; k < d.size(); ++k) EXPECT_NEAR(G_fast[k], G_plain[k], 1e-12 * std::max(1.0, std::abs(G_plain[k])));
  for (std::size_t e = 0; e < env.r.size(); ++e)
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(h_fast[e][a], h[e][a], 1e-10 * std::max(1.0, std::abs(h[e][a])));
}

AenetEnvironment random_environment(int nenv, unsigned seed) {
  AenetEnvironment env;
  double s = 0.1 + 0.01 * seed;
  for (int e = 0; e < 14; ++e) {
    Vec3 r;
    for (int a = 0; a < 3; ++a) {
      s = std::fmod(s * 9.7 + 0.31, 1.0);
      r[a] = 9.0 * (s - 0.5);
    }
    if (norm(r) < 0.8 || norm(r) > 6.4) continue;
    env.r.push_back(r);
    env.d.push_back(norm(r));
    env.type.push_back(e % nenv);
  }
  return env;
}

}  // namespace

TEST(AenetFile, SeedFilesBinaryAndAsciiAgree) {
  const std::string dir = std::string(SLHMC_SOURCE_DIR) + "/tests/fuzz/corpus/aenet_nn/";
  const AenetNetFile bin = read_aenet_nn(dir + "tiny.nn");
  const AenetNetFile asc = read_aenet_nn(dir + "tiny.nn.ascii");
  EXPECT_EQ(bin.weights, asc.weights);
  EXPECT_EQ(bin.sfparam, asc.sfparam);
  EXPECT_EQ(bin.e_atom, asc.e_atom);
  EXPECT_EQ(asc.e_atom[0], -1600.5);
  EXPECT_EQ(bin.description, asc.description);
  for (int version : {0, 1})
    for (int moments : {0, 1}) check_descriptor_gradient(*make_aenet_descriptor(bin, version, moments), random_environment(1, 3));
}

TEST(AenetFile, DescriptorGradientsMatchFiniteDifferences) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  for (const char* f : {"chebyshev_pytorch/Ti.pytorch.nn", "chebyshev_example_v1/O.15t-15t.nn", "behler2011/Ti.behler.nn",
                        "behler2011/O.behler.nn"}) {
    const AenetNetFile file = read_aenet_nn(root + "/" + f);
    for (int version : {0, 1})
      for (int moments : {0, 1})
        for (unsigned seed : {1u, 2u})
          check_descriptor_gradient(*make_aenet_descriptor(file, version, moments), random_environment(2, seed));
  }
}
