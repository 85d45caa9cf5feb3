// The neighbour list's own behaviour: self-images, skin and rebuilds, bad
// options. Its comparison with the brute-force reference on random and
// pathological cells lives in tests/consistency/test_neighbor_list_consistency.cpp.
#include <gtest/gtest.h>

#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/core/rng.hpp"

using namespace slhmc;

namespace {

Frame random_positions(const Cell& cell, std::size_t n, unsigned seed) {
  Rng rng(seed);
  Frame f;
  f.cell = cell;
  for (std::size_t i = 0; i < n; ++i) {
    const Vec3 s{rng.uniform(-0.5, 1.5), rng.uniform(-0.5, 1.5), rng.uniform(-0.5, 1.5)};
    f.add_atom(14, cell.to_cartesian(s));
  }
  return f;
}

}  // namespace

TEST(NeighborList, TinyCellSeesItsOwnImages) {
  // Cell much smaller than the cutoff: many images of every atom, including itself.
  Cell cell(Mat3{Vec3{2.1, 0, 0}, Vec3{0.4, 1.9, 0}, Vec3{0.2, -0.3, 2.5}}, {true, true, true});
  Frame f = random_positions(cell, 3, 5);
  NeighborList list({6.0, 0.0, false});
  list.build(f);
  bool has_self_image = false;
  for (const auto& e : list.neighbors(0)) has_self_image |= e.j == 0;
  EXPECT_TRUE(has_self_image);
}

TEST(NeighborList, OneAtomSeesOnlyItsImages) {
  Frame f;
  f.cell = Cell::orthorhombic(2.5, 2.5, 2.5);
  f.add_atom(29, {0.3, 0.2, 0.1});
  NeighborList list({2.6, 0.0, false});
  list.build(f);
  EXPECT_EQ(list.neighbors(0).size(), 6u);  // the six face neighbours at 2.5 Å
}

TEST(NeighborList, NoAtoms) {
  Frame f;
  f.cell = Cell::orthorhombic(5, 5, 5);
  NeighborList list({3.0, 0.5, false});
  list.build(f);
  EXPECT_EQ(list.num_atoms(), 0u);
  EXPECT_EQ(list.total_entries(), 0u);
}

TEST(NeighborList, SkinAvoidsRebuildUntilHalfSkinMoved) {
  Cell cell = Cell::orthorhombic(10, 10, 10);
  Frame f = random_positions(cell, 50, 3);
  NeighborList list({3.0, 1.0, false});
  EXPECT_TRUE(list.update(f));
  f.positions[0][0] += 0.4;
  EXPECT_FALSE(list.update(f));
  f.positions[0][0] += 0.2;  // moved 0.6 > skin/2
  EXPECT_TRUE(list.update(f));
  f.cell = Cell::orthorhombic(10.1, 10, 10);
  EXPECT_TRUE(list.needs_rebuild(f));
  EXPECT_EQ(list.build_count(), 2u);
}

TEST(NeighborList, RejectsBadOptions) {
  EXPECT_THROW(NeighborList({0.0, 0.0, false}), Error);
  EXPECT_THROW(NeighborList({1.0, -1.0, false}), Error);
}
