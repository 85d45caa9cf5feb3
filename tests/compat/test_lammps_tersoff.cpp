// Tersoff against LAMMPS `pair_style tersoff` (Debian lammps, same files):
// energy, forces and virial to 1e-8 relative on periodic triclinic, small,
// perturbed and two-element (SiC, GaN) structures.
#include <gtest/gtest.h>

#include <filesystem>

#include "crystal_frames.hpp"
#include "provider_checks.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {
namespace {

constexpr const char* kDir = "/usr/share/lammps/potentials/";

std::unique_ptr<ForceProvider> make_tersoff(const std::string& file) {
  const Config c = Config::parse("[potential]\ntype = \"tersoff\"\nfile = \"" + file + "\"\n", "test.toml");
  return make_provider(c.section("potential"), ProviderContext{});
}

#define REQUIRE_LAMMPS(file)                                                                   \
  if (!test::lammps_available()) GTEST_SKIP() << "lmp (Debian package lammps) not installed"; \
  if (!std::filesystem::exists(std::string(kDir) + file)) GTEST_SKIP() << "missing " << kDir << file

TEST(LammpsTersoff, Silicon) {
  REQUIRE_LAMMPS("Si.tersoff");
  auto t = make_tersoff("Si.tersoff");
  const std::string cmd = std::string("pair_style tersoff\npair_coeff * * ") + kDir + "Si.tersoff Si\n";
  const Frame crystal = test::perturbed(test::diamond_frame(5.432, 2, 14, 14), 0.2, 21);
  test::expect_matches_lammps(*t, crystal, {"Si"}, cmd, "perturbed diamond");
  test::expect_matches_lammps(*t, test::strained(crystal, test::triclinic_strain()), {"Si"}, cmd, "triclinic");
  test::expect_matches_lammps(
      *t, test::perturbed(test::strained(test::diamond_primitive(5.432, 14, 14), test::triclinic_strain()), 0.1, 22), {"Si"},
      cmd, "primitive cell (self-images)");
  const Frame random = test::random_frame(Cell(Mat3{Vec3{9, 0, 0}, Vec3{2, 8, 0}, Vec3{-1, 1.5, 8.5}}, {true, true, true}),
                                          40, {14}, 2.0, 23);
  test::expect_matches_lammps(*t, random, {"Si"}, cmd, "random triclinic");
  Frame cluster = test::perturbed(test::diamond_frame(5.432, 1, 14, 14), 0.1, 24);
  cluster.cell = Cell();
  test::expect_matches_lammps(*t, cluster, {"Si"}, cmd, "cluster (no pbc)");
}

TEST(LammpsTersoff, TwoElements) {
  for (const char* file : {"SiC.tersoff", "SiC_Erhart-Albe.tersoff", "GaN.tersoff"}) {
    if (!test::lammps_available()) GTEST_SKIP() << "lmp (Debian package lammps) not installed";
    if (!std::filesystem::exists(std::string(kDir) + file)) continue;
    const bool gan = std::string(file) == "GaN.tersoff";
    const std::vector<std::string> types = gan ? std::vector<std::string>{"Ga", "N"} : std::vector<std::string>{"Si", "C"};
    auto t = make_tersoff(file);
    const std::string cmd = std::string("pair_style tersoff\npair_coeff * * ") + kDir + file + " " + types[0] + " " + types[1] + "\n";
    const int z1 = gan ? 31 : 14, z2 = gan ? 7 : 6;
    const Frame zb = test::perturbed(test::strained(test::diamond_frame(gan ? 4.5 : 4.36, 2, z1, z2), test::triclinic_strain()), 0.15, 25);
    test::expect_matches_lammps(*t, zb, types, cmd, std::string(file) + " zincblende, triclinic");
    test::expect_matches_lammps(*t, test::perturbed(test::diamond_primitive(gan ? 4.5 : 4.36, z1, z2), 0.1, 26), types, cmd,
                                std::string(file) + " primitive cell");
    const Frame random = test::random_frame(Cell(Mat3{Vec3{8, 0, 0}, Vec3{1, 8, 0}, Vec3{-1, 2, 8}}, {true, true, true}), 48,
                                            {z1, z2}, 1.6, 27);
    test::expect_matches_lammps(*t, random, types, cmd, std::string(file) + " random");
  }
}

// Three elements (every triplet of B, N, C) and an oxide parametrisation.
TEST(LammpsTersoff, ThreeElementsAndOxide) {
  REQUIRE_LAMMPS("BNC.tersoff");
  auto bnc = make_tersoff("BNC.tersoff");
  const Frame random = test::random_frame(Cell(Mat3{Vec3{7, 0, 0}, Vec3{1.5, 7, 0}, Vec3{-1, 1, 7}}, {true, true, true}), 45,
                                          {5, 7, 6}, 1.25, 41);
  test::expect_matches_lammps(*bnc, random, {"B", "N", "C"}, std::string("pair_style tersoff\npair_coeff * * ") + kDir + "BNC.tersoff B N C\n",
                              "random B/N/C");
  if (!std::filesystem::exists(std::string(kDir) + "SiO.tersoff")) return;
  auto sio = make_tersoff("SiO.tersoff");
  const Frame sio2 = test::random_frame(Cell(Mat3{Vec3{8, 0, 0}, Vec3{1, 8, 0}, Vec3{-1, 2, 8}}, {true, true, true}), 45,
                                        {14, 8, 8}, 1.5, 42);
  test::expect_matches_lammps(*sio, sio2, {"Si", "O"}, std::string("pair_style tersoff\npair_coeff * * ") + kDir + "SiO.tersoff Si O\n",
                              "random SiO2");
}

}  // namespace
}  // namespace slhmc
