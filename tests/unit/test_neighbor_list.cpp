// The cell-list neighbour list must give exactly the entries of the brute-force
// reference on random and pathological cells.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/core/rng.hpp"

using namespace slhmc;

namespace {

using Key = std::tuple<int, int, int, int, int>;

std::vector<std::vector<Key>> entries_of(const NeighborList& list) {
  std::vector<std::vector<Key>> out(list.num_atoms());
  for (std::size_t i = 0; i < list.num_atoms(); ++i) {
    for (const auto& e : list.neighbors(i)) out[i].emplace_back(e.j, e.image[0], e.image[1], e.image[2], 0);
    std::sort(out[i].begin(), out[i].end());
  }
  return out;
}

void expect_same_as_reference(const Frame& frame, double cutoff, bool half, const std::string& what) {
  for (bool h : {half}) {
    NeighborListOptions opt{cutoff, 0.0, h};
    NeighborList fast(opt);
    fast.build(frame);
    const NeighborList ref = brute_force_neighbor_list(frame, opt);
    ASSERT_EQ(fast.num_atoms(), frame.size()) << what;
    // Same entries in the same canonical order (not only the same sets).
    for (std::size_t i = 0; i < frame.size() && fast.total_entries() == ref.total_entries(); ++i) {
      const auto a = fast.neighbors(i), b = ref.neighbors(i);
      ASSERT_EQ(a.size(), b.size()) << what;
      for (std::size_t k = 0; k < a.size(); ++k)
        ASSERT_TRUE(a[k].j == b[k].j && a[k].image == b[k].image) << what << " atom " << i << " entry " << k;
    }
    EXPECT_EQ(fast.total_entries(), ref.total_entries()) << what;
    EXPECT_EQ(entries_of(fast), entries_of(ref)) << what;
    // Distances recomputed from the caller's positions are within range.
    for (std::size_t i = 0; i < frame.size(); ++i)
      for (const auto& e : fast.neighbors(i)) {
        const double d = norm(frame.positions[e.j] + e.shift - frame.positions[i]);
        EXPECT_LE(d, cutoff + 1e-12) << what;
      }
  }
}

Frame random_positions(const Cell& cell, std::size_t n, unsigned seed, double spread = 1.0) {
  Rng rng(seed);
  Frame f;
  f.cell = cell;
  for (std::size_t i = 0; i < n; ++i) {
    // Some atoms outside the cell on purpose (unwrapped coordinates).
    const Vec3 s{rng.uniform(-0.5, 1.5) * spread, rng.uniform(-0.5, 1.5) * spread, rng.uniform(-0.5, 1.5) * spread};
    f.add_atom(14, cell.is_invertible() ? cell.to_cartesian(s) : Vec3{10 * s[0], 10 * s[1], 10 * s[2]});
  }
  return f;
}

}  // namespace

TEST(NeighborList, RandomTriclinicCellsFullAndHalf) {
  Rng rng(11);
  for (int trial = 0; trial < 12; ++trial) {
    Mat3 rows{Vec3{rng.uniform(4, 9), 0, 0}, Vec3{rng.uniform(-3, 3), rng.uniform(4, 9), 0},
              Vec3{rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(4, 9)}};
    Cell cell(rows, {true, true, true});
    Frame f = random_positions(cell, 40 + trial * 5, 100 + trial);
    expect_same_as_reference(f, 3.7, false, "full trial " + std::to_string(trial));
    expect_same_as_reference(f, 3.7, true, "half trial " + std::to_string(trial));
  }
}

TEST(NeighborList, TinyCellManyImages) {
  // Cell much smaller than the cutoff: many images of every atom, including itself.
  Cell cell(Mat3{Vec3{2.1, 0, 0}, Vec3{0.4, 1.9, 0}, Vec3{0.2, -0.3, 2.5}}, {true, true, true});
  Frame f = random_positions(cell, 3, 5);
  expect_same_as_reference(f, 6.0, false, "tiny full");
  expect_same_as_reference(f, 6.0, true, "tiny half");
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
  expect_same_as_reference(f, 5.1, false, "one atom");
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

TEST(NeighborList, VerySkewedCells) {
  // Angles of ~10° between lattice vectors.
  for (double shear : {5.0, 11.0, -17.0}) {
    Cell cell(Mat3{Vec3{3.0, 0, 0}, Vec3{shear, 1.0, 0}, Vec3{0.5 * shear, 0.7, 2.0}}, {true, true, true});
    Frame f = random_positions(cell, 10, 77);
    expect_same_as_reference(f, 4.5, false, "skewed " + std::to_string(shear));
  }
}

TEST(NeighborList, AtomsExactlyOnBoundaries) {
  Cell cell = Cell::orthorhombic(4, 4, 4);
  Frame f;
  f.cell = cell;
  for (double x : {0.0, 2.0, 4.0})
    for (double y : {0.0, 4.0})
      for (double z : {0.0, -4.0}) f.add_atom(14, {x, y, z});  // many coincide with images of others
  // Coincident images (distance 0 between different atoms) are still entries.
  expect_same_as_reference(f, 4.0, false, "boundaries");
  expect_same_as_reference(f, 4.0, true, "boundaries half");
}

TEST(NeighborList, MixedPeriodicitySlabAndCluster) {
  Cell slab(Mat3{Vec3{5.0, 0, 0}, Vec3{1.0, 4.5, 0}, Vec3{0, 0, 20.0}}, {true, true, false});
  expect_same_as_reference(random_positions(slab, 30, 9), 4.0, false, "slab");
  Cell wire(Mat3{Vec3{3.0, 0, 0}, Vec3{0, 15, 0}, Vec3{0, 0, 15}}, {true, false, false});
  expect_same_as_reference(random_positions(wire, 20, 10), 5.0, false, "wire");
  Frame cluster = random_positions(Cell(), 40, 12);
  expect_same_as_reference(cluster, 4.0, false, "cluster");
  expect_same_as_reference(cluster, 4.0, true, "cluster half");
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
