// Finite-difference checks of any force provider: forces against −∇E and the
// virial against −∂E/∂ε by central differences of the provider's own energy.
// The same code serves the test suites and users (`slhmc checkf`).
#pragma once

#include <vector>

#include "slhmc/forces/force_provider.hpp"

namespace slhmc {

struct FiniteDifferenceReport {
  ComputeResult analytic;            // energy, forces and virial at the unperturbed frame
  std::vector<Vec3> numeric_forces;  // −(E(r + h) − E(r − h)) / 2h, eV/Å
  Mat3 numeric_virial{};             // −(E(ε) − E(−ε)) / 2ε with r → (I + ε) r and the cell deformed alike, eV
  double max_force_error = 0.0;      // max |analytic − numeric| over all components, eV/Å
  double max_virial_error = 0.0;     // eV (0 unless the virial was checked)
};

// Central differences with displacement `h` (Å) for forces (skipped when h is 0) and strain
// `strain_step` for the virial (skipped when 0). Costs 6N + 18 energy evaluations.
FiniteDifferenceReport check_finite_differences(ForceProvider& provider, const Frame& frame, double h = 1e-5,
                                                double strain_step = 1e-6);

}  // namespace slhmc
