// Kicks, drifts and the two exact thermostat updates shared by the integrators.
#include "integrator_steps.hpp"

#include <cmath>

#include "slhmc/core/units.hpp"
#include "slhmc/dynamics/gamma_distribution.hpp"

namespace slhmc::detail {

void kick(State& state, double h) {
  // eV/Å·fs → amu·Å/fs. Divided, not multiplied by a reciprocal: the HMC trial trajectories run
  // this kick, and their recorded outputs were made with this rounding.
  const double f = h / units::kMvvToEv;
  for (std::size_t i = 0; i < state.momenta.size(); ++i) state.momenta[i] += f * state.forces[i];
}

void drift(State& state, double h) {
  for (std::size_t i = 0; i < state.momenta.size(); ++i)
    state.frame.positions[i] += (h / state.frame.masses[i]) * state.momenta[i];
}

void ornstein_uhlenbeck(State& state, double h, double friction_per_fs, double temperature_K) {
  const double before = kinetic_energy(state);
  const double c = std::exp(-friction_per_fs * h);
  const double noise = std::sqrt((1.0 - c * c) * units::kBoltzmann * temperature_K / units::kMvvToEv);
  for (std::size_t i = 0; i < state.momenta.size(); ++i) {
    const double s = noise * std::sqrt(state.frame.masses[i]);
    for (double& p : state.momenta[i]) p = c * p + s * state.rng.normal();
  }
  state.thermostat_energy += before - kinetic_energy(state);
}

void stochastic_rescale(State& state, double h, double tau_fs, double temperature_K) {
  const double k = kinetic_energy(state);
  const long nf = state.dof;
  if (nf <= 0) return;
  const double k_target = 0.5 * static_cast<double>(nf) * units::kBoltzmann * temperature_K;
  const double c = tau_fs > 0 ? std::exp(-h / tau_fs) : 0.0;
  if (k <= 0) {
    // At rest the update is K' = (1−c)(K̄/N_f)(R₁² + S) along a random
    // direction: Gaussian momenta (mass-weighted isotropic, drift removed when
    // the dof say so), rescaled to K'.
    const double k_new = (1.0 - c) * k_target / static_cast<double>(nf) * sample_chi_squared(state.rng, nf);
    const long n = static_cast<long>(state.momenta.size());
    double total_mass = 0;
    Vec3 total{0, 0, 0};
    for (std::size_t i = 0; i < state.momenta.size(); ++i) {
      const double sd = std::sqrt(state.frame.masses[i]);
      for (double& p : state.momenta[i]) p = sd * state.rng.normal();
      total += state.momenta[i];
      total_mass += state.frame.masses[i];
    }
    if (nf < 3 * n)
      for (std::size_t i = 0; i < state.momenta.size(); ++i)
        state.momenta[i] -= (state.frame.masses[i] / total_mass) * total;
    const double k_dir = kinetic_energy(state);
    if (k_dir > 0)
      for (Vec3& p : state.momenta) p *= std::sqrt(k_new / k_dir);
    state.thermostat_energy -= kinetic_energy(state);
    return;
  }
  // Exact solution of the stochastic differential equation for K over time h
  // (Bussi et al. 2007, appendix): with c = e^{−h/τ}, R₁ ~ N(0,1) and
  // S ~ χ²(N_f − 1),
  //   α² = c + (1−c)(K̄/(N_f K))(R₁² + S) + 2 R₁ √(c(1−c) K̄/(N_f K)),
  // and the sign of α follows R₁ + √(c N_f K / ((1−c) K̄)).
  const double r1 = state.rng.normal();
  const double s = sample_chi_squared(state.rng, nf - 1);
  const double ratio = k_target / (static_cast<double>(nf) * k);
  const double alpha2 = c + (1.0 - c) * ratio * (r1 * r1 + s) + 2.0 * r1 * std::sqrt(c * (1.0 - c) * ratio);
  double alpha = std::sqrt(std::max(alpha2, 0.0));
  if (r1 + std::sqrt(c / ((1.0 - c) * ratio)) < 0) alpha = -alpha;
  for (Vec3& p : state.momenta) p *= alpha;
  state.thermostat_energy += k - alpha * alpha * k;
}

}  // namespace slhmc::detail
