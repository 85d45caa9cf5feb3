// An n2p2 (2G-HDNNP) model directory (`input.nn`, `scaling.data`,
// `weights.NNN.data`) as an nnp::Model (nnp-formats.md Part B, forces and
// virial by Part C's edge formulation). n2p2 files do not state their units:
// the model's length unit (in Å) and energy unit (in eV) are load options, and
// results are converted to eV and Å at the boundary. Internally the model
// works like n2p2 in its normalised units (r* = c_L·r, E* = (E − offsets − N·μ)·c_E)
// so that the numbers agree with n2p2 to the last bits.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/nnp/model.hpp"
#include "slhmc/nnp/n2p2_scaling.hpp"
#include "slhmc/nnp/n2p2_settings.hpp"
#include "slhmc/nnp/n2p2_symmetry_functions.hpp"
#include "slhmc/nnp/network.hpp"

namespace slhmc::nnp::n2p2 {

class FastDescriptor;  // grouped symmetry functions (src/nnp/n2p2/fast_descriptor.hpp)

struct LoadOptions {
  double length_unit_in_angstrom = 1.0;  // e.g. 0.529177210903 for a model in bohr
  double energy_unit_in_ev = 1.0;        // e.g. 27.211386245988 for a model in hartree
  TopologyDialect dialect = TopologyDialect::unspecified;  // for per-element topology keywords (§B8.3)
};

class N2p2Model final : public Model {
 public:
  // Reads `dir`/input.nn, scaling.data and weights.NNN.data; throws ParseError /
  // Error naming the file, line and what was expected.
  static std::unique_ptr<N2p2Model> load(const std::string& dir, const LoadOptions& options = {});

  double cutoff() const override;          // Å
  std::vector<int> species() const override;  // ascending atomic numbers
  // Energy eV, forces eV/Å, virial eV, atomic energies eV (network energy + μ + offset
  // of each atom; they sum to the energy up to rounding). `extras` is JSON:
  // {"extrapolation_warnings": n} = number of (atom, symmetry function) values
  // outside the training range of scaling.data (never clamped).
  // Uses the fast grouped descriptors (no allocation per atom; scratch space is per thread).
  ComputeResult compute(const Frame& frame, const NeighborList& neighbors,
                        const ComputeRequest& request) const override;
  // The same with the plain reference evaluation of every symmetry function (for tests).
  ComputeResult compute_reference(const Frame& frame, const NeighborList& neighbors,
                                  const ComputeRequest& request) const;
  std::string description() const override;
  std::map<std::string, std::string> metadata() const override;

  const Settings& settings() const { return settings_; }

  // What n2p2 prints per atom, in its internal units, for comparison with
  // debug output: scaled symmetry functions in input order (per element
  // count), dE*/dGs of the atomic network, and the network output y_i.
  struct AtomDetail {
    int element = 0;  // index in settings().elements
    std::vector<double> g_scaled;
    std::vector<double> de_dg;
    double output = 0.0;
  };
  std::vector<AtomDetail> atom_details(const Frame& frame, const NeighborList& neighbors) const;

 private:
  struct ElementModel {
    std::vector<SymmetryFunction> sfs;  // sorted input order, parameters in internal units
    std::vector<SfScaling> scaling;     // same order
    Network network;
    double max_rc = 0.0;                // internal length units
    std::shared_ptr<const FastDescriptor> fast;  // the same functions, grouped
  };

  N2p2Model() = default;
  ComputeResult compute_impl(const Frame& frame, const NeighborList& neighbors, const ComputeRequest& request,
                             bool fast) const;
  // Element index of every atom; throws Error for species the model lacks.
  std::vector<int> element_indices(const Frame& frame) const;
  // Fills env with the entries of atom i within its element's cutoff (internal units);
  // `atom_of_entry` receives the neighbour atom index of each kept entry.
  void gather(const Frame& frame, const NeighborList& neighbors, std::size_t i, int element, Environment& env,
              std::vector<int>& atom_of_entry) const;

  std::string dir_;
  Settings settings_;
  LoadOptions options_;
  std::vector<ElementModel> elements_;
  double to_internal_length_ = 1.0;  // r* = r_Å · to_internal_length_
  double energy_factor_ = 1.0;       // E_eV contribution = E* · energy_factor_ (= E_unit/c_E)
};

// Loads an n2p2 model directory with the given model units (Å per model length
// unit, eV per model energy unit).
std::unique_ptr<Model> load_n2p2_model(const std::string& dir, double length_unit_in_angstrom,
                                       double energy_unit_in_ev);

}  // namespace slhmc::nnp::n2p2
