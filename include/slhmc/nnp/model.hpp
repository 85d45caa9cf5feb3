// An NNP model: per-element descriptors, scalings and networks; total energy
// = Σ atomic energies. Immutable after loading (DESIGN §4). Concrete models:
// aenet (Chebyshev, Behler2011) and n2p2 (2G-HDNNP) loaded from their files,
// and slhmc's own native format. The "nnp" ForceProvider wraps a model with a
// neighbour list that is reused across MD steps.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::nnp {

class Model {
 public:
  virtual ~Model() = default;
  // Largest descriptor cutoff in Å (after unit conversion).
  virtual double cutoff() const = 0;
  // Atomic numbers this model has networks for.
  virtual std::vector<int> species() const = 0;
  // Energy (eV) and, on request, forces (eV/Å), virial (eV) and per-atom energies of `frame`.
  // `neighbors` is a full list with radius ≥ cutoff() built for `frame` (entries beyond the
  // cutoff, from a skin, are allowed and ignored).
  virtual ComputeResult compute(const Frame& frame, const NeighborList& neighbors,
                                const ComputeRequest& request) const = 0;
  virtual std::string description() const = 0;
  // Metadata for provenance (format, version, units, ...).
  virtual std::map<std::string, std::string> metadata() const = 0;
  // Floating-point operations of one energy + forces evaluation of `frame` by the algorithm the
  // model actually executes, from an explicit count (docs/benchmarks.md states the conventions:
  // add, multiply = 1; a fused multiply-add = 2; divide, sqrt, exp, cos, pow = 1 each).
  // 0 means "not counted" for this model.
  virtual double operation_count(const Frame& frame, const NeighborList& neighbors) const {
    (void)frame;
    (void)neighbors;
    return 0.0;
  }
};

}  // namespace slhmc::nnp
