// The model being trained: one atomic network per species on aenet
// descriptors, with every trainable weight in one flat parameter vector, and
// the fixed parts (descriptor setup, input normalisation, energy scale and
// shift, atomic reference energies) beside it. It converts to and from the
// aenet network files that the native model format holds, so a trained model
// is evaluated by the same code as any imported aenet model.
//
// Energy of a structure (nnp-formats §A7–§A9):
//   x_a = scale ⊙ (G_a − shift),   y_a = NN_species(a)(x_a),
//   E   = Σ_a (e_scale_s · y_a + e_shift_s + e_atom_s),  s = species(a), e_scale_s = 1/ts.scale
// (the same e_scale and e_shift for every species when trained from scratch).
//
// Parameter layout: species in order; per species the aenet flattening of
// §A8 (per layer a column-major (n_out × (n_in+1)) matrix whose last column is
// the bias), so a species' block *is* its `.nn` weight array.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/nnp/aenet_descriptor.hpp"
#include "slhmc/nnp/aenet_file.hpp"
#include "slhmc/nnp/network.hpp"

namespace slhmc::train {

struct ChebyshevSetup {
  double radial_cutoff = 6.5;  // Å
  int radial_order = 20;
  double angular_cutoff = 5.0;  // Å
  int angular_order = 6;
};

// What to build when training from scratch.
struct ModelSpec {
  std::vector<int> species;  // atomic numbers; empty: those of the training data, sorted
  ChebyshevSetup chebyshev;
  std::vector<int> hidden{5, 5};
  nnp::Activation activation = nnp::Activation::tanh;
  // Isolated-atom reference energies (eV) by atomic number; species without one get theirs
  // by a least-squares fit of the training energies against the species counts.
  std::map<int, double> atomic_energies;
};

// Activations the trainer can differentiate twice and write to aenet files.
bool trainable_activation(nnp::Activation a);

struct SpeciesNetwork {
  int z = 0;
  std::string symbol;
  std::unique_ptr<nnp::AenetDescriptor> descriptor;
  std::vector<int> nodes;                 // input … output (1)
  std::vector<nnp::Activation> activations;  // one per layer after the input
  std::size_t offset = 0;                 // first parameter in the flat vector
  std::size_t size = 0;                   // number of parameters
  std::vector<double> shift, scale;       // input normalisation (descriptor size each)
  double e_atom = 0.0;                    // eV
  double e_scale = 1.0;                   // eV per network output unit
  double e_shift = 0.0;                   // eV
  nnp::AenetNetFile file;                 // setup and statistics; weights are refreshed from params

  int num_inputs() const { return nodes.front(); }
};

class TrainableModel {
 public:
  // From a spec: Glorot-uniform weights from `seed`, zero biases; normalisation and energy
  // scaling still to be set (set_normalisation, set_energy_scaling) before training.
  static TrainableModel from_spec(const ModelSpec& spec, std::uint64_t seed);
  // From existing networks (a warm start): weights, normalisation and energy scaling are kept.
  // Throws if a network uses an activation that cannot be trained.
  static TrainableModel from_networks(std::vector<nnp::AenetNetFile> files);

  TrainableModel() = default;
  TrainableModel(TrainableModel&&) = default;
  TrainableModel& operator=(TrainableModel&&) = default;
  TrainableModel clone() const;

  std::size_t num_species() const { return species_.size(); }
  const SpeciesNetwork& species(std::size_t s) const { return species_[s]; }
  // Index into species() of an atomic number, −1 if the model does not know it.
  int species_index(int z) const;
  std::vector<int> atomic_numbers() const;
  double cutoff() const;  // Å, the largest descriptor cutoff

  std::vector<double>& parameters() { return params_; }
  const std::vector<double>& parameters() const { return params_; }

  // Input normalisation of species s from descriptor statistics: the mean and the mean of the
  // squares of every input over `count` atoms (aenet's sfval_avg / sfval_cov), min and max.
  void set_normalisation(std::size_t s, const std::vector<double>& mean, const std::vector<double>& mean_square,
                         const std::vector<double>& min, const std::vector<double>& max, long long count);
  void set_energy_scaling(double e_scale, double e_shift);  // every species
  void set_atomic_energy(std::size_t s, double e_atom);
  // Training-set bookkeeping written into the network files (informational in aenet).
  void set_training_info(const std::string& name, long long num_atoms, long long num_structures, double e_min,
                         double e_max, double e_mean);

  // aenet network files with the current parameters (ready for write_native_model).
  std::vector<nnp::AenetNetFile> networks() const;

 private:
  std::vector<SpeciesNetwork> species_;
  std::vector<double> params_;
};

}  // namespace slhmc::train
