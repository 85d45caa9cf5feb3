// State helpers: force evaluation into a state, Maxwell–Boltzmann momenta and
// the observables (kinetic energy, temperature, pressure).
#include "slhmc/dynamics/state.hpp"

#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

namespace slhmc {

void compute_forces(State& state, ForceProvider& provider) {
  ComputeRequest request;
  request.forces = true;
  request.virial = state.want_virial && state.frame.cell.fully_periodic();
  ComputeResult result = provider.compute(state.frame, request);
  if (result.forces.size() != state.frame.size())
    throw EngineError("force provider returned " + std::to_string(result.forces.size()) + " forces for " +
                      std::to_string(state.frame.size()) + " atoms (" + provider.description() + ")");
  if (state.require_finite_energy && !std::isfinite(result.energy))
    throw EngineError("force provider returned a non-finite energy (" + provider.description() + ")");
  state.forces = std::move(result.forces);
  state.potential_energy = result.energy;
  state.virial = result.virial;
  state.has_virial = result.has_virial;
}

State make_state(Frame frame, ForceProvider& provider, std::uint64_t seed) {
  frame.validate();
  State state;
  state.frame = std::move(frame);
  state.momenta.assign(state.frame.size(), Vec3{0, 0, 0});
  state.rng = Rng(seed);
  const long n = static_cast<long>(state.frame.size());
  state.dof = n > 1 ? 3 * n - 3 : 3 * n;
  compute_forces(state, provider);
  return state;
}

void draw_maxwell_boltzmann(State& state, double temperature_K, bool remove_drift) {
  draw_maxwell_boltzmann(state, temperature_K, remove_drift, state.rng);
}

void draw_maxwell_boltzmann(State& state, double temperature_K, bool remove_drift, Rng& rng) {
  if (!(temperature_K >= 0) || !std::isfinite(temperature_K))
    throw Error("Maxwell-Boltzmann temperature must be a non-negative number of kelvin");
  const std::size_t n = state.frame.size();
  state.momenta.resize(n);
  const double kt = units::kBoltzmann * temperature_K;  // eV
  double total_mass = 0;
  Vec3 total{0, 0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    // Variance of p in amu·Å/fs: m k_B T with k_B T converted from eV to amu·Å²/fs².
    const double sigma = std::sqrt(state.frame.masses[i] * kt / units::kMvvToEv);
    for (double& p : state.momenta[i]) p = sigma * rng.normal();
    total += state.momenta[i];
    total_mass += state.frame.masses[i];
  }
  if (remove_drift && n > 1) {
    // Mass-weighted projection: the result is the canonical distribution on the
    // subspace of zero total momentum (not a rescaled one).
    const Vec3 v_cm = (1.0 / total_mass) * total;
    for (std::size_t i = 0; i < n; ++i) state.momenta[i] -= state.frame.masses[i] * v_cm;
  }
  state.dof = static_cast<long>(remove_drift && n > 1 ? 3 * n - 3 : 3 * n);
}

void refresh_maxwell_boltzmann(State& state, double temperature_K, double c, Rng& rng) {
  if (!(c >= 0 && c < 1)) throw Error("momentum persistence must be in [0, 1)");
  if (state.momenta.size() != state.frame.size()) {
    draw_maxwell_boltzmann(state, temperature_K, /*remove_drift=*/false, rng);
    return;
  }
  const double kt = units::kBoltzmann * temperature_K;  // eV
  const double s = std::sqrt(1.0 - c * c);
  for (std::size_t i = 0; i < state.frame.size(); ++i) {
    const double sigma = std::sqrt(state.frame.masses[i] * kt / units::kMvvToEv);
    for (double& p : state.momenta[i]) p = c * p + s * sigma * rng.normal();
  }
}

void set_dof_for(State& state, bool integrator_conserves_momentum) {
  const long n = static_cast<long>(state.frame.size());
  const Vec3 p = total_momentum(state);
  double scale = 0;  // typical single-atom momentum, to judge "zero" relative to it
  for (const Vec3& pi : state.momenta) scale = std::max(scale, norm(pi));
  const bool zero = norm(p) <= 1e-10 * (scale > 0 ? scale : 1.0) * static_cast<double>(std::max<long>(n, 1));
  state.dof = integrator_conserves_momentum && zero && n > 1 ? 3 * n - 3 : 3 * n;
}

double kinetic_energy(std::span<const Vec3> momenta, std::span<const double> masses) {
  double twice = 0;  // Σ p²/m in amu·Å²/fs²
  for (std::size_t i = 0; i < momenta.size(); ++i) twice += norm2(momenta[i]) / masses[i];
  return 0.5 * twice * units::kMvvToEv;
}

double kinetic_energy(const State& state) { return kinetic_energy(state.momenta, state.frame.masses); }

double temperature(const State& state) {
  if (state.dof <= 0) return 0.0;
  return 2.0 * kinetic_energy(state) / (static_cast<double>(state.dof) * units::kBoltzmann);
}

Vec3 total_momentum(const State& state) {
  Vec3 total{0, 0, 0};
  for (const Vec3& p : state.momenta) total += p;
  return total;
}

bool has_pressure(const State& state) { return state.frame.cell.fully_periodic() && state.has_virial; }

double pressure_gpa(const State& state) {
  if (!state.frame.cell.fully_periodic()) throw Error("pressure needs a cell periodic in all three directions");
  if (!state.has_virial) throw Error("pressure needs the virial, which the force provider did not return");
  const double volume = state.frame.cell.volume();
  return (2.0 * kinetic_energy(state) + trace(state.virial)) / (3.0 * volume) * units::kEvPerA3ToGPa;
}

}  // namespace slhmc
