// The one interface for every potential, reference or surrogate (DESIGN §4).
// The dynamics and the sampler never know which code computes the forces.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"

namespace slhmc {

// What a caller wants computed. The energy is always computed.
struct ComputeRequest {
  bool forces = true;
  bool virial = false;
  bool atomic_energies = false;

  static ComputeRequest energy_only() { return {false, false, false}; }
  static ComputeRequest all() { return {true, true, true}; }
};

struct ComputeResult {
  double energy = 0.0;                  // eV
  std::vector<Vec3> forces;             // N×3 eV/Å (empty unless requested)
  Mat3 virial{};                        // W = −∂E/∂ε, eV (valid if has_virial); stress σ = −W/V
  bool has_virial = false;
  std::vector<double> atomic_energies;  // N, eV (empty unless requested); sums to energy
  std::string extras;                   // free form: uncertainty, timings, engine messages (JSON if structured)
};

class ForceProvider {
 public:
  virtual ~ForceProvider() = default;
  // Energy and what `request` asks for, for `frame` (positions in Å, need not be wrapped).
  // Non-const: providers may cache neighbour lists and buffers between calls.
  virtual ComputeResult compute(const Frame& frame, const ComputeRequest& request) = 0;
  // Interaction range in Å (0 if unknown / not applicable).
  virtual double cutoff() const = 0;
  // One-line description for provenance (type, parameter file, key parameters).
  virtual std::string description() const = 0;
};

// Stress tensor in GPa from a virial (σ = −W/V).
Mat3 stress_gpa(const Mat3& virial, double volume);

}  // namespace slhmc
