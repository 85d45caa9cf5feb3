// Crystal builder: atom counts, density, nearest-neighbour shells, errors.
#include <gtest/gtest.h>

#include <cmath>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/neighbor_list.hpp"

namespace slhmc {
namespace {

struct Shell {
  const char* lattice;
  int basis;
  double nn_distance_over_a;
  std::size_t coordination;
};

void PrintTo(const Shell& s, std::ostream* os) { *os << s.lattice; }

class CrystalShells : public ::testing::TestWithParam<Shell> {};

TEST_P(CrystalShells, CountsDensityAndNeighbours) {
  const Shell s = GetParam();
  const double a = 4.0;
  const Frame f = build_crystal(s.lattice, "Cu", a, {2, 3, 2});
  ASSERT_EQ(f.size(), static_cast<std::size_t>(s.basis * 12));
  EXPECT_NO_THROW(f.validate());
  EXPECT_TRUE(f.cell.fully_periodic());
  EXPECT_NEAR(f.cell.volume(), 12 * a * a * a, 1e-9);
  EXPECT_NEAR(f.size() / f.cell.volume(), s.basis / (a * a * a), 1e-12);
  for (double m : f.masses) EXPECT_DOUBLE_EQ(m, standard_mass(29));
  // Every atom has exactly `coordination` neighbours at the nearest-neighbour
  // distance and none closer.
  const double dnn = s.nn_distance_over_a * a;
  NeighborList list({dnn * 1.01, 0.0, false});
  list.build(f);
  for (std::size_t i = 0; i < f.size(); ++i) {
    std::size_t count = 0;
    for (const auto& e : list.neighbors(i)) {
      const double r = norm(f.positions[e.j] + e.shift - f.positions[i]);
      EXPECT_GT(r, dnn * 0.99) << s.lattice << " atom " << i;
      ++count;
    }
    EXPECT_EQ(count, s.coordination) << s.lattice << " atom " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Lattices, CrystalShells,
                         ::testing::Values(Shell{"sc", 1, 1.0, 6}, Shell{"bcc", 2, std::sqrt(3.0) / 2, 8},
                                           Shell{"fcc", 4, std::sqrt(0.5), 12},
                                           Shell{"diamond", 8, std::sqrt(3.0) / 4, 4}),
                         [](const ::testing::TestParamInfo<Shell>& p) { return std::string(p.param.lattice); });

TEST(LatticeBuilder, SiliconDiamondDensity) {
  const Frame f = build_crystal("diamond", "Si", 5.431, {3, 3, 3});
  EXPECT_EQ(f.size(), 216u);
  // 8 atoms per 5.431³ Å³: 0.04994 atoms/Å³, mass density 2.329 g/cm³.
  const double mass_g = 216 * standard_mass(14) * 1.66053906660e-24;
  EXPECT_NEAR(mass_g / (f.cell.volume() * 1e-24), 2.329, 0.002);
}

TEST(LatticeBuilder, RejectsBadInput) {
  try {
    build_crystal("hcp", "Si", 5.0, {1, 1, 1});
    FAIL() << "no error for an unknown lattice";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'hcp'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'diamond'"), std::string::npos);
  }
  EXPECT_THROW(build_crystal("fcc", "Xx", 5.0, {1, 1, 1}), Error);
  EXPECT_THROW(build_crystal("fcc", "Cu", -1.0, {1, 1, 1}), Error);
  EXPECT_THROW(build_crystal("fcc", "Cu", 3.6, {1, 0, 1}), Error);
}

TEST(LatticeBuilder, RattleMovesWithinAmplitude) {
  Frame f = build_crystal("fcc", "Ar", 5.26, {2, 2, 2});
  const Frame original = f;
  Rng rng(7);
  rattle(f, 0.1, rng);
  double largest = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int d = 0; d < 3; ++d) largest = std::max(largest, std::fabs(f.positions[i][d] - original.positions[i][d]));
  EXPECT_LE(largest, 0.1);
  EXPECT_GT(largest, 0.05);  // 96 uniform draws: some come close to the bound
}

}  // namespace
}  // namespace slhmc
