// Lennard-Jones and Morse against LAMMPS `pair_style lj/cut` and `morse` with
// `pair_modify shift yes`: energy, forces and virial to 1e-8 relative on
// periodic triclinic, small, perturbed and two-species structures, for both
// LJ mixing rules.
#include <gtest/gtest.h>

#include "crystal_frames.hpp"
#include "provider_checks.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {
namespace {

std::unique_ptr<ForceProvider> make(const std::string& body) {
  const Config c = Config::parse("[potential]\n" + body, "test.toml");
  return make_provider(c.section("potential"), ProviderContext{});
}

#define REQUIRE_LAMMPS() \
  if (!test::lammps_available()) GTEST_SKIP() << "lmp (Debian package lammps) not installed"

TEST(LammpsLj, SingleSpecies) {
  REQUIRE_LAMMPS();
  auto p = make("type = \"lj\"\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 8.5\n");
  const std::string cmd = "pair_style lj/cut 8.5\npair_coeff * * 0.0104 3.4\npair_modify shift yes\n";
  const Frame crystal = test::perturbed(test::fcc_frame(5.26, 3, 18, 18), 0.25, 31);
  test::expect_matches_lammps(*p, crystal, {"Ar"}, cmd, "perturbed fcc");
  test::expect_matches_lammps(*p, test::strained(crystal, test::triclinic_strain()), {"Ar"}, cmd, "triclinic");
  test::expect_matches_lammps(
      *p, test::perturbed(test::strained(test::fcc_frame(5.26, 1, 18, 18), test::triclinic_strain()), 0.2, 32), {"Ar"}, cmd,
      "4-atom cell (self-images)");
}

TEST(LammpsLj, TwoSpeciesBothMixingRules) {
  REQUIRE_LAMMPS();
  const std::string species =
      "[potential.species.Ar]\nepsilon = 0.0104\nsigma = 3.4\n"
      "[potential.species.Kr]\nepsilon = 0.014\nsigma = 3.65\ncutoff = 9.0\n";
  const Frame random = test::random_frame(Cell(Mat3{Vec3{12, 0, 0}, Vec3{3, 11, 0}, Vec3{-2, 1.5, 12}}, {true, true, true}),
                                          30, {18, 36}, 3.0, 33);
  const Frame crystal = test::perturbed(test::strained(test::fcc_frame(5.4, 3, 18, 36), test::triclinic_strain()), 0.2, 34);
  for (const std::string mixing : {"geometric", "arithmetic"}) {
    auto p = make("type = \"lj\"\ncutoff = 8.0\nmixing = \"" + mixing + "\"\n" + species);
    const std::string cmd = "pair_style lj/cut 8.0\npair_coeff 1 1 0.0104 3.4\npair_coeff 2 2 0.014 3.65 9.0\n"
                            "pair_modify shift yes mix " + mixing + "\n";
    test::expect_matches_lammps(*p, random, {"Ar", "Kr"}, cmd, "random Ar/Kr, " + mixing);
    test::expect_matches_lammps(*p, crystal, {"Ar", "Kr"}, cmd, "triclinic Ar/Kr crystal, " + mixing);
  }
  // An explicit cross pair overrides the mixing rule.
  auto p = make("type = \"lj\"\ncutoff = 8.0\n" + species + "[potential.pairs.Ar-Kr]\nepsilon = 0.02\nsigma = 3.1\ncutoff = 7.0\n");
  const std::string cmd = "pair_style lj/cut 8.0\npair_coeff 1 1 0.0104 3.4\npair_coeff 2 2 0.014 3.65 9.0\n"
                          "pair_coeff 1 2 0.02 3.1 7.0\npair_modify shift yes\n";
  test::expect_matches_lammps(*p, random, {"Ar", "Kr"}, cmd, "explicit Ar-Kr pair");
}

TEST(LammpsMorse, OneAndTwoSpecies) {
  REQUIRE_LAMMPS();
  auto cu = make("type = \"morse\"\nd0 = 0.3429\nalpha = 1.3588\nr0 = 2.866\ncutoff = 6.0\n");
  const std::string cmd = "pair_style morse 6.0\npair_coeff * * 0.3429 1.3588 2.866\npair_modify shift yes\n";
  const Frame crystal = test::perturbed(test::fcc_frame(3.61, 3, 29, 29), 0.2, 35);
  test::expect_matches_lammps(*cu, crystal, {"Cu"}, cmd, "perturbed fcc");
  test::expect_matches_lammps(*cu, test::strained(crystal, test::triclinic_strain()), {"Cu"}, cmd, "triclinic");
  test::expect_matches_lammps(
      *cu, test::perturbed(test::strained(test::fcc_frame(3.61, 1, 29, 29), test::triclinic_strain()), 0.1, 36), {"Cu"}, cmd,
      "4-atom cell (self-images)");
  auto two = make(
      "type = \"morse\"\ncutoff = 6.0\n[potential.pairs.Cu-Cu]\nd0 = 0.3429\nalpha = 1.3588\nr0 = 2.866\n"
      "[potential.pairs.Cu-Ni]\nd0 = 0.38\nalpha = 1.38\nr0 = 2.82\ncutoff = 5.5\n"
      "[potential.pairs.Ni-Ni]\nd0 = 0.4205\nalpha = 1.4199\nr0 = 2.78\n");
  const std::string cmd2 = "pair_style morse 6.0\npair_coeff 1 1 0.3429 1.3588 2.866\npair_coeff 1 2 0.38 1.38 2.82 5.5\n"
                           "pair_coeff 2 2 0.4205 1.4199 2.78\npair_modify shift yes\n";
  const Frame random = test::random_frame(Cell(Mat3{Vec3{9, 0, 0}, Vec3{2, 8.5, 0}, Vec3{-1, 1.5, 9}}, {true, true, true}), 30,
                                          {29, 28}, 2.2, 37);
  test::expect_matches_lammps(*two, random, {"Cu", "Ni"}, cmd2, "random Cu/Ni");
  test::expect_matches_lammps(*two, test::perturbed(test::strained(test::fcc_frame(3.58, 3, 29, 28), test::triclinic_strain()), 0.15, 38),
                              {"Cu", "Ni"}, cmd2, "triclinic Cu/Ni crystal");
}

}  // namespace
}  // namespace slhmc
