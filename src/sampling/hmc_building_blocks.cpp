// Momentum draws, kinetic energy, the frozen-surrogate velocity-Verlet
// trajectory and the Metropolis test.
#include "slhmc/sampling/hmc_building_blocks.hpp"

#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

namespace slhmc::sampling {

double thermal_energy(double temperature_K) { return units::kBoltzmann * temperature_K; }

void draw_momenta(const Frame& frame, double kT, Rng& rng, std::vector<Vec3>& momenta) {
  momenta.resize(frame.size());
  for (std::size_t i = 0; i < frame.size(); ++i) {
    // ⟨p²/(2m)⟩·kMvvToEv = kT/2 per component.
    const double sigma = std::sqrt(frame.masses[i] * kT / units::kMvvToEv);
    for (int d = 0; d < 3; ++d) momenta[i][d] = sigma * rng.normal();
  }
}

void refresh_momenta(const Frame& frame, double kT, double c, Rng& rng, std::vector<Vec3>& momenta) {
  if (momenta.size() != frame.size()) {
    draw_momenta(frame, kT, rng, momenta);
    return;
  }
  const double s = std::sqrt(1.0 - c * c);
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const double sigma = std::sqrt(frame.masses[i] * kT / units::kMvvToEv);
    for (int d = 0; d < 3; ++d) momenta[i][d] = c * momenta[i][d] + s * sigma * rng.normal();
  }
}

double kinetic_energy(const Frame& frame, const std::vector<Vec3>& momenta) {
  double k = 0.0;
  for (std::size_t i = 0; i < frame.size(); ++i) k += norm2(momenta[i]) / (2.0 * frame.masses[i]);
  return k * units::kMvvToEv;
}

TrajectoryResult integrate_trajectory(Frame& frame, std::vector<Vec3>& momenta, ForceProvider& surrogate,
                                      int n_steps, double dt_fs) {
  TrajectoryResult result;
  // A force of 1 eV/Å acting for 1 fs changes the momentum by 1/kMvvToEv amu·Å/fs.
  const double half_kick = 0.5 * dt_fs / units::kMvvToEv;
  ComputeResult f = surrogate.compute(frame, ComputeRequest{});
  result.start_potential = f.energy;
  for (int step = 0; step < n_steps; ++step) {
    for (std::size_t i = 0; i < frame.size(); ++i) {
      momenta[i] += half_kick * f.forces[i];
      frame.positions[i] += (dt_fs / frame.masses[i]) * momenta[i];
    }
    f = surrogate.compute(frame, ComputeRequest{});
    for (std::size_t i = 0; i < frame.size(); ++i) momenta[i] += half_kick * f.forces[i];
  }
  result.end_potential = f.energy;
  return result;
}

bool metropolis_accept(double log_ratio, Rng& rng) {
  // Exactly one uniform per test, whatever the outcome, so that the random stream of a chain
  // does not depend on the sign of ΔH (restarts and reruns stay in step).
  const double u = rng.uniform();
  if (std::isnan(log_ratio)) return false;
  if (log_ratio >= 0.0) return true;
  return u < std::exp(log_ratio);
}

}  // namespace slhmc::sampling
