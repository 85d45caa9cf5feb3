// Stillinger–Weber against LAMMPS `pair_style sw` (Debian lammps, same .sw
// files): energy, forces and virial to 1e-8 relative on periodic triclinic,
// small, perturbed and two-element structures.
#include <gtest/gtest.h>

#include <filesystem>

#include "crystal_frames.hpp"
#include "provider_checks.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {
namespace {

constexpr const char* kDir = "/usr/share/lammps/potentials/";

std::unique_ptr<ForceProvider> make_sw(const std::string& file) {
  const Config c = Config::parse("[potential]\ntype = \"sw\"\nfile = \"" + file + "\"\n", "test.toml");
  return make_provider(c.section("potential"), ProviderContext{});
}

#define REQUIRE_LAMMPS(file)                                                                   \
  if (!test::lammps_available()) GTEST_SKIP() << "lmp (Debian package lammps) not installed"; \
  if (!std::filesystem::exists(std::string(kDir) + file)) GTEST_SKIP() << "missing " << kDir << file

TEST(LammpsSw, Silicon) {
  REQUIRE_LAMMPS("Si.sw");
  auto sw = make_sw("Si.sw");
  const std::string cmd = std::string("pair_style sw\npair_coeff * * ") + kDir + "Si.sw Si\n";
  const Frame crystal = test::perturbed(test::diamond_frame(5.431, 2, 14, 14), 0.2, 11);
  test::expect_matches_lammps(*sw, crystal, {"Si"}, cmd, "perturbed diamond");
  test::expect_matches_lammps(*sw, test::strained(crystal, test::triclinic_strain()), {"Si"}, cmd, "triclinic");
  test::expect_matches_lammps(
      *sw, test::perturbed(test::strained(test::diamond_primitive(5.431, 14, 14), test::triclinic_strain()), 0.1, 12),
      {"Si"}, cmd, "primitive cell (self-images)");
  const Frame random = test::random_frame(Cell(Mat3{Vec3{9, 0, 0}, Vec3{2, 8, 0}, Vec3{-1, 1.5, 8.5}}, {true, true, true}),
                                          40, {14}, 2.0, 13);
  test::expect_matches_lammps(*sw, random, {"Si"}, cmd, "random triclinic");
  Frame cluster = test::perturbed(test::diamond_frame(5.431, 1, 14, 14), 0.1, 14);
  cluster.cell = Cell();
  test::expect_matches_lammps(*sw, cluster, {"Si"}, cmd, "cluster (no pbc)");
}

TEST(LammpsSw, TwoElements) {
  REQUIRE_LAMMPS("GaN.sw");
  auto sw = make_sw("GaN.sw");
  const std::string cmd = std::string("pair_style sw\npair_coeff * * ") + kDir + "GaN.sw Ga N\n";
  const Frame zb = test::perturbed(test::strained(test::diamond_frame(4.5, 2, 31, 7), test::triclinic_strain()), 0.15, 15);
  test::expect_matches_lammps(*sw, zb, {"Ga", "N"}, cmd, "zincblende GaN, triclinic");
  const Frame random = test::random_frame(Cell(Mat3{Vec3{8, 0, 0}, Vec3{1, 8, 0}, Vec3{-1, 2, 8}}, {true, true, true}), 48,
                                          {31, 7}, 1.7, 16);
  test::expect_matches_lammps(*sw, random, {"Ga", "N"}, cmd, "random GaN");
  // Types listed in the other order in LAMMPS: same numbers.
  test::expect_matches_lammps(*sw, random, {"N", "Ga"}, std::string("pair_style sw\npair_coeff * * ") + kDir + "GaN.sw N Ga\n",
                              "random GaN, types swapped");
}

}  // namespace
}  // namespace slhmc
