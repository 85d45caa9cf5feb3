// Lennard-Jones and Morse providers: closed-form values, shift at the cutoff,
// mixing rules, config errors, finite-difference forces and virial on
// crystals, triclinic, small and random cells, energy decomposition and
// neighbour-list reuse.
#include <gtest/gtest.h>

#include <cmath>

#include "crystal_frames.hpp"
#include "provider_checks.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {
namespace {

std::unique_ptr<ForceProvider> make(const std::string& body) {
  const Config c = Config::parse("[potential]\n" + body, "test.toml");
  return make_provider(c.section("potential"), ProviderContext{});
}

Frame dimer(int z1, int z2, double r) {
  Frame f;
  f.add_atom(z1, Vec3{0.1, 0.2, 0.3});
  f.add_atom(z2, Vec3{0.1 + r * 0.6, 0.2 + r * 0.8, 0.3});
  return f;
}

double lj(double eps, double sig, double r) { return 4 * eps * (std::pow(sig / r, 12) - std::pow(sig / r, 6)); }

const char* kArgon = "type = \"lj\"\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 8.5\n";
const char* kArKr =
    "type = \"lj\"\ncutoff = 8.0\n[potential.species.Ar]\nepsilon = 0.0104\nsigma = 3.4\n"
    "[potential.species.Kr]\nepsilon = 0.014\nsigma = 3.65\ncutoff = 9.0\n";

TEST(LennardJones, DimerIsShiftedToZeroAtCutoff) {
  auto p = make(kArgon);
  const double r = 3.9;
  const ComputeResult res = p->compute(dimer(18, 18, r), ComputeRequest::all());
  EXPECT_NEAR(res.energy, lj(0.0104, 3.4, r) - lj(0.0104, 3.4, 8.5), 1e-15);
  EXPECT_NEAR(p->compute(dimer(18, 18, 8.5 - 1e-9), ComputeRequest::energy_only()).energy, 0.0, 1e-12);
  EXPECT_EQ(p->compute(dimer(18, 18, 8.6), ComputeRequest::energy_only()).energy, 0.0);
  EXPECT_DOUBLE_EQ(p->cutoff(), 8.5);
}

TEST(LennardJones, MixingRules) {
  auto geo = make(kArKr);
  // Geometric: ε = √(ε_i ε_j), σ = √(σ_i σ_j), cutoff √(8·9).
  const double eps = std::sqrt(0.0104 * 0.014), sg = std::sqrt(3.4 * 3.65), rc = std::sqrt(72.0);
  EXPECT_NEAR(geo->compute(dimer(18, 36, 4.0), ComputeRequest::energy_only()).energy, lj(eps, sg, 4.0) - lj(eps, sg, rc), 1e-15);
  EXPECT_EQ(geo->compute(dimer(18, 36, rc + 1e-6), ComputeRequest::energy_only()).energy, 0.0);
  auto ari = make(std::string(kArKr) + "[potential.pairs.Ar-Ar]\nepsilon = 0.02\nsigma = 3.0\n");
  EXPECT_NEAR(ari->compute(dimer(18, 18, 4.0), ComputeRequest::energy_only()).energy, lj(0.02, 3.0, 4.0) - lj(0.02, 3.0, 8.0), 1e-15);
  auto arith = make(std::string(kArKr).replace(0, 11, "type = \"lj\"\nmixing = \"arithmetic\"\n"));
  const double sa = 0.5 * (3.4 + 3.65), rca = 8.5;
  EXPECT_NEAR(arith->compute(dimer(18, 36, 4.0), ComputeRequest::energy_only()).energy, lj(eps, sa, 4.0) - lj(eps, sa, rca), 1e-15);
}

TEST(LennardJones, DerivativesMatchFiniteDifferences) {
  auto p = make(kArgon);
  const Frame crystal = test::perturbed(test::fcc_frame(5.26, 3, 18, 18), 0.2, 1);
  test::expect_consistent(*p, crystal, 1e-8, 1e-7, "perturbed fcc");
  test::expect_consistent(*p, test::strained(crystal, test::triclinic_strain()), 1e-8, 1e-7, "triclinic");
  test::expect_consistent(*p, test::perturbed(test::strained(test::fcc_frame(5.26, 1, 18, 18), test::triclinic_strain()), 0.2, 2),
                          1e-8, 1e-7, "small cell with self-images");
  auto two = make(kArKr);
  const Frame random = test::random_frame(Cell(Mat3{Vec3{12, 0, 0}, Vec3{3, 11, 0}, Vec3{-2, 1.5, 12}}, {true, true, true}), 30,
                                          {18, 36}, 3.0, 3);
  test::expect_consistent(*two, random, 1e-8, 1e-7, "random Ar/Kr");
  Frame cluster = test::perturbed(test::fcc_frame(5.26, 2, 18, 36), 0.2, 4);
  cluster.cell = Cell();
  test::expect_consistent(*two, cluster, 1e-8, 1e-7, "cluster");
}

TEST(LennardJones, ReusesNeighbourListWithinSkin) {
  auto cached = make(std::string(kArgon) + "skin = 0.5\n");
  auto fresh = make(std::string(kArgon) + "skin = 0.0\n");
  test::expect_skin_reuse_exact(*cached, *fresh, test::perturbed(test::fcc_frame(5.26, 3, 18, 18), 0.05, 5));
}

TEST(LennardJones, ConfigErrors) {
  auto key_of = [](const std::string& body) -> std::string {
    try {
      make(body);
    } catch (const ConfigError& e) {
      return e.key();
    }
    return "no error";
  };
  EXPECT_EQ(key_of("type = \"lj\"\nepsilon = 0.01\nsigma = 3.4\n"), "potential.cutoff");
  EXPECT_EQ(key_of("type = \"lj\"\nepsilon = -0.01\nsigma = 3.4\ncutoff = 8\n"), "potential.epsilon");
  EXPECT_EQ(key_of("type = \"lj\"\nepsilon = 0.01\nsigma = 3.4\ncutoff = 8\nmixing = \"lorentz\"\n"), "potential.mixing");
  EXPECT_EQ(key_of(std::string(kArKr) + "[potential.pairs.Ar-Ne]\nepsilon = 0.02\nsigma = 3.0\n"), "potential.pairs.Ar-Ne");
  EXPECT_EQ(key_of(std::string(kArKr) + "[potential.pairs.ArKr]\nepsilon = 0.02\nsigma = 3.0\n"), "potential.pairs.ArKr");
  EXPECT_EQ(key_of(std::string(kArgon) + "sigmaa = 1\n"), "potential.sigmaa");
  auto ar = make(kArKr);
  EXPECT_THROW(ar->compute(dimer(18, 10, 3.0), ComputeRequest::all()), Error);
}

const char* kCu = "type = \"morse\"\nd0 = 0.3429\nalpha = 1.3588\nr0 = 2.866\ncutoff = 6.0\n";

double morse(double d0, double a, double r0, double r) {
  const double e = std::exp(-a * (r - r0));
  return d0 * (e * e - 2 * e);
}

TEST(Morse, DimerIsShiftedToZeroAtCutoff) {
  auto p = make(kCu);
  EXPECT_NEAR(p->compute(dimer(29, 29, 2.5), ComputeRequest::energy_only()).energy,
              morse(0.3429, 1.3588, 2.866, 2.5) - morse(0.3429, 1.3588, 2.866, 6.0), 1e-15);
  // The minimum sits at r0 (force zero there).
  const ComputeResult at_min = p->compute(dimer(29, 29, 2.866), ComputeRequest::all());
  EXPECT_NEAR(at_min.forces[0][0], 0.0, 1e-14);
  EXPECT_EQ(p->compute(dimer(29, 29, 6.1), ComputeRequest::energy_only()).energy, 0.0);
}

TEST(Morse, DerivativesMatchFiniteDifferences) {
  auto p = make(kCu);
  const Frame crystal = test::perturbed(test::fcc_frame(3.61, 3, 29, 29), 0.15, 1);
  test::expect_consistent(*p, crystal, 1e-7, 1e-6, "perturbed fcc");
  test::expect_consistent(*p, test::strained(crystal, test::triclinic_strain()), 1e-7, 1e-6, "triclinic");
  test::expect_consistent(*p, test::perturbed(test::strained(test::fcc_frame(3.61, 1, 29, 29), test::triclinic_strain()), 0.1, 2),
                          1e-7, 1e-6, "small cell with self-images");
  auto two = make(
      "type = \"morse\"\ncutoff = 6.0\n[potential.pairs.Cu-Cu]\nd0 = 0.3429\nalpha = 1.3588\nr0 = 2.866\n"
      "[potential.pairs.Cu-Ni]\nd0 = 0.38\nalpha = 1.38\nr0 = 2.82\ncutoff = 5.5\n"
      "[potential.pairs.Ni-Ni]\nd0 = 0.4205\nalpha = 1.4199\nr0 = 2.78\n");
  const Frame random = test::random_frame(Cell(Mat3{Vec3{9, 0, 0}, Vec3{2, 8.5, 0}, Vec3{-1, 1.5, 9}}, {true, true, true}), 30,
                                          {29, 28}, 2.2, 3);
  test::expect_consistent(*two, random, 1e-7, 1e-6, "random Cu/Ni");
}

TEST(Morse, ConfigErrors) {
  try {
    make("type = \"morse\"\ncutoff = 6.0\n[potential.pairs.Cu-Cu]\nd0 = 0.3\nalpha = 1.3\nr0 = 2.8\n"
         "[potential.pairs.Ni-Ni]\nd0 = 0.4\nalpha = 1.4\nr0 = 2.7\n");
    FAIL() << "missing Cu-Ni accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(e.key().find("Cu-Ni"), std::string::npos) << e.key();
  }
  EXPECT_THROW(make("type = \"morse\"\nd0 = 0.3\nalpha = 0\nr0 = 2.8\ncutoff = 6\n"), ConfigError);
}

}  // namespace
}  // namespace slhmc
