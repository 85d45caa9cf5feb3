// An aenet model: one `.nn` file per species (Chebyshev or Behler2011
// descriptors), evaluated as nnp-formats Part A describes with the forces and
// virial of Part C. Species are matched by name; every atom uses its own
// species' setup (ENV order, weights); free-atom energies come from the central
// species' own training-set list.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/nnp/aenet_descriptor.hpp"
#include "slhmc/nnp/aenet_file.hpp"
#include "slhmc/nnp/model.hpp"
#include "slhmc/nnp/network.hpp"

namespace slhmc::nnp {

struct AenetModelOptions {
  int chebyshev_version = 0;        // 0: aenet ≥ 2.0.4, 1: aenet ≤ 2.0.3 (§A5)
  double length_unit_angstrom = 1.0;  // Å per model length unit
  double energy_unit_ev = 1.0;        // eV per model energy unit
  // Use the plain descriptor path (compute, then backprop) instead of the fused fast one.
  bool reference_evaluator = false;
  // Chebyshev angular sums in the fast path: −1 by estimated cost, 0 pair loop, 1 Cartesian moments.
  int angular_moments = -1;
};

class AenetModel final : public Model {
 public:
  // One parsed file per species (each species once).
  AenetModel(std::vector<AenetNetFile> files, AenetModelOptions options);
  // Reads the `.nn` files (binary or ASCII, by content).
  static std::unique_ptr<AenetModel> from_files(const std::vector<std::string>& paths, AenetModelOptions options);

  double cutoff() const override;
  std::vector<int> species() const override;
  ComputeResult compute(const Frame& frame, const NeighborList& neighbors,
                        const ComputeRequest& request) const override;
  std::string description() const override;
  std::map<std::string, std::string> metadata() const override;

  // Raw descriptors (canonical order, model units) of every atom: N × nsf(species).
  std::vector<std::vector<double>> descriptors(const Frame& frame, const NeighborList& neighbors) const;
  const AenetModelOptions& options() const { return options_; }
  // Load-time warnings (degenerate features, setups aenet evaluates defectively); also in metadata()
  // as "warning.N". The library does not print them; callers may.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Species {
    int z = 0;
    std::string symbol;
    std::string source;
    std::unique_ptr<AenetDescriptor> descriptor;
    Network network;
    std::vector<double> shift, scale;  // input normalisation (§A7), canonical order
    double e_scale = 1.0;              // 1/ts.scale
    double e_shift = 0.0;              // ts.shift
    double e_atom = 0.0;               // free-atom energy of this species
    std::vector<int> local_type;       // atomic number → 0-based ENV index, −1 if absent
    std::vector<std::string> env;
  };
  const Species& species_of(int z, std::size_t atom) const;
  // Fills env with the entries of atom i within the cutoff (model units) and list_positions with
  // their positions in neighbors.neighbors(i); throws on
  // coincident atoms and on neighbours whose species is not in the centre's ENV.
  void gather(const Frame& frame, const NeighborList& neighbors, std::size_t i, const Species& sp,
              AenetEnvironment& env, std::vector<int>& list_positions) const;

  AenetModelOptions options_;
  std::vector<Species> species_;
  std::vector<int> index_of_z_;  // atomic number → index into species_, −1 if absent
  double cutoff_model_ = 0.0;    // model length units
  std::vector<std::string> sources_;
  std::vector<std::string> warnings_;
};

}  // namespace slhmc::nnp
