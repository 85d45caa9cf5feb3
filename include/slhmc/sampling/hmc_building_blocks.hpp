// The pieces an HMC trial is made of, exposed so that the trial and the
// statistical tests (which compose deliberately wrong variants to show that
// the tests catch them) share one implementation.
//
// Units: positions Å, momenta amu·Å/fs, masses amu, energies eV, time fs.
#pragma once

#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::sampling {

// k_B·T in eV.
double thermal_energy(double temperature_K);

// Fresh momenta from the Maxwell–Boltzmann distribution at thermal energy kT (eV):
// each component normal with variance m·kT (in amu²·Å²/fs²·... consistent units).
void draw_momenta(const Frame& frame, double kT, Rng& rng, std::vector<Vec3>& momenta);

// Generalized-HMC partial refresh p ← c·p + √(1−c²)·ξ with ξ Maxwell–Boltzmann; c in [0, 1).
void refresh_momenta(const Frame& frame, double kT, double c, Rng& rng, std::vector<Vec3>& momenta);

// K = Σ p²/(2m), eV.
double kinetic_energy(const Frame& frame, const std::vector<Vec3>& momenta);

struct TrajectoryResult {
  double start_potential = 0.0;  // V_sur at the start, eV
  double end_potential = 0.0;    // V_sur at the end, eV
};

// n_steps of velocity Verlet with step dt_fs on the frozen surrogate, in FP64: time-reversible
// and volume-preserving, so the end point is a valid HMC proposal for any fixed potential.
// Moves frame.positions and momenta in place. The surrogate is evaluated n_steps + 1 times.
TrajectoryResult integrate_trajectory(Frame& frame, std::vector<Vec3>& momenta, ForceProvider& surrogate,
                                      int n_steps, double dt_fs);

// Metropolis test: accept with probability min(1, exp(log_ratio)).
bool metropolis_accept(double log_ratio, Rng& rng);

}  // namespace slhmc::sampling
