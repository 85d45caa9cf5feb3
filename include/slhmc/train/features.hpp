// Descriptors of the training frames, computed once per training run: the
// normalised inputs x_a of every atom and, for frames whose forces (virial)
// enter the loss, their derivatives with respect to the atom positions (the
// cell strain). Storing the derivatives instead of recomputing them every
// epoch is the measured choice (docs/training.md): the descriptor derivatives
// cost far more than reading them back.
//
// Jacobian storage, per centre atom a: blocks (j, ∂x_a/∂r_j) for every atom j
// that a's descriptor depends on (periodic images merged into their atom, a
// itself included), each block D_a × 3 values in [k][c] order. Strain
// derivative, per atom: D_a × 9 values K[k][α][β] = Σ_e ∂x_ak/∂R_eα · R_eβ, so
// that the virial is W = −Σ_a e_scale Σ_k (∂y_a/∂x_ak) K_a[k].
#pragma once

#include <cstddef>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/train/trainable_model.hpp"

namespace slhmc::train {

struct FrameFeatures {
  std::size_t num_atoms = 0;
  std::vector<int> species;           // per atom: index into the model's species
  std::vector<std::size_t> x_offset;  // per atom + 1: start of x_a in `x`
  std::vector<double> x;              // normalised descriptors, concatenated

  bool has_jacobian = false;
  std::vector<std::size_t> block_begin;  // per atom + 1: the atom's blocks
  std::vector<int> block_atom;           // per block: the atom j
  std::vector<std::size_t> block_data;   // per block: offset of its D_a × 3 values in `jacobian`
  std::vector<double> jacobian;

  bool has_strain = false;
  std::vector<double> strain;  // per atom D_a × 9 values at 9·x_offset[a]

  std::size_t bytes() const;
};

// Raw descriptor statistics of one species over many atoms (for set_normalisation).
struct DescriptorStatistics {
  std::vector<double> sum, sum_squares, min, max;
  long long count = 0;
};

// The raw (unnormalised) descriptors of every atom of `frame`, per species. Throws Error for
// coincident atoms and for species the model does not know.
void accumulate_descriptor_statistics(const TrainableModel& model, const Frame& frame,
                                      std::vector<DescriptorStatistics>& per_species);

// Features of one frame with the model's current normalisation.
FrameFeatures compute_features(const TrainableModel& model, const Frame& frame, bool with_jacobian,
                               bool with_strain);

}  // namespace slhmc::train
