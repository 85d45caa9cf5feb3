// Neighbour lists: for every atom i the entries (j, image) with
// |R_ij| ≤ cutoff + skin, where R_ij = r_j + shift − r_i and shift = image·A
// (A = cell rows). Entries include periodic images of other atoms and of i
// itself (j = i, image ≠ 0); (i, 0) is never an entry. Works for triclinic
// cells of any shape, cells smaller than the cutoff, and mixed periodicity.
//
// Entries of each atom are sorted by (j, image), whatever the construction and whenever the
// list was built, so that sums over them — and hence forces — are reproducible to the bit.
//
// The shift refers to the positions the caller passed (they need not be
// wrapped), so R_ij can be recomputed from current positions between rebuilds
// — the Verlet-skin scheme: rebuild only when an atom moved more than skin/2
// or the cell or the atoms changed.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "slhmc/core/frame.hpp"

namespace slhmc {

struct NeighborEntry {
  int j;                    // neighbour atom index
  std::array<int, 3> image; // lattice translation in units of the cell vectors
  Vec3 shift;               // image·A in Å: R_ij = r_j + shift − r_i
};

struct NeighborListOptions {
  double cutoff = 0.0;  // Å; interactions reach up to here
  double skin = 0.0;    // Å; extra shell so that the list stays valid while atoms move
  bool half = false;    // each pair once: kept as (i, j) with i < j, or i == j with image > 0
};

class NeighborList {
 public:
  explicit NeighborList(NeighborListOptions options);

  // Cell-list construction, O(N) in the number of atoms.
  void build(const Frame& frame);
  // Rebuilds if needs_rebuild(frame); returns whether it did.
  bool update(const Frame& frame);
  // True if never built, the atoms or the cell changed, or some atom moved more than skin/2.
  bool needs_rebuild(const Frame& frame) const;

  std::size_t num_atoms() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  std::span<const NeighborEntry> neighbors(std::size_t i) const {
    return {entries_.data() + offsets_[i], entries_.data() + offsets_[i + 1]};
  }
  std::size_t total_entries() const { return entries_.size(); }
  const NeighborListOptions& options() const { return options_; }
  double list_radius() const { return options_.cutoff + options_.skin; }
  std::size_t build_count() const { return build_count_; }

  // Replaces the contents (used by the brute-force reference builder).
  void assign(std::vector<std::size_t> offsets, std::vector<NeighborEntry> entries, const Frame& frame);

 private:
  NeighborListOptions options_;
  std::vector<std::size_t> offsets_;
  std::vector<NeighborEntry> entries_;
  std::vector<Vec3> built_positions_;
  std::vector<int> built_numbers_;
  Cell built_cell_;
  bool built_ = false;
  std::size_t build_count_ = 0;
};

// The plain O(N²·images) reference: checks every pair and every image that can
// be within range. Tests compare the cell-list construction against it.
NeighborList brute_force_neighbor_list(const Frame& frame, NeighborListOptions options);

}  // namespace slhmc
