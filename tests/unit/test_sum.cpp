// Weighted-sum provider: equals the weighted sum of its terms in energy,
// forces, virial and per-atom energies; passes the finite-difference checks;
// combines extras; reports config errors with the key.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "crystal_frames.hpp"
#include "provider_checks.hpp"
#include "test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/composite/sum.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {
namespace {

const char* kLj = "type = \"lj\"\nepsilon = 0.0104\nsigma = 2.2\ncutoff = 5.0\n";
const char* kMorse = "type = \"morse\"\nd0 = 0.3\nalpha = 1.3\nr0 = 2.5\ncutoff = 5.5\n";

std::unique_ptr<ForceProvider> make(const std::string& body) {
  const Config c = Config::parse("[potential]\n" + body, "test.toml");
  return make_provider(c.section("potential"), ProviderContext{});
}

// A provider with fixed extras, to check how the sum combines them.
class Tagged final : public ForceProvider {
 public:
  Tagged(std::unique_ptr<ForceProvider> inner, std::string extras) : inner_(std::move(inner)), extras_(std::move(extras)) {}
  ComputeResult compute(const Frame& f, const ComputeRequest& r) override {
    ComputeResult out = inner_->compute(f, r);
    out.extras = extras_;
    return out;
  }
  double cutoff() const override { return inner_->cutoff(); }
  std::string description() const override { return "tagged"; }

 private:
  std::unique_ptr<ForceProvider> inner_;
  std::string extras_;
};

TEST(WeightedSum, EqualsWeightedSumOfTerms) {
  auto sum = make(std::string("type = \"sum\"\n[potential.terms.a]\nweight = 0.75\n") + kLj +
                  "[potential.terms.b]\nweight = -1.5\n" + kMorse);
  auto lj = make(kLj);
  auto mo = make(kMorse);
  const Frame f = test::perturbed(test::strained(test::fcc_frame(3.61, 2, 29, 29), test::triclinic_strain()), 0.15, 1);
  const ComputeResult s = sum->compute(f, ComputeRequest::all());
  const ComputeResult a = lj->compute(f, ComputeRequest::all());
  const ComputeResult b = mo->compute(f, ComputeRequest::all());
  EXPECT_NEAR(s.energy, 0.75 * a.energy - 1.5 * b.energy, 1e-12);
  for (std::size_t i = 0; i < f.size(); ++i) {
    EXPECT_NEAR(s.atomic_energies[i], 0.75 * a.atomic_energies[i] - 1.5 * b.atomic_energies[i], 1e-13);
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(s.forces[i][d], 0.75 * a.forces[i][d] - 1.5 * b.forces[i][d], 1e-13);
  }
  for (int x = 0; x < 3; ++x)
    for (int y = 0; y < 3; ++y) EXPECT_NEAR(s.virial[x][y], 0.75 * a.virial[x][y] - 1.5 * b.virial[x][y], 1e-12);
  EXPECT_DOUBLE_EQ(sum->cutoff(), 5.5);
  EXPECT_NE(sum->description().find("lj"), std::string::npos);
  EXPECT_TRUE(s.extras.empty());
  test::expect_consistent(*sum, f, 1e-7, 1e-6, "sum of LJ and Morse");
}

TEST(WeightedSum, ManyBodyTermsAndDefaultWeight) {
  if (!std::filesystem::exists("/usr/share/lammps/potentials/Si.sw")) GTEST_SKIP() << "Si.sw not installed";
  auto sum = make("type = \"sum\"\n[potential.terms.sw]\ntype = \"sw\"\nfile = \"Si.sw\"\n"
                  "[potential.terms.tersoff]\nweight = -0.5\ntype = \"tersoff\"\nfile = \"Si.tersoff\"\n");
  const Frame f = test::perturbed(test::diamond_frame(5.431, 2, 14, 14), 0.15, 2);
  test::expect_consistent(*sum, f, 1e-6, 1e-5, "SW − ½ Tersoff");
}

TEST(WeightedSum, CombinesExtras) {
  std::vector<WeightedTerm> terms;
  terms.push_back({"plain", 1.0, std::make_unique<Tagged>(make(kLj), "note \"quoted\"")});
  terms.push_back({"json", 2.0, std::make_unique<Tagged>(make(kMorse), "{\"sigma\":0.1}")});
  terms.push_back({"none", 1.0, make(kLj)});
  auto sum = make_weighted_sum(std::move(terms));
  const ComputeResult r = sum->compute(test::fcc_frame(3.61, 1, 29, 29), ComputeRequest::energy_only());
  EXPECT_EQ(r.extras, "{\"terms\":[{\"name\":\"plain\",\"extras\":\"note \\\"quoted\\\"\"},{\"name\":\"json\",\"extras\":{\"sigma\":0.1}}]}");
}

TEST(WeightedSum, ConfigErrors) {
  auto key_of = [](const std::string& body) -> std::string {
    try {
      make(body);
    } catch (const ConfigError& e) {
      return e.key();
    }
    return "no error";
  };
  EXPECT_EQ(key_of("type = \"sum\"\n"), "potential.terms");
  EXPECT_EQ(key_of(std::string("type = \"sum\"\n[potential.terms.a]\nweight = 1.0\n")), "potential.terms.a.type");
  EXPECT_EQ(key_of(std::string("type = \"sum\"\n[potential.terms.a]\nweight = \"x\"\n") + kLj), "potential.terms.a.weight");
  EXPECT_EQ(key_of(std::string("type = \"sum\"\n[potential.terms.a]\nwieght = 1.0\n") + kLj), "potential.terms.a.wieght");
  EXPECT_EQ(key_of(std::string("type = \"sum\"\n[[potential.terms]]\nweight = 1.0\n") + kLj), "potential.terms");
  EXPECT_THROW(make_weighted_sum({}), Error);
}

}  // namespace
// "delayed": the inner provider's numbers, after the configured wait.
TEST(Delayed, GivesTheInnerNumbersAfterTheWait) {
  const Config c = Config::parse(
      "[p]\ntype = \"delayed\"\ndelay_ms = 30\n[p.inner]\ntype = \"lj\"\nepsilon = 0.01\nsigma = 3.4\ncutoff = 8.0\n",
      "t.toml");
  const Config plain = Config::parse("[p]\ntype = \"lj\"\nepsilon = 0.01\nsigma = 3.4\ncutoff = 8.0\n", "t.toml");
  auto delayed = make_provider(c.section("p"), ProviderContext{});
  auto lj = make_provider(plain.section("p"), ProviderContext{});
  Frame f;
  f.add_atom(18, {0, 0, 0});
  f.add_atom(18, {3.7, 0.2, 0.1});
  const auto t0 = std::chrono::steady_clock::now();
  const ComputeResult a = delayed->compute(f, {true, false, false});
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const ComputeResult b = lj->compute(f, {true, false, false});
  EXPECT_EQ(a.energy, b.energy);
  EXPECT_EQ(a.forces, b.forces);
  EXPECT_GE(ms, 30.0);
  EXPECT_EQ(delayed->cutoff(), lj->cutoff());
  const Config bad = Config::parse("[p]\ntype = \"delayed\"\ndelay_ms = -1\n[p.inner]\ntype = \"lj\"\n", "t.toml");
  EXPECT_THROW(make_provider(bad.section("p"), ProviderContext{}), ConfigError);
}

}  // namespace slhmc

namespace slhmc {
// The gate of "delayed": the first `wait_after_calls` calls pass, later ones wait for the file
// (and fail naming it once wait_timeout_s has passed), and pass once it exists.
TEST(Delayed, HoldsCallsAfterTheFirstOnesUntilTheFileExists) {
  test::TempDir tmp;
  const std::string toml = "[p]\ntype = \"delayed\"\nwait_for_file = \"go\"\nwait_after_calls = 2\n"
                           "wait_timeout_s = 0.05\n[p.inner]\ntype = \"lj\"\nepsilon = 0.01\nsigma = 3.4\ncutoff = 8.0\n";
  auto gated = make_provider(Config::parse(toml, "t.toml").section("p"), ProviderContext{tmp.path().string(), nullptr});
  EXPECT_NE(gated->description().find("after 2 calls"), std::string::npos) << gated->description();
  Frame f;
  f.add_atom(18, {0, 0, 0});
  f.add_atom(18, {3.7, 0.2, 0.1});
  EXPECT_NO_THROW(gated->compute(f, {true, false, false}));
  EXPECT_NO_THROW(gated->compute(f, {true, false, false}));
  try {
    gated->compute(f, {true, false, false});
    ADD_FAILURE() << "the third call passed without the file";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("go' did not appear"), std::string::npos) << e.what();
  }
  test::write_text(tmp.file("go"), "");
  EXPECT_NO_THROW(gated->compute(f, {true, false, false}));
  const std::string stray = "[p]\ntype = \"delayed\"\nwait_after_calls = 2\n[p.inner]\ntype = \"lj\"\n";
  EXPECT_THROW(make_provider(Config::parse(stray, "t.toml").section("p"), ProviderContext{}), ConfigError);
}
}  // namespace slhmc
