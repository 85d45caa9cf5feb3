// Neighbour lists against the brute-force reference (brute_force_neighbor_list):
// every backend must give exactly the reference's entries, in the same
// canonical order, on random, pathological and real cells. One test body per
// case, instantiated for each backend (the cell list without and with a skin).
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <tuple>

#include "consistency_structures.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/core/rng.hpp"

using namespace slhmc;

namespace {

enum class ListBackend { cell_list, cell_list_with_skin };

std::string backend_name(const testing::TestParamInfo<ListBackend>& info) {
  return info.param == ListBackend::cell_list ? "CellList" : "CellListWithSkin";
}
// Readable parameters in ctest names and failure messages.
void PrintTo(ListBackend b, std::ostream* os) { *os << backend_name({b, 0}); }

using Key = std::tuple<int, int, int, int, int>;

std::vector<std::vector<Key>> entries_of(const NeighborList& list) {
  std::vector<std::vector<Key>> out(list.num_atoms());
  for (std::size_t i = 0; i < list.num_atoms(); ++i) {
    for (const auto& e : list.neighbors(i)) out[i].emplace_back(e.j, e.image[0], e.image[1], e.image[2], 0);
    std::sort(out[i].begin(), out[i].end());
  }
  return out;
}

class NeighborListConsistency : public testing::TestWithParam<ListBackend> {
 protected:
  // The backend's list of `frame` (the skin instance lists up to cutoff + 0.5 Å, as its reference).
  NeighborListOptions options(double cutoff, bool half) const {
    return {cutoff, GetParam() == ListBackend::cell_list_with_skin ? 0.5 : 0.0, half};
  }

  void expect_same_as_reference(const Frame& frame, double cutoff, bool half, const std::string& what) const {
    const NeighborListOptions opt = options(cutoff, half);
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
        EXPECT_LE(d, opt.cutoff + opt.skin + 1e-12) << what;
      }
  }
};

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

TEST_P(NeighborListConsistency, RandomTriclinicCellsFullAndHalf) {
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

TEST_P(NeighborListConsistency, TinyCellManyImages) {
  // Cell much smaller than the cutoff: many images of every atom, including itself.
  Cell cell(Mat3{Vec3{2.1, 0, 0}, Vec3{0.4, 1.9, 0}, Vec3{0.2, -0.3, 2.5}}, {true, true, true});
  Frame f = random_positions(cell, 3, 5);
  expect_same_as_reference(f, 6.0, false, "tiny full");
  expect_same_as_reference(f, 6.0, true, "tiny half");
}

TEST_P(NeighborListConsistency, OneAtomSeesOnlyItsImages) {
  Frame f;
  f.cell = Cell::orthorhombic(2.5, 2.5, 2.5);
  f.add_atom(29, {0.3, 0.2, 0.1});
  expect_same_as_reference(f, 5.1, false, "one atom");
}

TEST_P(NeighborListConsistency, VerySkewedCells) {
  // Angles of ~10° between lattice vectors.
  for (double shear : {5.0, 11.0, -17.0}) {
    Cell cell(Mat3{Vec3{3.0, 0, 0}, Vec3{shear, 1.0, 0}, Vec3{0.5 * shear, 0.7, 2.0}}, {true, true, true});
    Frame f = random_positions(cell, 10, 77);
    expect_same_as_reference(f, 4.5, false, "skewed " + std::to_string(shear));
  }
}

TEST_P(NeighborListConsistency, AtomsExactlyOnBoundaries) {
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

TEST_P(NeighborListConsistency, MixedPeriodicitySlabAndCluster) {
  Cell slab(Mat3{Vec3{5.0, 0, 0}, Vec3{1.0, 4.5, 0}, Vec3{0, 0, 20.0}}, {true, true, false});
  expect_same_as_reference(random_positions(slab, 30, 9), 4.0, false, "slab");
  Cell wire(Mat3{Vec3{3.0, 0, 0}, Vec3{0, 15, 0}, Vec3{0, 0, 15}}, {true, false, false});
  expect_same_as_reference(random_positions(wire, 20, 10), 5.0, false, "wire");
  Frame cluster = random_positions(Cell(), 40, 12);
  expect_same_as_reference(cluster, 4.0, false, "cluster");
  expect_same_as_reference(cluster, 4.0, true, "cluster half");
}

TEST_P(NeighborListConsistency, SharedRandomAndRealStructures) {
  auto structures = test::consistency::random_structures();
  const auto real = test::consistency::real_structures();
  if (real.empty()) RecordProperty("real_structures", test::consistency::missing_real_structures());
  structures.insert(structures.end(), real.begin(), real.end());
  for (const auto& [name, frame] : structures)
    for (bool half : {false, true}) expect_same_as_reference(frame, 6.5, half, name + (half ? " half" : " full"));
}

INSTANTIATE_TEST_SUITE_P(Backends, NeighborListConsistency,
                         testing::Values(ListBackend::cell_list, ListBackend::cell_list_with_skin), backend_name);

}  // namespace
