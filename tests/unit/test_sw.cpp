// Stillinger–Weber provider: parser errors, finite-difference forces and
// virial on crystals, triclinic, small and random cells, energy decomposition,
// list reuse, and a known value (diamond Si cohesive energy of the SW paper).
#include <gtest/gtest.h>

#include <filesystem>

#include "crystal_frames.hpp"
#include "provider_checks.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/classical/stillinger_weber.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {
namespace {

std::unique_ptr<ForceProvider> make(const std::string& file, double skin = 1.0) {
  const Config c = Config::parse("[potential]\ntype = \"sw\"\nfile = \"" + file + "\"\nskin = " + std::to_string(skin) + "\n",
                                 "test.toml");
  return make_provider(c.section("potential"), ProviderContext{});
}

#define REQUIRE_POTENTIAL(name) \
  if (!std::filesystem::exists(std::string("/usr/share/lammps/potentials/") + name)) \
  GTEST_SKIP() << "LAMMPS potential file not installed: " << name

TEST(StillingerWeber, SiliconDiamondCohesiveEnergy) {
  REQUIRE_POTENTIAL("Si.sw");
  auto sw = make("Si.sw");
  // Stillinger & Weber (1985): diamond Si at a = 5.431 Å has −4.3366 eV/atom.
  const Frame f = test::diamond_frame(5.431, 2, 14, 14);
  const double e = sw->compute(f, ComputeRequest::energy_only()).energy / f.size();
  EXPECT_NEAR(e, -4.3366, 2e-3);
  EXPECT_NEAR(sw->cutoff(), 2.0951 * 1.8, 1e-12);
}

TEST(StillingerWeber, DerivativesMatchFiniteDifferences) {
  REQUIRE_POTENTIAL("Si.sw");
  auto sw = make("Si.sw");
  const Frame crystal = test::perturbed(test::diamond_frame(5.431, 2, 14, 14), 0.15, 1);
  test::expect_consistent(*sw, crystal, 1e-6, 1e-5, "perturbed diamond");
  test::expect_consistent(*sw, test::strained(crystal, test::triclinic_strain()), 1e-6, 1e-5, "triclinic");
  // Primitive cell: 3.84 Å vectors, shorter than 2× the 3.77 Å cutoff.
  test::expect_consistent(*sw, test::perturbed(test::strained(test::diamond_primitive(5.431, 14, 14), test::triclinic_strain()), 0.1, 2),
                          1e-6, 1e-5, "small cell with self-images");
  const Frame random = test::random_frame(Cell(Mat3{Vec3{9, 0, 0}, Vec3{2, 8, 0}, Vec3{-1, 1.5, 8.5}}, {true, true, true}), 40,
                                          {14}, 2.0, 7);
  test::expect_consistent(*sw, random, 1e-6, 1e-5, "random");
  Frame cluster = test::perturbed(test::diamond_frame(5.431, 1, 14, 14), 0.1, 3);
  cluster.cell = Cell();
  test::expect_consistent(*sw, cluster, 1e-6, 1e-5, "cluster");
}

TEST(StillingerWeber, TwoElementFile) {
  REQUIRE_POTENTIAL("GaN.sw");
  auto sw = make("GaN.sw");
  const Frame f = test::perturbed(test::strained(test::diamond_frame(4.5, 2, 31, 7), test::triclinic_strain()), 0.1, 4);
  test::expect_consistent(*sw, f, 1e-6, 1e-5, "zincblende GaN");
}

TEST(StillingerWeber, ReusesNeighbourListWithinSkin) {
  REQUIRE_POTENTIAL("Si.sw");
  auto cached = make("Si.sw", 0.5);
  auto fresh = make("Si.sw", 0.0);
  test::expect_skin_reuse_exact(*cached, *fresh, test::perturbed(test::diamond_frame(5.431, 2, 14, 14), 0.05, 5));
}

TEST(StillingerWeber, RejectsUnknownElementInFrame) {
  REQUIRE_POTENTIAL("Si.sw");
  auto sw = make("Si.sw");
  Frame f = test::diamond_frame(5.431, 1, 14, 6);
  EXPECT_THROW(sw->compute(f, ComputeRequest::all()), Error);
}

TEST(StillingerWeber, ParserReportsLineAndField) {
  const std::string good = "# comment\nSi Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.333333333333\n  7.049556277 0.6022245584 4.0 0.0 0.0\n";
  const SwParameters p = parse_sw_file(good, "x.sw");
  ASSERT_EQ(p.elements.size(), 1u);
  EXPECT_DOUBLE_EQ(p.entry(0, 0, 0).A, 7.049556277);
  try {
    parse_sw_file("Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33\n 7.04 0.60 four 0.0 0.0\n", "bad.sw");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 2u);
    EXPECT_NE(std::string(e.what()).find("p"), std::string::npos);
  }
  EXPECT_THROW(parse_sw_file("Si Si Si 1 2 3\n", "short.sw"), ParseError);
  EXPECT_THROW(parse_sw_file("Si Si Si -2.1683 2.0951 1.80 21.0 1.20 -0.33 7.04 0.60 4 0 0\n", "neg.sw"), ParseError);
  EXPECT_THROW(parse_sw_file("Xx Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.04 0.60 4 0 0\n", "el.sw"), ParseError);
  EXPECT_THROW(parse_sw_file(good + good, "dup.sw"), ParseError);
  // Two elements but only one triplet.
  EXPECT_THROW(parse_sw_file("Si C C 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.04 0.60 4 0 0\n", "miss.sw"), ParseError);
  EXPECT_THROW(parse_sw_file("", "empty.sw"), ParseError);
}

TEST(StillingerWeber, ConfigErrorsNameTheKey) {
  const Config c = Config::parse("[potential]\ntype = \"sw\"\nfile = \"no-such-file.sw\"\n", "t.toml");
  try {
    make_provider(c.section("potential"), ProviderContext{});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "potential.file");
  }
  const Config typo = Config::parse("[potential]\ntype = \"sw\"\nfile = \"Si.sw\"\nskn = 1.0\n", "t.toml");
  if (std::filesystem::exists("/usr/share/lammps/potentials/Si.sw")) {
    EXPECT_THROW(make_provider(typo.section("potential"), ProviderContext{}), ConfigError);
  }
}

}  // namespace
}  // namespace slhmc
