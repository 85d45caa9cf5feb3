// Tersoff provider: parser errors, finite-difference forces and virial on
// crystals, triclinic, small and random cells (Si, SiC), energy
// decomposition, list reuse, and the known Si diamond cohesive energy.
#include <gtest/gtest.h>

#include <filesystem>

#include "crystal_frames.hpp"
#include "provider_checks.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/classical/tersoff.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {
namespace {

std::unique_ptr<ForceProvider> make(const std::string& file, double skin = 1.0) {
  const Config c = Config::parse(
      "[potential]\ntype = \"tersoff\"\nfile = \"" + file + "\"\nskin = " + std::to_string(skin) + "\n", "test.toml");
  return make_provider(c.section("potential"), ProviderContext{});
}

#define REQUIRE_POTENTIAL(name) \
  if (!std::filesystem::exists(std::string("/usr/share/lammps/potentials/") + name)) \
  GTEST_SKIP() << "LAMMPS potential file not installed: " << name

TEST(Tersoff, SiliconDiamondCohesiveEnergy) {
  REQUIRE_POTENTIAL("Si.tersoff");
  auto t = make("Si.tersoff");
  // Tersoff (1988) Si(C): diamond at a = 5.432 Å, −4.63 eV/atom.
  const Frame f = test::diamond_frame(5.432, 2, 14, 14);
  EXPECT_NEAR(t->compute(f, ComputeRequest::energy_only()).energy / f.size(), -4.63, 5e-3);
  EXPECT_NEAR(t->cutoff(), 3.0 + 0.2, 1e-12);  // R + D
}

TEST(Tersoff, DerivativesMatchFiniteDifferences) {
  REQUIRE_POTENTIAL("Si.tersoff");
  auto t = make("Si.tersoff");
  const Frame crystal = test::perturbed(test::diamond_frame(5.432, 2, 14, 14), 0.2, 1);
  test::expect_consistent(*t, crystal, 1e-6, 1e-5, "perturbed diamond");
  test::expect_consistent(*t, test::strained(crystal, test::triclinic_strain()), 1e-6, 1e-5, "triclinic");
  test::expect_consistent(
      *t, test::perturbed(test::strained(test::diamond_primitive(5.432, 14, 14), test::triclinic_strain()), 0.1, 2), 1e-6,
      1e-5, "small cell with self-images");
  const Frame random =
      test::random_frame(Cell(Mat3{Vec3{9, 0, 0}, Vec3{2, 8, 0}, Vec3{-1, 1.5, 8.5}}, {true, true, true}), 40, {14}, 2.0, 7);
  test::expect_consistent(*t, random, 1e-6, 1e-5, "random");
  Frame cluster = test::perturbed(test::diamond_frame(5.432, 1, 14, 14), 0.1, 3);
  cluster.cell = Cell();
  test::expect_consistent(*t, cluster, 1e-6, 1e-5, "cluster");
}

TEST(Tersoff, TwoElementFiles) {
  for (const char* file : {"SiC.tersoff", "SiC_Erhart-Albe.tersoff", "GaN.tersoff"}) {
    if (!std::filesystem::exists(std::string("/usr/share/lammps/potentials/") + file)) continue;
    auto t = make(file);
    const bool gan = std::string(file) == "GaN.tersoff";
    // Erhart–Albe's large repulsive and attractive terms cancel: the energy
    // carries ~1e-10 eV of rounding noise, which central differences divide
    // by h (the error grows as h shrinks), so its tolerances are wider. Its
    // forces match LAMMPS to 1e-8 relative (compat test).
    const bool noisy = std::string(file) == "SiC_Erhart-Albe.tersoff";
    const double ftol = noisy ? 2e-5 : 1e-6, wtol = noisy ? 5e-4 : 1e-5;
    const Frame f = test::perturbed(
        test::strained(test::diamond_frame(gan ? 4.5 : 4.36, 2, gan ? 31 : 14, gan ? 7 : 6), test::triclinic_strain()), 0.1, 4);
    test::expect_consistent(*t, f, ftol, wtol, file);
    const Frame random = test::random_frame(Cell(Mat3{Vec3{8, 0, 0}, Vec3{1, 8, 0}, Vec3{-1, 2, 8}}, {true, true, true}), 48,
                                            gan ? std::vector<int>{31, 7} : std::vector<int>{14, 6}, 1.6, 5);
    test::expect_consistent(*t, random, ftol, wtol, std::string(file) + " random");
  }
}

TEST(Tersoff, ThreeElementFile) {
  REQUIRE_POTENTIAL("BNC.tersoff");
  auto t = make("BNC.tersoff");
  const Frame random = test::random_frame(Cell(Mat3{Vec3{7, 0, 0}, Vec3{1.5, 7, 0}, Vec3{-1, 1, 7}}, {true, true, true}), 45,
                                          {5, 7, 6}, 1.25, 8);
  test::expect_consistent(*t, random, 1e-6, 1e-5, "random B/N/C");
}

TEST(Tersoff, ReusesNeighbourListWithinSkin) {
  REQUIRE_POTENTIAL("SiC.tersoff");
  auto cached = make("SiC.tersoff", 0.5);
  auto fresh = make("SiC.tersoff", 0.0);
  test::expect_skin_reuse_exact(*cached, *fresh, test::perturbed(test::diamond_frame(4.36, 2, 14, 6), 0.05, 6));
}

TEST(Tersoff, ParserReportsLineAndField) {
  const std::string si =
      "Si Si Si 3.0 1.0 1.3258 4.8381 2.0417 0.0000 22.956\n"
      "  0.33675 1.3258 95.373 3.0 0.2 3.2394 3264.7\n";
  const TersoffParameters p = parse_tersoff_file("# c\n" + si, "x.tersoff");
  ASSERT_EQ(p.elements.size(), 1u);
  EXPECT_DOUBLE_EQ(p.entry(0, 0, 0).A, 3264.7);
  EXPECT_EQ(p.entry(0, 0, 0).line, 2u);
  try {
    parse_tersoff_file("Si Si Si 2.0 1.0 1.3258 4.8381 2.0417 0.0 22.956\n 0.33675 1.3258 95.373 3.0 0.2 3.2394 3264.7\n", "m.tersoff");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 1u);
    EXPECT_NE(std::string(e.what()).find("m must be 1 or 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_tersoff_file("Si Si Si 3.0 1.0 1.3258 4.8381 2.0417 0.0 22.956\n 0.33675 1.3258 95.373 3.0 3.2 3.2394 3264.7\n", "D.tersoff"),
               ParseError);  // D > R
  EXPECT_THROW(parse_tersoff_file("Si Si Si 3.0 1.0 1.3258 4.8381 2.0417 0.0 22.956\n 0.33675 1.3258 95.373 3.0 0.2 3.2394\n", "short"),
               ParseError);
  EXPECT_THROW(parse_tersoff_file(si + si, "dup.tersoff"), ParseError);
  EXPECT_THROW(parse_tersoff_file("Si C C 3.0 1.0 1.3258 4.8381 2.0417 0.0 22.956 0.33675 1.3258 95.373 3.0 0.2 3.2394 3264.7\n", "miss"),
               ParseError);
  EXPECT_THROW(parse_tersoff_file("Si Si Si 3.0 1.0 1.3258 4.8381 2.0417 0.0 nan 0.33675 1.3258 95.373 3.0 0.2 3.2394 3264.7\n", "nan"),
               ParseError);
}

}  // namespace
}  // namespace slhmc
